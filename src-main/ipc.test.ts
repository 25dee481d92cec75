// The IPC wrapper's checks, with a real host behind it. Electron's ipcMain and WebContents
// cannot exist here (no Electron binary), so the test hands the handlers plain objects shaped
// like Electron's sender frame and WebContents.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BehaviorFrame, BridgeMessage, Envelope } from '../engines/bus/index.ts';
import { createHost, silentLogger } from '../engines/host/index.ts';
import { CHANNELS, createIpcHandlers, type IpcSender } from './ipc.ts';

const host = createHost({
  mode: 'desktop',
  dataDir: mkdtempSync(join(tmpdir(), 'aether-ipc-')),
  threads: 1,
});
afterAll(() => host.dispose());
const OWN = 'file:///app/out/renderer/index.html';
const handlers = createIpcHandlers(
  host,
  (f) => Boolean(f && f.parent === null && f.url === OWN),
  silentLogger,
);
const mainFrame = { url: OWN, parent: null };

type FakeSender = IpcSender & {
  got: Envelope[];
  gaps: number;
  refused: string[];
  destroy(): void;
};

function fakeSender(id: number): FakeSender {
  let onDestroyed = () => {};
  const got: Envelope[] = [];
  const sender: FakeSender = {
    id,
    got,
    gaps: 0,
    refused: [],
    send: (_c, m: BridgeMessage) => {
      if (m.type === 'event') got.push(m.event);
      else if (m.type === 'replay_gap') sender.gaps++;
      else sender.refused.push(m.error.code);
    },
    once: (_e, fn) => {
      onDestroyed = fn;
    },
    destroy: () => onDestroyed(),
  };
  return sender;
}

describe('desktop IPC wrapper', () => {
  it('runs exposed commands for our main frame', async () => {
    const result = await handlers.invoke(mainFrame, {
      id: 1,
      command: 'chat.create_conversation',
      input: { title: 'From IPC' },
    });
    expect(result).toMatchObject({ ok: true, output: { title: 'From IPC' } });
  });

  it('refuses subframes and foreign pages', async () => {
    expect(
      await handlers.invoke(
        { url: OWN, parent: {} },
        { id: 2, command: 'chat.list_conversations', input: {} },
      ),
    ).toMatchObject({ ok: false, error: { code: 'Unauthorized' } });
    expect(
      await handlers.invoke(
        { url: 'https://evil.example/', parent: null },
        { id: 3, command: 'chat.list_conversations', input: {} },
      ),
    ).toMatchObject({ ok: false, error: { code: 'Unauthorized' } });
    expect(
      await handlers.invoke(null, { id: 4, command: 'chat.list_conversations', input: {} }),
    ).toMatchObject({ ok: false });
  });

  it('answers malformed payloads and internal commands with typed errors', async () => {
    expect(await handlers.invoke(mainFrame, 'garbage')).toMatchObject({
      ok: false,
      error: { code: 'BadRequest' },
    });
    expect(
      await handlers.invoke(mainFrame, { id: 5, command: 'router.cancel', input: { turnId: 'x' } }),
    ).toMatchObject({ ok: false, error: { code: 'UnknownCommand' } });
    expect(
      await handlers.invoke(mainFrame, {
        id: 6,
        command: 'chat.rename_conversation',
        input: { id: 'x' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'BadRequest' } });
  });

  it('forwards events to a trusted subscriber until its page goes away', async () => {
    const sender = fakeSender(1);
    handlers.subscribe(mainFrame, sender);
    await handlers.invoke(mainFrame, { id: 7, command: 'chat.create_conversation', input: {} });
    expect(sender.got.map((e) => e.name)).toContain('chat.conversations_changed');
    sender.destroy();
    const count = sender.got.length;
    await handlers.invoke(mainFrame, { id: 8, command: 'chat.create_conversation', input: {} });
    expect(sender.got).toHaveLength(count);

    const stranger = fakeSender(2);
    handlers.subscribe({ url: 'https://evil.example/', parent: null }, stranger);
    await handlers.invoke(mainFrame, { id: 9, command: 'chat.create_conversation', input: {} });
    expect(stranger.got).toHaveLength(0);
  });

  it('replays what a reloaded page missed when it subscribes with afterSeq', async () => {
    const first = fakeSender(3);
    handlers.subscribe(mainFrame, first);
    await handlers.invoke(mainFrame, { id: 10, command: 'chat.create_conversation', input: {} });
    const seen = first.got.at(-1)!.seq;
    first.destroy();
    // The page is gone (a reload) while the host goes on.
    await handlers.invoke(mainFrame, { id: 11, command: 'chat.create_conversation', input: {} });
    const reloaded = fakeSender(4);
    handlers.subscribe(mainFrame, reloaded, { afterSeq: seen });
    expect(reloaded.got.length).toBeGreaterThan(0);
    expect(reloaded.got.every((e) => e.seq > seen)).toBe(true);
    expect(reloaded.gaps).toBe(0);
    reloaded.destroy();
  });

  it("sends the avatar's frames to our page at its rate, and stops when asked or gone", async () => {
    const frames: Record<number, BehaviorFrame[]> = { 20: [], 21: [] };
    const window = (id: number) => {
      let gone = () => {};
      const w = {
        id,
        send: (channel: string, f: BehaviorFrame) => {
          if (channel === CHANNELS.frame) frames[id].push(f);
        },
        once: (_e: 'destroyed', fn: () => void) => {
          gone = fn;
        },
        destroy: () => gone(),
      };
      return w;
    };
    const ours = window(20);
    handlers.presence(mainFrame, ours, { fps: 60, reducedMotion: true });
    const stranger = window(21);
    handlers.presence({ url: 'https://evil.example/', parent: null }, stranger, {
      fps: 60,
      reducedMotion: false,
    });
    handlers.presence(mainFrame, stranger, { fps: 1000, reducedMotion: false });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(frames[20].length).toBeGreaterThanOrEqual(8);
    expect(frames[20].at(-1)).toMatchObject({ layer: 'idle', breathing: 0 });
    expect(frames[21]).toHaveLength(0);
    handlers.presence(mainFrame, ours, { fps: 0, reducedMotion: true });
    const stopped = frames[20].length;
    handlers.presence(mainFrame, ours, { fps: 10, reducedMotion: false });
    ours.destroy();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(frames[20].length).toBe(stopped + 1); // the one sent at once, then none
  });

  it('refuses a malformed subscribe (no events follow it)', async () => {
    const odd = fakeSender(6);
    handlers.subscribe(mainFrame, odd, { afterSeq: -1 });
    handlers.subscribe(mainFrame, odd, 'all');
    handlers.subscribe(mainFrame, odd, { afterSeq: 1, extra: true });
    await handlers.invoke(mainFrame, { id: 12, command: 'chat.create_conversation', input: {} });
    expect(odd.got).toHaveLength(0);
  });

  it('takes audio frames only from our page, and answers a refused one with its typed error', () => {
    const page = fakeSender(7);
    handlers.audio(mainFrame, page, 'not bytes');
    handlers.audio(mainFrame, page, new Uint8Array(3));
    expect(page.refused).toEqual(['BadRequest', 'BadRequest']);
    const stranger = fakeSender(8);
    handlers.audio({ url: 'https://evil.example/', parent: null }, stranger, new Uint8Array(640));
    expect(stranger.refused).toEqual([]);
    expect(stranger.got).toEqual([]);
  });
});
