// Checks a packaged app as it ships: its fuse wire, that every bare import of the main process
// (and what those packages need) resolves inside the archive, that every native file is built
// for the target machine, and nothing that only builds or renders is in it. The release
// workflow runs it on each Linux package; the packaging test runs it here.
// `node scripts/release/verify-artifact.ts DIR/linux-unpacked [x64|arm64]`
import { getCurrentFuseWire } from '@electron/fuses';
import { extractFile, listPackage } from '@electron/asar';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** The fuse states a shipped app must have ('0' off, '1' on), in wire order. */
export const SHIPPED_FUSES = {
  RunAsNode: '0',
  EnableCookieEncryption: '1',
  EnableNodeOptionsEnvironmentVariable: '0',
  EnableNodeCliInspectArguments: '0',
  EnableEmbeddedAsarIntegrityValidation: '1',
  OnlyLoadAppFromAsar: '1',
  LoadBrowserProcessSpecificV8Snapshot: '0',
  GrantFileProtocolExtraPrivileges: '0',
} as const;

/** ELF e_machine of each target. */
const MACHINE: Record<string, number> = { x64: 62, arm64: 183 };
/** Packages only the renderer (already bundled by Vite) or the build use. */
const NOT_SHIPPED = ['react', 'react-dom', 'monaco-editor', 'three', 'zustand', 'electron'];
const NATIVE = /\.(node|so(\.\d+)*|dll|dylib|exe)$/;

type Archive = { paths: Set<string>; read(path: string): string; native: string[] };

function openArchive(resources: string): Archive {
  const asar = join(resources, 'app.asar');
  const paths = new Set(listPackage(asar, { isPack: false }));
  const unpacked = (path: string) => existsSync(join(`${asar}.unpacked`, path));
  return {
    paths,
    read: (path) =>
      unpacked(path)
        ? readFileSync(join(`${asar}.unpacked`, path), 'utf8')
        : extractFile(asar, path.slice(1)).toString('utf8'),
    native: [...paths].filter((p) => NATIVE.test(p)),
  };
}

/** Node's lookup: node_modules folders from `from` up to the archive's root. */
function resolvePackage(a: Archive, name: string, from: string): string | null {
  for (let dir = from; ; dir = posix.dirname(dir)) {
    const candidate = posix.join(dir, 'node_modules', name);
    if (a.paths.has(`${candidate}/package.json`)) return candidate;
    if (dir === '/') return null;
  }
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

/** The bare specifiers the built main process imports (static, dynamic and createRequire'd). */
export function bareImports(source: string): string[] {
  const found = new Set<string>();
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|[rR]equire\s*\(\s*)["']([^"'./][^"']*)["']/g;
  // A package name, so a word "from" inside a string is not taken for an import.
  const name = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]+)?$/;
  for (const m of source.matchAll(re)) if (name.test(m[1])) found.add(m[1]);
  return [...found];
}

/** Bare imports (and the packages they depend on) that do not resolve inside the archive. */
function unresolved(a: Archive): string[] {
  const missing = new Set<string>();
  const main = [...a.paths].filter((p) => /^\/out\/main\/.*\.js$/.test(p));
  const queue = main.flatMap((file) =>
    bareImports(a.read(file))
      .filter((s) => s !== 'electron')
      .map((s) => ({ name: packageOf(s), from: '/' })),
  );
  const seen = new Set<string>();
  while (queue.length) {
    const { name, from } = queue.shift()!;
    const at = resolvePackage(a, name, from);
    if (!at) {
      missing.add(name);
      continue;
    }
    if (seen.has(at)) continue;
    seen.add(at);
    const pkg = JSON.parse(a.read(`${at}/package.json`));
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: at });
  }
  return [...missing].sort();
}

function elfMachine(file: string): number | null {
  const head = readFileSync(file).subarray(0, 20);
  if (head.readUInt32BE(0) !== 0x7f454c46) return null;
  return head.readUInt16LE(18);
}

export type ArtifactReport = {
  fuses: Record<string, string>;
  fusesOk: boolean;
  unresolved: string[];
  /** Native files for another OS or machine, or not native code at all. */
  foreign: string[];
  /** What only builds or renders, and llama.cpp's sources. */
  unwanted: string[];
  asarBytes: number;
  unpackedBytes: number;
  files: number;
};

function fusesOf(wire: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(SHIPPED_FUSES).map((name, i) => [name, String.fromCharCode(Number(wire[i]))]),
  );
}

export async function verifyArtifact(
  appDir: string,
  arch: string = process.arch,
): Promise<ArtifactReport> {
  const resources = join(appDir, 'resources');
  const a = openArchive(resources);
  const fuses = fusesOf(await getCurrentFuseWire(join(appDir, 'aether')));
  const unpackedDir = join(resources, 'app.asar.unpacked');
  const foreign = a.native.filter((p) => {
    const onDisk = join(unpackedDir, p);
    return !existsSync(onDisk) || elfMachine(onDisk) !== MACHINE[arch];
  });
  const unwanted = [...a.paths].filter(
    (p) =>
      NOT_SHIPPED.some((n) => p === `/node_modules/${n}`) ||
      /\/llama\/llama\.cpp\/|gitRelease\.bundle|\.test\.ts$/.test(p),
  );
  const sizes = [...a.paths].map((p) => {
    const onDisk = join(unpackedDir, p);
    return existsSync(onDisk) && statSync(onDisk).isFile() ? statSync(onDisk).size : 0;
  });
  return {
    fuses,
    fusesOk: Object.entries(SHIPPED_FUSES).every(([k, v]) => fuses[k] === v),
    unresolved: unresolved(a),
    foreign,
    unwanted,
    asarBytes: statSync(join(resources, 'app.asar')).size,
    unpackedBytes: sizes.reduce((s, n) => s + n, 0),
    files: a.paths.size,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, arch] = process.argv.slice(2);
  if (!dir || !existsSync(join(dir, 'resources', 'app.asar')))
    throw new Error('usage: verify-artifact.ts UNPACKED_APP_DIR [x64|arm64]');
  const r = await verifyArtifact(dir, arch);
  console.log(JSON.stringify(r, null, 2));
  const clean = !r.unresolved.length && !r.foreign.length && !r.unwanted.length;
  process.exit(r.fusesOk && clean ? 0 : 1);
}
