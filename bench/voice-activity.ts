// Voice activity for bench:voice: through the whole host (binary
// frames on the WebSocket → the speech process → voice.activity back on the socket) against
// sherpa-onnx's Silero VAD called bare in this process, on the same flite utterances. Reported:
// when speech is detected and when its end is, on the audio clock (ms after the loud part starts
// or ends), and the wall time the host adds from the frame that ends the speech to the event
// arriving. The host runs on a manual clock, so frames are paced without waiting. Prints JSON.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../engines/bus/index.ts';
import { createHost, silentLogger, sourceResources, startServer } from '../engines/host/index.ts';
import { manualClock } from '../engines/host/testing.ts';
import { BUNDLED_VAD } from '../engines/interaction/index.ts';
import { energySpan, spoken } from '../engines/interaction/speech/speech.fixture.ts';
import { summary } from './stats.ts';

const SENTENCES = [
  'hello there, how are you today',
  'open my notes file please',
  'what is the weather like tomorrow',
  'remind me to call my sister at six',
  'tell me something interesting about the moon',
];

type Heard = { onsetMs: number; endMs: number; overheadMs?: number };

type Vad = {
  acceptWaveform(s: Float32Array): void;
  isDetected(): boolean;
  isEmpty(): boolean;
  pop(): void;
};

/** sherpa-onnx's Silero VAD, called bare, with the settings Aether ships. */
export function bareVad(): Vad {
  const { Vad } = createRequire(import.meta.url)('sherpa-onnx-node') as {
    Vad: new (c: unknown, n: number) => Vad;
  };
  const { threshold, minSilenceMs, minSpeechMs } = BUNDLED_VAD;
  const silero = {
    model: sourceResources.vadModel,
    threshold,
    minSilenceDuration: minSilenceMs / 1000,
    minSpeechDuration: minSpeechMs / 1000,
    windowSize: 512,
  };
  return new Vad({ sileroVad: silero, sampleRate: 16000, numThreads: 1, debug: false }, 60);
}

function bare(audio: Float32Array): Heard {
  const vad = bareVad();
  const heard = { onsetMs: NaN, endMs: NaN };
  for (let at = 0; at + 512 <= audio.length; at += 512) {
    vad.acceptWaveform(audio.subarray(at, at + 512));
    const ms = ((at + 512) * 1000) / 16000;
    if (vad.isDetected() && Number.isNaN(heard.onsetMs)) heard.onsetMs = ms;
    if (!vad.isEmpty() && Number.isNaN(heard.endMs)) heard.endMs = ms;
    while (!vad.isEmpty()) vad.pop();
  }
  return heard;
}

async function throughHost(utterances: Float32Array[]): Promise<Heard[]> {
  const clock = manualClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-bench-voice-'));
  const host = createHost({ mode: 'headless', dataDir, threads: 1, clock });
  const server = await startServer({ host, port: 0, log: silentLogger });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  const inbox: Array<{ m: ServerMessage; at: number }> = [];
  ws.on('message', (d, binary) => {
    if (!binary) inbox.push({ m: JSON.parse(d.toString()), at: performance.now() });
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'subscribe', afterSeq: 0 }));
  ws.send(Buffer.alloc(640)); // starts the speech process
  const ready = () =>
    inbox.some(
      ({ m }) =>
        m.type === 'event' &&
        m.event.name === 'voice.status_changed' &&
        m.event.payload.state === 'ready',
    );
  while (!ready()) await new Promise((r) => setTimeout(r, 20));
  const results: Heard[] = [];
  let offset = 640 / 2; // samples of audio fed so far (the audio clock)
  for (const audio of utterances) {
    const sent: number[] = [];
    const from = inbox.length;
    for (let at = 0; at < audio.length; at += 320) {
      const frame = Buffer.alloc(640);
      for (let i = 0; i < 320 && at + i < audio.length; i++)
        frame.writeInt16LE(Math.round(audio[at + i] * 32767), i * 2);
      ws.send(frame);
      sent.push(performance.now());
      await clock.advance(20);
    }
    const heard = (kind: 'speech_started' | 'speech_ended') =>
      inbox
        .slice(from)
        .find(
          ({ m }) =>
            m.type === 'event' &&
            m.event.name === 'voice.activity' &&
            m.event.payload.kind === kind,
        );
    const ended = () => heard('speech_ended');
    const started = () => heard('speech_started');
    for (let i = 0; !ended() && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
    const s = started();
    const e = ended();
    const atMs = (x: typeof e) =>
      x && x.m.type === 'event' ? (x.m.event.payload as { atMs: number }).atMs : NaN;
    const base = (offset * 1000) / 16000;
    const endAudio = atMs(e) - base;
    const frameIndex = Math.min(sent.length - 1, Math.max(0, Math.ceil(endAudio / 20) - 1));
    results.push({
      onsetMs: atMs(s) - base,
      endMs: endAudio,
      overheadMs: e ? e.at - sent[frameIndex] : NaN,
    });
    offset += Math.ceil(audio.length / 320) * 320;
  }
  ws.close();
  await server.close();
  await host.dispose();
  return results;
}

export async function activityBench(runs: number) {
  const utterances = Array.from({ length: runs }, (_, i) =>
    spoken(SENTENCES[i % SENTENCES.length]),
  );
  const spans = utterances.map((a) => energySpan(a));
  const overhead = (heard: Heard[]) =>
    summary(heard.map((h) => h.overheadMs!).filter(Number.isFinite));
  const bareHeard = utterances.map(bare);
  const hostHeard = await throughHost(utterances);
  const after = (heard: Heard[], key: 'onsetMs' | 'endMs', span: 'onMs' | 'offMs') =>
    summary(heard.map((h, i) => h[key] - spans[i][span]).filter(Number.isFinite));
  return {
    utterances: utterances.length,
    vad: BUNDLED_VAD,
    onsetAfterSpeechMs: {
      aether: after(hostHeard, 'onsetMs', 'onMs'),
      bare: after(bareHeard, 'onsetMs', 'onMs'),
    },
    endpointAfterSpeechMs: {
      aether: after(hostHeard, 'endMs', 'offMs'),
      bare: after(bareHeard, 'endMs', 'offMs'),
    },
    hostOverheadMs: overhead(hostHeard),
    missed: hostHeard.filter((h) => !Number.isFinite(h.endMs)).length,
    note: 'audio-clock times: when the event says speech began/ended, minus the loud part of the audio; hostOverheadMs: wall time from sending the frame that holds the endpoint to the event on the socket',
  };
}
