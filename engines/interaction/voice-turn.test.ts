// A spoken conversation through the real host: real (flite) speech in as audio frames, the
// generated recogniser's words, a reply from a scripted GGUF model by real inference, said piece
// by piece by the embedded voice and sent out as binary speech frames; then speech over a long
// reply ducks it, stops it, cancels the generation and keeps only what was heard; Escape does
// the same. Nothing of ours is mocked; the page is played by the test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { decodeSpeechFrame, type Envelope, type SpeechPiece } from '../bus/index.ts';
import { createHost, type Host } from '../host/index.ts';
import { nextEvent } from '../host/testing.ts';
import { speechTools, spoken, testPack } from './speech/speech.fixture.ts';

const REPLY = [
  'Sure,',
  ' here is',
  ' the first',
  ' sentence.',
  ' Then a second sentence follows it.',
  ' A third one is here too.',
  ' The fourth sentence is a little longer than the others were.',
  ' And the fifth closes the reply.',
];

/** Three pieces, each a sentence (the first one a clause). */
const ECHO_REPLY = ['Sure,', ' the sea is deep and wide.', ' It covers most of the Earth.'];

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

async function voiceHost(script = REPLY) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-voice-turn-')),
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script }),
    threads: 1,
    speechPacks: [testPack('what is the weather like')],
  });
  hosts.push(host);
  const pieces: SpeechPiece[] = [];
  host.onSpeech((frame) => pieces.push(decodeSpeechFrame(frame)!));
  const events: Envelope[] = [];
  host.bus.subscribe((e) => events.push(e));
  await host.bus.invoke('voice.set_output', { speak: true });
  const { id } = await host.bus.invoke('chat.create_conversation', {});
  return { host, pieces, events, conversationId: id };
}

const int16 = (samples: Float32Array) => {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(Math.max(-32768, Math.min(32767, s * 32768)), i * 2));
  return out;
};

/** The microphone in real time: a 20 ms frame every 20 ms. */
async function speakLive(host: Host, samples: Float32Array): Promise<void> {
  const start = performance.now();
  for (let i = 0, n = 0; i < samples.length; i += 320, n++) {
    while (performance.now() < start + n * 20) await new Promise((r) => setTimeout(r, 2));
    host.audio(int16(samples.slice(i, i + 320)));
  }
  // Returns when the audio has played out, as a page's next piece starts then.
  const end = start + Math.ceil(samples.length / 320) * 20;
  while (performance.now() < end) await new Promise((r) => setTimeout(r, 1));
}

/** The microphone: 20 ms frames, all at once (within the host's burst allowance). */
function speak(host: Host, samples: Float32Array): void {
  for (let i = 0; i < samples.length; i += 320) host.audio(int16(samples.slice(i, i + 320)));
}

const named = <K extends Envelope['name']>(events: Envelope[], name: K) =>
  events.filter((e) => e.name === name) as unknown as Envelope<K>[];
const states = (events: Envelope[]) =>
  named(events, 'turn.state_changed').map((e) => e.payload.state);

