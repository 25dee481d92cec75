// Helpers for tests that drive a real host through its bus (never a mock of an engine).
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Envelope, EventName } from '../bus/index.ts';
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
