// The IPC wrapper's checks, with a real host behind it. Electron's ipcMain and WebContents
// cannot exist here (no Electron binary), so the test hands the handlers plain objects shaped
// like Electron's sender frame and WebContents.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../engines/bus/index.ts';
import { createHost, silentLogger } from '../engines/host/index.ts';
import { createIpcHandlers, type IpcSender } from './ipc.ts';

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

function fakeSender(id: number): IpcSender & { got: Envelope[]; destroy(): void } {
  let onDestroyed = () => {};
  const got: Envelope[] = [];
  return {
    id,
    got,
    send: (_c, e) => got.push(e),
    once: (_e, fn) => {
      onDestroyed = fn;
    },
    destroy: () => onDestroyed(),
  };
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
});
