// @vitest-environment jsdom
// The voice store against a test client, a stand-in microphone and a stand-in player (jsdom has
// no audio): frames go to the host as they come, a microphone that cannot open is said in plain
// words, the final words become a message, spoken pieces play only with voice output on, the
// host's duck and stop reach the player, and loud speech over a reply ducks it at once.
import { describe, expect, it } from 'vitest';
import { decodeSpeechFrame, encodeSpeechFrame, type VoiceStatus } from '../../engines/bus/index.ts';
import { createTestClient } from '../ipc/testing.ts';
import type { Capture, OnLevel } from '../voice/capture.ts';
import { toInt16 } from '../voice/capture.ts';
import type { Playback, PlaybackReport } from '../voice/playback.ts';
import { createVoiceStore } from './voice.ts';

const status = (speak: boolean): VoiceStatus => ({
  state: 'ready',
  detail: null,
  recogniser: true,
  voices: ['flite:slt'],
  problems: [],
  speak,
});

function fakePlayback() {
  const log: string[] = [];
  const player: Playback & { log: string[]; report?: (r: PlaybackReport) => void } = {
    log,
    play(frame) {
      log.push('play');
      return decodeSpeechFrame(frame)?.header ?? null;
    },
    duck: (on) => log.push(on ? 'duck' : 'unduck'),
    stop: () => log.push('stop'),
    now: () => ({ turnId: 't1', heardMs: 0, ended: false }),
    close() {},
  };
  return player;
}

function setUp(start: (send: (f: Uint8Array) => void, onLevel?: OnLevel) => Promise<Capture>) {
  const client = createTestClient({
    'voice.get_status': () => status(false),
    'voice.set_output': ({ speak }) => status(speak),
    'voice.stop_speaking': () => ({ stopped: true }),
    'voice.preview': () => {
      // The host sends the sample's frames before it answers.
      client.speak(piece('Hi, I am Aether.'));
      return { id: 'preview-1', voice: 'flite:slt', durationMs: 20 };
    },
  });
  const player = fakePlayback();
  const sent: string[] = [];
  const read: Array<[string, boolean | undefined]> = [];
  const voice = createVoiceStore(client, {
    start,
    playback: () => player,
    sendText: async (text) => sent.push(text),
    preloadText: (text, now) => read.push([text, now]),
  });
  voice.bind();
  return { client, voice, player, sent, read };
}

const piece = (text: string) =>
  encodeSpeechFrame(
    { turnId: 't1', seq: 0, sampleRate: 16000, startMs: 0, durationMs: 20, envelope: [0.1], text },
    new Float32Array(320),
  );