describe('a spoken conversation', () => {
  it.skipIf(speechTools)(
    'hears the words, answers, and says the reply piece by piece',
    async () => {
      const { host, pieces, events, conversationId } = await voiceHost();
      expect((await host.bus.invoke('voice.get_status', {})).speak).toBe(true);
      const final = nextEvent(host, 'voice.transcript', (e) => e.payload.final);
      speak(host, spoken('what is the weather like', 0.5, 0.8));
      const { payload } = await final;
      expect(payload.text).toBe('WHAT IS THE WEATHER LIKE');
      // The page sends the final words as the turn, as if typed.
      const finished = nextEvent(host, 'voice.speaking', (e) => e.payload.state === 'finished');
      const sent = await host.bus.invoke('chat.send_message', {
        conversationId,
        text: payload.text,
      });
      // The page says when it has played all it got; speech ends then, not on the host's estimate.
      const played = setInterval(() => {
        const heardMs = pieces.reduce((ms, p) => ms + p.header.durationMs, 0);
        void host.bus.invoke('voice.playback', { turnId: sent.turnId, heardMs, ended: true });
      }, 100);
      await finished.finally(() => clearInterval(played));
      const said = pieces.map((p) => p.header.text).join(' ');
      expect(said).toBe(REPLY.join(''));
      expect(pieces[0].header.text).toBe('Sure,'); // the first clause is said at once
      expect(pieces.map((p) => p.header.seq)).toEqual(pieces.map((_, i) => i));
      for (const p of pieces) {
        expect(p.samples.length).toBeGreaterThan(0);
        expect(p.header.envelope.length).toBe(Math.ceil(p.samples.length / 320));
      }
      // L3 hears the same pieces (for the mouth) and the page's playback reports, on the bus.
      const told = named(events, 'voice.piece');
      expect(told.map((e) => e.payload.startMs)).toEqual(pieces.map((p) => p.header.startMs));
      expect(told.map((e) => e.payload.envelope)).toEqual(pieces.map((p) => p.header.envelope));
      expect(named(events, 'voice.played').at(-1)?.payload).toMatchObject({ ended: true });
      expect(states(events)).toEqual(
        expect.arrayContaining(['listening', 'transcribing', 'thinking', 'streaming', 'speaking']),
      );
      await expect
        .poll(() => host.bus.invoke('turn.get_state', {}))
        .toMatchObject({ state: 'idle' });
      const started = named(events, 'voice.speaking').find((e) => e.payload.state === 'started')!;
      expect(started.payload.firstAudioMs).toBeGreaterThan(0);
    },
  );

  it.skipIf(speechTools)('stops when spoken over, and keeps only what was heard', async () => {
    const { host, events, conversationId } = await voiceHost();
    const speaking = nextEvent(host, 'voice.speaking', (e) => e.payload.state === 'started');
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId,
      text: 'tell me something long',
    });
    await speaking;
    const stopped = nextEvent(host, 'voice.speaking', (e) => e.payload.state === 'stopped');
    speak(host, spoken('wait, stop there please', 0.1, 0.6));
    await stopped;
    const controls = named(events, 'voice.playback_control').map((e) => e.payload.action);
    expect(controls.slice(0, 2)).toEqual(['duck', 'stop']);
    expect(states(events)).toEqual(expect.arrayContaining(['barged_in', 'repairing']));
    await expect
      .poll(async () => {
        const { turns } = await host.bus.invoke('chat.get_conversation', { id: conversationId });
        return turns.find((t) => t.id === turnId);
      })
      .toMatchObject({ status: 'stopped' });
    const { turns } = await host.bus.invoke('chat.get_conversation', { id: conversationId });
    const kept = turns.find((t) => t.id === turnId)!.assistantText;
    expect(REPLY.join('').startsWith(kept)).toBe(true);
    expect(kept.length).toBeLessThan(REPLY.join('').length / 2);
  });

  it.skipIf(speechTools)(
    'is not stopped by its own voice coming back through the microphone',
    async () => {
      const { host, pieces, events, conversationId } = await voiceHost(ECHO_REPLY);
      const speaking = nextEvent(host, 'voice.speaking', (e) => e.payload.state === 'started');
      const { turnId } = await host.bus.invoke('chat.send_message', {
        conversationId,
        text: 'tell me about the sea',
      });
      await speaking;
      // The speakers' sound reaches the microphone, all of the reply: each piece as soon as it
      // arrives, or right after the one before it, as a page plays them.
      for (let fed = 0; fed < ECHO_REPLY.length; fed++) {
        while (pieces.length <= fed) await new Promise((r) => setTimeout(r, 1));
        await speakLive(
          host,
          Float32Array.from(pieces[fed].samples, (v) => (v / 32768) * 0.5),
        );
      }
      const heard = named(events, 'voice.activity').length;
      expect(heard).toBeGreaterThan(0); // the VAD did hear speech…
      const controls = named(events, 'voice.playback_control').map((e) => e.payload.action);
      expect(controls).not.toContain('stop'); // …and knew it for its own
      expect(states(events)).not.toContain('repairing');
      await host.bus.invoke('voice.stop_speaking', {});
      void turnId;
    },
  );

  it.skipIf(speechTools)('stops speaking on Escape and cuts the reply', async () => {
    const { host, conversationId } = await voiceHost();
    const speaking = nextEvent(host, 'voice.speaking', (e) => e.payload.state === 'started');
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId,
      text: 'tell me about the sea',
    });
    await speaking;
    expect(await host.bus.invoke('voice.stop_speaking', {})).toEqual({ stopped: true });
    await expect.poll(() => host.bus.invoke('turn.get_state', {})).toMatchObject({ state: 'idle' });
    await expect
      .poll(async () => {
        const { turns } = await host.bus.invoke('chat.get_conversation', { id: conversationId });
        const turn = turns.find((t) => t.id === turnId)!;
        return turn.status === 'stopped' && turn.assistantText.length < REPLY.join('').length;
      })
      .toBe(true);
    expect(await host.bus.invoke('voice.stop_speaking', {})).toEqual({ stopped: false });
  });
});
