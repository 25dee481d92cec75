// `npm start` where Electron's binary cannot be had: it must say why and run the headless host.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
const electronPresent =
  existsSync(pathFile) &&
  existsSync(join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim()));

describe('npm start', () => {
  // Where the binary exists, `npm start` opens a real window instead; that path needs a display
  // and is not what this test checks.
  it.skipIf(electronPresent)(
    'falls back to the headless host, saying why, when Electron is missing',
    async () => {
      const child = spawn(
        process.execPath,
        [
          join(root, 'scripts', 'start.ts'),
          '--port',
          '0',
          '--data-dir',
          mkdtempSync(join(tmpdir(), 'aether-start-')),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr!.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
        child.stdout!.on('data', () => {
          const m = /Aether is running at (\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(out).toMatch(/Electron binary is not available/);
      const health = await (
        await fetch(`${new URL(url).origin}/health?token=${new URL(url).searchParams.get('token')}`)
      ).json();
      expect(health).toMatchObject({ name: 'aether', mode: 'headless' });
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
    },
  );
});