describe('voice store', () => {
  it('sends the microphone frames while it is on, and stops them when turned off', async () => {
    let send!: (f: Uint8Array) => void;
    let stopped = false;
    const { client, voice } = setUp(async (s) => {
      send = s;
      return { stop: () => (stopped = true) };
    });
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(true);
    send(toInt16(new Float32Array([0, 0.5, -1])));
    // 0.5 → 16384 (0x4000), -1 → -32767 (0x8001), little-endian.
    expect([...client.frames[0]]).toEqual([0, 0, 0x00, 0x40, 0x01, 0x80]);
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(false);
    expect(stopped).toBe(true);
  });

  it('says when the microphone cannot be opened, and that typing still works', async () => {
    const { voice } = setUp(() => Promise.reject(new Error('Permission denied')));
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(false);
    expect(voice.getState().problem).toMatch(/Permission denied.*You can still type/);
  });

  it('shows what the host could not understand until the user speaks again', () => {
    const { client, voice } = setUp(async () => ({ stop() {} }));
    client.emit('voice.not_understood', { reason: 'no-recogniser', message: 'No recogniser.' });
    expect(voice.getState().problem).toBe('No recogniser.');
    client.emit('turn.state_changed', {
      turnId: null,
      conversationId: null,
      state: 'listening',
      previous: 'idle',
    });
    expect(voice.getState().problem).toBeNull();
  });

  it('shows the words as they come, and sends the final ones as a message', async () => {
    const { client, voice, sent } = setUp(async () => ({ stop() {} }));
    await voice.getState().toggle();
    client.emit('voice.transcript', { text: 'WHAT IS', final: false, atMs: 1, decodeMs: 1 });
    expect(voice.getState().transcript).toBe('WHAT IS');
    client.emit('voice.transcript', { text: 'WHAT IS IT', final: true, atMs: 2, decodeMs: 1 });
    expect(voice.getState().transcript).toBeNull();
    expect(sent).toEqual(['WHAT IS IT']);
  });

  it('reads the words so far ahead, at once when the speaker paused', async () => {
    const { client, voice, read } = setUp(async () => ({ stop() {} }));
    await voice.getState().toggle();
    client.emit('voice.transcript', { text: 'WHAT IS', final: false, atMs: 1, decodeMs: 1 });
    const paused = { text: 'WHAT IS IT', final: false, atMs: 2, decodeMs: 1, pause: true };
    client.emit('voice.transcript', paused);
    client.emit('voice.transcript', { text: 'WHAT IS IT', final: true, atMs: 3, decodeMs: 1 });
    expect(read).toEqual([
      ['WHAT IS', false],
      ['WHAT IS IT', true],
    ]);
  });

  it('keeps what the pipeline is doing for the inspector', () => {
    const { client, voice } = setUp(async () => ({ stop() {} }));
    client.emit('voice.activity', { kind: 'speech_started', atMs: 100, heardMs: 0 });
    expect(voice.getState().pipeline.vad).toBe('speech');
    client.emit('voice.activity', { kind: 'speech_ended', atMs: 900, startMs: 90, endMs: 600 });
    client.emit('voice.transcript', { text: 'HELLO', final: true, atMs: 910, decodeMs: 7 });
    client.emit('voice.speaking', {
      turnId: 't1',
      state: 'started',
      heardMs: 0,
      firstAudioMs: 850,
    });
    expect(voice.getState().pipeline).toEqual({
      vad: 'quiet',
      heard: 'HELLO',
      decodeMs: 7,
      firstAudioMs: 850,
    });
  });

  it('opens and closes the microphone from the global shortcut', async () => {
    const { client, voice } = setUp(async () => ({ stop() {} }));
    client.press('push-to-talk');
    await expect.poll(() => voice.getState().micOn).toBe(true);
    client.press('push-to-talk');
    await expect.poll(() => voice.getState().micOn).toBe(false);
  });

  it('holds the microphone open only while the push-to-talk key is down', async () => {
    let open = 0;
    const { voice } = setUp(async () => {
      open++;
      return { stop: () => open-- };
    });
    await voice.getState().holdToTalk(true);
    expect(voice.getState()).toMatchObject({ micOn: true, pushToTalk: true });
    await voice.getState().holdToTalk(false);
    expect(voice.getState().micOn).toBe(false);
    expect(open).toBe(0);
  });

  it('plays spoken pieces only with voice output on, and follows the host', async () => {
    const { client, voice, player } = setUp(async () => ({ stop() {} }));
    client.speak(piece('Hello.'));
    expect(player.log).toEqual([]);
    await voice.getState().toggleOutput();
    expect(voice.getState().outputOn).toBe(true);
    client.speak(piece('Hello.'));
    expect(voice.getState().speaking).toMatchObject({ turnId: 't1', text: 'Hello.' });
    client.emit('voice.playback_control', { turnId: 't1', action: 'duck' });
    client.emit('voice.playback_control', { turnId: 't1', action: 'stop' });
    expect(player.log).toEqual(['play', 'duck', 'stop']);
    await voice.getState().stopSpeaking();
    expect(client.count('voice.stop_speaking')).toBe(1);
  });

  it('plays a voice preview with replies not spoken, and nothing after it', async () => {
    const { client, voice, player } = setUp(async () => ({ stop() {} }));
    await voice.getState().preview();
    expect(client.count('voice.preview')).toBe(1);
    expect(player.log).toEqual(['play']);
    expect(voice.getState()).toMatchObject({ previewing: false, outputOn: false, speaking: null });
    client.speak(piece('A reply.'));
    expect(player.log).toEqual(['play']);
  });

  it('ducks a reply at once when the user speaks loudly over it', async () => {
    let level!: OnLevel;
    const { client, voice, player } = setUp(async (_s, onLevel) => {
      level = onLevel!;
      return { stop() {} };
    });
    await voice.getState().toggleOutput();
    await voice.getState().toggle();
    level(0.3, 20); // nothing playing: nothing to duck
    client.speak(piece('A long reply.'));
    level(0.001, 40);
    level(0.3, 60);
    level(0.3, 80);
    expect(player.log.filter((l) => l === 'duck')).toHaveLength(1);
    const [mark] = performance.getEntriesByName('aether:duck') as PerformanceMark[];
    expect(mark.detail).toEqual({ audioMs: 60 });
  });
});
