// A page for the voice benchmarks: a WebSocket to the headless host that sends microphone frames
// in real time (20 ms apart), keeps every event and spoken piece with the time it arrived, and
// invokes commands — what the renderer does, without a browser.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { Envelope, ServerMessage } from '../engines/bus/index.ts';
import { decodeSpeechFrame, type SpeechPiece } from '../engines/bus/index.ts';

export type Arrived<T> = { value: T; at: number };

export async function connect(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  const events: Arrived<Envelope>[] = [];
  const pieces: Arrived<SpeechPiece>[] = [];
  const results = new Map<number, (r: ServerMessage) => void>();
  let nextId = 1;
  ws.on('message', (data, binary) => {
    const at = performance.now();
    if (binary) return void pieces.push({ value: decodeSpeechFrame(data as Buffer)!, at });
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'event') events.push({ value: m.event, at });
    if (m.type === 'result' && typeof m.id === 'number') results.get(m.id)?.(m);
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'subscribe', afterSeq: 0 }));
  const invoke = (command: string, input: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      results.set(id, (m) => (m.type === 'result' && m.ok ? resolve(m.output) : reject(m)));
      ws.send(JSON.stringify({ type: 'invoke', id, command, input }));
    });
  /** The first event of this name (passing `where`) after index `from`, waited for. */
  async function next(name: string, from: number, where = (_e: Envelope) => true, ms = 30_000) {
    const until = performance.now() + ms;
    for (;;) {
      const hit = events.slice(from).find((e) => e.value.name === name && where(e.value));
      if (hit) return hit;
      if (performance.now() > until) return null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  /** Sends the audio as a microphone would, in real time; returns when each frame went. */
  async function speak(audio: Float32Array): Promise<number[]> {
    const sent: number[] = [];
    const start = performance.now();
    for (let at = 0, n = 0; at < audio.length; at += 320, n++) {
      const frame = Buffer.alloc(640);
      for (let i = 0; i < 320 && at + i < audio.length; i++)
        frame.writeInt16LE(Math.round(Math.max(-1, Math.min(1, audio[at + i])) * 32767), i * 2);
      const due = start + n * 20;
      while (performance.now() < due) await new Promise((r) => setTimeout(r, 1));
      ws.send(frame);
      sent.push(performance.now());
    }
    // Returns when the audio has played out: what comes next follows it, as it would live.
    const end = start + Math.ceil(audio.length / 320) * 20;
    while (performance.now() < end) await new Promise((r) => setTimeout(r, 1));
    return sent;
  }
  /** Stops whatever is being said and waits for the turn to end. */
  async function idle(): Promise<void> {
    await invoke('voice.stop_speaking', {});
    for (;;) {
      const { state } = (await invoke('turn.get_state', {})) as { state: string };
      if (state === 'idle' || state === 'error') return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { ws, events, pieces, invoke, next, speak, idle, close: () => ws.close() };
}

export type VoiceClient = Awaited<ReturnType<typeof connect>>;
