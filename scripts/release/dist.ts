// `npm run dist -- --linux deb dir`: builds the bundles, packages them with electron-builder
// (from ELECTRON_DIST when the Electron distribution cannot be downloaded, as here), and makes
// the .deb with dpkg-deb (deb.ts), which needs nothing from the network. Other targets
// (AppImage, rpm, dmg, nsis) go to electron-builder as they are, on the release runners.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDeb } from './deb.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type DistOptions = {
  /** Where the packages go (default: dist/). */
  out?: string;
  /** An unpacked Electron distribution to package instead of downloading one. */
  electronDist?: string;
  /** Skip `electron-vite build` (the bundles in out/ are current). */
  prebuilt?: boolean;
  /** Passed to electron-builder as they are (per-run config overrides). */
  extra?: string[];
};

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, {
    cwd: root,
    // Their progress goes to stderr, so what a caller prints (bench JSON) stays clean.
    stdio: ['ignore', 2, 'inherit'],
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status})`);
}

/** electron-builder with our config; publishing is the release workflow's publish job, never a build's. */
function builder(args: string[], electronDist?: string): string[] {
  const dist = electronDist ? [`-c.electronDist=${resolve(electronDist)}`] : [];
  return [
    'electron-builder',
    '--config',
    'electron-builder.yml',
    '--publish',
    'never',
    ...args,
    ...dist,
  ];
}

/** Packages for Linux: the unpacked app always, a .deb when asked. Returns the output folder. */
export function distLinux(targets: string[], o: DistOptions = {}): string {
  const out = resolve(o.out ?? join(root, 'dist'));
  if (!o.prebuilt) run('npx', ['electron-vite', 'build']);
  const builderTargets = targets.filter((t) => t !== 'deb' && t !== 'dir');
  const args = ['--linux', 'dir', ...builderTargets, `-c.directories.output=${out}`];
  run('npx', builder([...args, ...(o.extra ?? [])], o.electronDist));
  if (targets.includes('deb')) buildDeb({ appDir: join(out, 'linux-unpacked'), out, root });
  return out;
}

function main(argv: string[]): void {
  const platform = argv[0];
  const targets = argv.slice(1).filter((a) => !a.startsWith('-'));
  const electronDist = process.env.ELECTRON_DIST;
  if (platform === '--linux') {
    distLinux(targets.length ? targets : ['deb', 'dir'], { electronDist });
    return;
  }
  run('npx', ['electron-vite', 'build']);
  run('npx', builder(argv, electronDist));
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
