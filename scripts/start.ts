// `npm start`: builds, then opens the desktop app. Where no Electron binary can be had (it is
// downloaded on first use, which needs the internet), says why and runs the headless host.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuild } from './ensure-build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary(): string | null {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const binary = () =>
    existsSync(pathFile) ? join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  let found = binary();
  if (found && existsSync(found)) return found;
  // Electron fetches its binary on first use; try once, quietly, and fall back if it cannot.
  spawnSync(process.execPath, [join(pkg, 'install.js')], { stdio: 'ignore', timeout: 120_000 });
  found = binary();
  return found && existsSync(found) ? found : null;
}

ensureBuild();
const electron = electronBinary();
if (electron) {
  const child = spawn(electron, ['.', ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    'aether: the Electron binary is not available here (it could not be downloaded), ' +
      'so Aether starts in headless mode instead: open the link below in your browser.',
  );
  const child = spawn(process.execPath, [join(root, 'engines', 'host', 'cli.ts'), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}
