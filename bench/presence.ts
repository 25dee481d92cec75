// npm run bench:presence — L3's frames: what one costs in the host (µs, and the share of one core
// at 60 fps) against the cost every frame pays anyway (its JSON on the wire); how far a viseme's
// frame lands from the moment its sound plays, with the page's playback reports on real timers;
// and, in Debian's Chromium, how evenly the 60 fps frames reach the drawn avatar over 10 s.
import { createBus, systemClock, type BehaviorFrame } from '../engines/bus/index.ts';
import {
  createPresenceEngine,
  DEFAULT_INPUTS,
  frameAt,
  type InputChange,
} from '../engines/presence/index.ts';
import { pageFrameBench } from './presence-page.ts';
import { vrmFrameBench } from './presence-vrm.ts';
import { percentile, round, summary } from './stats.ts';

/** A busy minute: turn changes, a reply of 20 spoken pieces, playback reports. */
function busyLog(): InputChange[] {
  const log: InputChange[] = [{ at: -Infinity, set: { ...DEFAULT_INPUTS } }];
  const states = ['listening', 'transcribing', 'thinking', 'streaming', 'speaking'] as const;
  states.forEach((turn, i) => log.push({ at: 1000 + i * 400, set: { turn } }));
  const pieces = Array.from({ length: 20 }, (_, i) => ({
    startMs: i * 1500,
    durationMs: 1500,
    envelope: Array.from({ length: 75 }, (_, s) => Math.abs(Math.sin(s / 4)) * 0.3),
    text: 'a sentence of the reply, said aloud',
  }));
  for (let r = 0; r < 120; r++)
    log.push({
      at: 3000 + r * 250,
      set: {
        speech: {
          turnId: 't',
          pieces,
          playback: { heardMs: r * 250, at: 3000 + r * 250, ended: false },
        },
      },
    });
  return log;
}

function frameCost() {
  const log = busyLog();
  const compute: number[] = [];
  const json: number[] = [];
  for (let t = 0; t < 33_000; t += 1000 / 60) {
    let started = performance.now();
    const frame = frameAt(log, t);
    compute.push((performance.now() - started) * 1000);
    started = performance.now();
    JSON.stringify({ type: 'presence_frame', frame });
    json.push((performance.now() - started) * 1000);
  }
  const p50 = percentile(compute, 50);
  return {
    frames: compute.length,
    logEntries: log.length,
    aetherUs: { p50: round(p50, 2), p99: round(percentile(compute, 99), 2) },
    bareJsonUs: { p50: round(percentile(json, 50), 2), p99: round(percentile(json, 99), 2) },
    coreShareAt60fps: round((p50 * 60) / 1e6, 5),
    target: 'coreShareAt60fps ≤ 0.02',
  };
}

/**
 * The page plays a reply of loud bursts (200 ms on, 300 ms off) and reports its position every
 * 250 ms, on real timers; a 60 fps subscription shows the mouth. The offset is when a frame
 * first opens the mouth for a burst, minus when that burst's sound plays.
 */
async function lipSync() {
  const clock = systemClock();
  let n = 0;
  const bus = createBus({ clock, newId: () => `b-${++n}` });
  const presence = createPresenceEngine({ bus, clock, seed: 5 });
  presence.start();
  const meta = { source: 'interaction' as const, turnId: 't' };
  bus.emit(
    'turn.state_changed',
    { turnId: 't', conversationId: 'c', state: 'speaking', previous: 'idle' },
    meta,
  );
  const bursts = 16;
  const envelope = Array.from({ length: bursts * 25 }, (_, s) => (s % 25 < 10 ? 0.3 : 0));
  bus.emit(
    'voice.piece',
    { turnId: 't', seq: 0, startMs: 0, durationMs: bursts * 500, envelope, text: 'aaaa' },
    meta,
  );
  const frames: Array<{ at: number; open: boolean }> = [];
  const stop = presence.subscribe({ fps: 60, reducedMotion: true }, (f: BehaviorFrame) =>
    frames.push({ at: clock.monotonic(), open: f.mouth.viseme !== 'closed' }),
  );
  const playStart = clock.monotonic();
  const report = () => {
    const heardMs = clock.monotonic() - playStart;
    bus.emit('voice.played', { turnId: 't', heardMs, ended: heardMs >= bursts * 500 }, meta);
  };
  report();
  const timer = setInterval(report, 250);
  await new Promise((r) => setTimeout(r, bursts * 500 + 200));
  clearInterval(timer);
  stop();
  presence.dispose();
  const offsets: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const sound = playStart + b * 500;
    const shown = frames.find((f) => f.open && f.at >= sound - 100 && f.at < sound + 400);
    if (shown) offsets.push(shown.at - sound);
  }
  const abs = offsets.map(Math.abs);
  return {
    bursts,
    shown: offsets.length,
    offsetMs: summary(offsets),
    absOffsetP95Ms: round(percentile(abs, 95)),
    target: '|offset| p95 ≤ 40 ms',
    note: 'host side, on the host clock; the frame then crosses a local socket (≈1 ms) to be drawn',
  };
}

const result = {
  bench: 'presence',
  frameCost: frameCost(),
  lipSync: await lipSync(),
  page: await pageFrameBench(10_000),
  vrm: await vrmFrameBench(10_000),
};
console.log(JSON.stringify(result, null, 2));
