// Helpers for tests that drive a real host through its bus (never a mock of an engine).
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock, Envelope, EventName } from '../bus/index.ts';
import { createHost, type Host } from './create-host.ts';

/** The next event of this name (that passes `where`). */
export function nextEvent<K extends EventName>(
  host: Host,
  name: K,
  where: (e: Envelope<K>) => boolean = () => true,
): Promise<Envelope<K>> {
  return new Promise((resolve) => {
    const s = host.bus.on(name, (e) => {
      if (where(e)) {
        s.dispose();
        resolve(e);
      }
    });
  });
}

/** The user allows every approval the host asks for (tests of what comes after the gate). */
export function approveEverything(host: Host): void {
  host.bus.on('policy.approval_pending', ({ payload: { approval } }) => {
    void host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: 'allow',
    });
  });
}

/** Sends a message as the user would and waits for its turn to finish. */
export async function say(host: Host, conversationId: string, text: string) {
  const done = nextEvent(host, 'chat.turn_finished');
  await host.bus.invoke('chat.send_message', { conversationId, text });
  return (await done).payload.turn;
}

/**
 * A host on a fresh temp folder: `ws/` is its workspace (with `files` written into it), `data/`
 * its data folder. The host joins `hosts`, which the test file disposes after each test.
 */
export function hostInTemp(
  hosts: Host[],
  options: { prefix: string; preset?: string; files?: Record<string, string> },
) {
  const top = realpathSync(mkdtempSync(join(tmpdir(), options.prefix)));
  const workspace = join(top, 'ws');
  mkdirSync(workspace, { recursive: true });
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  const dataDir = join(top, 'data');
  const host = createHost({ mode: 'headless', dataDir, workspace, threads: 1 });
  if (options.preset) host.storage.settings.set('policy.preset', { name: options.preset });
  hosts.push(host);
  return { host, top, workspace, dataDir };
}

export type ManualClock = Clock & {
  /** Moves time forward, running every timer that falls due, in order, letting each settle. */
  advance(ms: number): Promise<void>;
  /** How many timers are waiting. */
  pending(): number;
};

/** A clock that moves only when the test says: no sleeps, no flaky timing. */
export function manualClock(startMs = Date.now()): ManualClock {
  let wall = startMs;
  let mono = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void; every: number | null }>();
  const add = (fn: () => void, ms: number, every: number | null) => {
    const id = nextId++;
    timers.set(id, { at: mono + Math.max(0, ms), fn, every });
    return id;
  };
  const clear = (timer: unknown) => {
    timers.delete(timer as number);
  };
  // One turn of the event loop: promise chains started by a timer run before the next one.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const moveTo = (at: number) => {
    const to = Math.max(mono, at);
    wall += to - mono;
    mono = to;
  };
  const firstDue = (end: number) =>
    [...timers.entries()]
      .filter(([, t]) => t.at <= end)
      .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
  return {
    now: () => wall,
    monotonic: () => mono,
    setTimeout: (fn, ms) => add(fn, ms, null),
    setInterval: (fn, ms) => add(fn, ms, Math.max(1, ms)),
    clearTimeout: clear,
    clearInterval: clear,
    sleep: (ms) => new Promise<void>((resolve) => add(resolve, ms, null)),
    async advance(ms) {
      const end = mono + ms;
      for (let due = firstDue(end); due; due = firstDue(end)) {
        const [id, timer] = due;
        moveTo(timer.at);
        if (timer.every) timer.at += timer.every;
        else timers.delete(id);
        timer.fn();
        await settle();
      }
      moveTo(end);
      await settle();
    },
    pending: () => timers.size,
  };
}
