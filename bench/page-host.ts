// What the page benchmarks share: Debian's Chromium, the built app, and a headless host started
// from the command line as a user would (`engines/host/cli.ts`), with its URL once it says it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = join(import.meta.dirname, '..');

/** Why a page benchmark cannot run here, or null; builds the app when it is not built. */
export function pageReady(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure-build.ts')], { stdio: 'ignore' });
  return null;
}

/** A headless host on a free port with these extra arguments (`--model`, `--speech`…). */
export function serveHost(dataDir: string, args: string[] = []) {
  const cli = join(root, 'engines', 'host', 'cli.ts');
  const argv = [cli, '--port', '0', '--data-dir', dataDir, '--skip-first-run', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise<{ url: string; stop(): void }>((resolve) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Aether is running at (\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
  });
}
