// npm run bench:package
// Packages the app with a stand-in Electron distribution twice in the same run: with the
// configuration as it was before issue 15 (bench/package-before.yml, plus the renderer-only
// libraries that were runtime dependencies then, copied in as they were shipped) and as it
// ships now (scripts/release/dist.ts, with the .deb). Prints sizes, file counts and times as JSON.
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { listPackage } from '@electron/asar';
import { ensureBuild } from '../scripts/ensure-build.ts';
import { distLinux } from '../scripts/release/dist.ts';
import { electronVersion, makeStandInElectron } from '../scripts/release/stand-in-electron.ts';

const root = process.cwd();
/** The packages that moved to devDependencies in issue 15 (the renderer bundles them). */
const MOVED = [
  '@pixiv/three-vrm',
  'monaco-editor',
  'monaco-yaml',
  'react',
  'react-dom',
  'three',
  'zustand',
];

/** The moved packages and everything they depend on, as installed. */
function closure(names: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
    queue.push(...Object.keys(pkg.dependencies ?? {}));
  }
  return [...seen].sort();
}

function treeSize(path: string): { bytes: number; files: number } {
  const s = statSync(path);
  if (!s.isDirectory()) return { bytes: s.size, files: 1 };
  return readdirSync(path).reduce(
    (t, e) => {
      const sub = treeSize(join(path, e));
      return { bytes: t.bytes + sub.bytes, files: t.files + sub.files };
    },
    { bytes: 0, files: 0 },
  );
}

function measure(appDir: string) {
  const resources = join(appDir, 'resources');
  const asar = statSync(join(resources, 'app.asar')).size;
  const unpacked = treeSize(join(resources, 'app.asar.unpacked'));
  const entries = listPackage(join(resources, 'app.asar'), { isPack: false }).length;
  return {
    asarBytes: asar,
    unpackedBytes: unpacked.bytes,
    unpackedFiles: unpacked.files,
    archiveEntries: entries,
  };
}

function before(out: string, electronDist: string) {
  const sets = closure(MOVED).map((n) => `  - { from: node_modules/${n}, to: node_modules/${n} }`);
  const config = join(out, 'before.yml');
  const yml = readFileSync(join(root, 'bench', 'package-before.yml'), 'utf8');
  writeFileSync(config, yml.replace(/^files:\n/m, `files:\n${sets.join('\n')}\n`));
  const started = performance.now();
  const r = spawnSync(
    'npx',
    [
      'electron-builder',
      ...['--config', config, '--linux', 'dir', `-c.electronDist=${electronDist}`],
      `-c.directories.output=${join(out, 'before')}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    },
  );
  if (r.status !== 0) throw new Error(`the baseline package failed: ${r.stderr}`);
  const seconds = (performance.now() - started) / 1000;
  return {
    ...measure(join(out, 'before', 'linux-unpacked')),
    seconds: Math.round(seconds * 10) / 10,
  };
}

function now(out: string, electronDist: string) {
  const started = performance.now();
  const dir = distLinux(['deb', 'dir'], { out, electronDist, prebuilt: true });
  const seconds = (performance.now() - started) / 1000;
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'))!;
  return {
    ...measure(join(dir, 'linux-unpacked')),
    debBytes: statSync(join(dir, deb)).size,
    seconds: Math.round(seconds * 10) / 10,
  };
}

ensureBuild();
const top = mkdtempSync(join(tmpdir(), 'aether-bench-package-'));
const electronDist = makeStandInElectron(join(top, 'electron'), electronVersion(root));
const baseline = before(top, electronDist);
const current = now(join(top, 'now'), electronDist);
const total = (m: { asarBytes: number; unpackedBytes: number }) => m.asarBytes + m.unpackedBytes;
const share = total(current) / total(baseline);
console.log(
  JSON.stringify(
    {
      bench: 'package',
      baseline,
      current,
      shareOfBaseline: Math.round(share * 1000) / 1000,
      target: 0.15,
      met: share <= 0.15,
    },
    null,
    2,
  ),
);
