// A stand-in Electron distribution for packaging where the real one cannot be downloaded
// (RELEASE-FACTS): an executable that carries Electron's fuse wire with Electron's own defaults,
// and the files electron-builder copies next to it. It proves what gets packaged and which fuses
// are set, not how the app runs. `node scripts/release/stand-in-electron.ts DIR`.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's defaults, in wire order: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
 * inspect arguments on, ASAR integrity off, only-from-ASAR off, browser V8 snapshot off,
 * file-protocol privileges on. A package that leaves a fuse alone keeps these.
 */
const DEFAULT_WIRE = '10110001';

export function makeStandInElectron(dir: string, electronVersion: string): string {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE, 'latin1'),
  ]);
  const script = Buffer.from(
    '#!/bin/sh\necho "stand-in Electron distribution: packaging only" >&2\nexit 1\n# ',
    'latin1',
  );
  const exe = join(dir, 'electron');
  writeFileSync(exe, Buffer.concat([script, wire, Buffer.from('\n')]));
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for the MIT-licensed Electron distribution.\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>Stand-in.</p>\n');
  // The setuid sandbox helper: the deb must install it 4755, root-owned.
  writeFileSync(join(dir, 'chrome-sandbox'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(dir, 'chrome-sandbox'), 0o755);
  return dir;
}

/** The Electron version the app is built against (the dev dependency's). */
export function electronVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'));
  return pkg.version as string;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: stand-in-electron.ts DIR');
  console.log(makeStandInElectron(dir, electronVersion(process.cwd())));
}
