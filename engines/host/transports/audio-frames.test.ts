// Audio as binary frames on the token-protected WebSocket, into the real speech process (Silero
// via sherpa-onnx): what it hears comes back as voice.activity events; frames that are too
// large, odd, too fast, or sent to a host without voice are refused with a typed answer while
// the connection goes on. The host runs on a manual clock, so 20 ms frames are paced without
// waiting in real time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../bus/index.ts';
import { MAX_FRAME_BYTES } from '../../interaction/index.ts';
import { speechTools, spoken } from '../../interaction/speech/speech.fixture.ts';
import { createHost, type HostOptions } from '../create-host.ts';
import { manualClock } from '../testing.ts';
import { startServer } from './http-server.ts';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function serve(options: Partial<HostOptions> = {}) {
  const clock = manualClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-audio-'));
  const host = createHost({ mode: 'headless', dataDir, threads: 1, clock, ...options });
  const server = await startServer({ host, port: 0, log: { info() {}, warn() {}, error() {} } });
  closing.push(async () => {
    await server.close();
    await host.dispose();
  });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  const inbox: ServerMessage[] = [];
  ws.on('message', (d, binary) => {
    if (!binary) inbox.push(JSON.parse(d.toString()));
  });
  await new Promise((r) => ws.once('open', r));
  await expect.poll(() => inbox.some((m) => m.type === 'hello')).toBe(true);
  ws.send(JSON.stringify({ type: 'subscribe', afterSeq: 0 }));
  return { ws, inbox, clock };
}

const int16 = (samples: Float32Array) => {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(Math.max(-32768, Math.min(32767, s * 32768)), i * 2));
  return out;
};
const refusals = (inbox: ServerMessage[]) =>
  inbox.flatMap((m) => (m.type === 'audio_refused' ? [m.error] : []));
const activity = (inbox: ServerMessage[]) =>
  inbox.flatMap((m) =>
    m.type === 'event' && m.event.name === 'voice.activity' ? [m.event.payload] : [],
  );

describe('audio frames on the WebSocket', () => {
  it.skipIf(speechTools)('carries speech to the speech process and its activity back', async () => {
    const { ws, inbox, clock } = await serve();
    const statuses = () =>
      inbox.flatMap((m) =>
        m.type === 'event' && m.event.name === 'voice.status_changed'
          ? [m.event.payload.state]
          : [],
      );
    // The first frame starts the speech process, as opening the microphone does.
    ws.send(Buffer.alloc(640));
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(['starting', 'ready']);
    const audio = int16(spoken('hello there, how are you today'));
    for (let at = 0; at < audio.length; at += 640) {
      ws.send(audio.subarray(at, at + 640));
      await clock.advance(20);
    }
    await expect
      .poll(() => activity(inbox).map((a) => a.kind), { timeout: 10_000 })
      .toEqual(['speech_started', 'speech_ended']);
    expect(refusals(inbox)).toEqual([]);
    // The turn machine listened, then had no recogniser to get the words: it says so, and how.
    const turn = inbox.flatMap((m) =>
      m.type === 'event' && m.event.name === 'turn.state_changed' ? [m.event.payload.state] : [],
    );
    expect(turn).toEqual(['listening', 'transcribing', 'idle']);
    const problem = inbox.find(
      (m) => m.type === 'event' && m.event.name === 'voice.not_understood',
    ) as Extract<ServerMessage, { type: 'event' }> | undefined;
    expect(problem?.event.payload).toMatchObject({
      reason: 'no-recogniser',
      message: expect.stringContaining('the speech pack in the Models tab'),
    });
  });

  it('refuses oversized, odd and too-fast frames with typed answers, and goes on', async () => {
    const { ws, inbox } = await serve();
    ws.send(Buffer.alloc(MAX_FRAME_BYTES + 2));
    ws.send(Buffer.alloc(641));
    // Two seconds of audio twice within the same second is faster than anyone speaks.
    ws.send(Buffer.alloc(MAX_FRAME_BYTES));
    ws.send(Buffer.alloc(MAX_FRAME_BYTES));
    await expect.poll(() => refusals(inbox).length).toBe(3);
    expect(
      refusals(inbox).map((e) => [e.code, e.message.split(' ').slice(0, 4).join(' ')]),
    ).toEqual([
      ['BadRequest', 'an audio frame may'],
      ['BadRequest', 'an audio frame is'],
      ['BadRequest', 'audio arrives faster than'],
    ]);
    ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'voice.get_status', input: {} }));
    await expect
      .poll(() => inbox.find((m) => m.type === 'result' && m.id === 1))
      .toMatchObject({ ok: true });
  });

  it('says a host without a speech process cannot take audio', async () => {
    const { ws, inbox } = await serve({ spawnSpeech: null });
    ws.send(Buffer.alloc(640));
    await expect.poll(() => refusals(inbox).map((e) => e.code)).toEqual(['Unsupported']);
  });
});
