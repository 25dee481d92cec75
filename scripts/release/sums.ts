// The release's checksums and bill of materials: SHA256SUMS over every artifact, signed with GPG
// (SHA256SUMS.asc, detached and armoured) when a key is given, and a CycloneDX SBOM of what
// ships (`npm sbom`, production dependencies only).
// `node scripts/release/sums.ts DIR [--gpg-key KEYID]`
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// Not the update feeds (*.yml): they carry their own signatures and change with each rollout step.
const ARTIFACT = /\.(deb|rpm|AppImage|dmg|zip|exe|blockmap|json)$/;

/** Writes DIR/SHA256SUMS (sorted, `sha256sum -c` format); returns its text. */
export function writeSums(dir: string): string {
  const lines = readdirSync(dir)
    .filter((f) => ARTIFACT.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map(
      (f) =>
        `${createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')}  ${f}`,
    );
  const text = `${lines.join('\n')}\n`;
  writeFileSync(join(dir, 'SHA256SUMS'), text);
  return text;
}

/** A detached, armoured signature of DIR/SHA256SUMS by `key` (GNUPGHOME as the caller set it). */
export function signSums(dir: string, key: string, env: NodeJS.ProcessEnv = process.env): void {
  const signed = spawnSync(
    'gpg',
    [
      '--batch',
      '--yes',
      '--local-user',
      key,
      '--armor',
      '--output',
      join(dir, 'SHA256SUMS.asc'),
      '--detach-sign',
      join(dir, 'SHA256SUMS'),
    ],
    { env, encoding: 'utf8' },
  );
  if (signed.status !== 0) throw new Error(`gpg could not sign SHA256SUMS: ${signed.stderr}`);
}

/** DIR/aether.cdx.json: the CycloneDX SBOM of the production dependencies. */
export function writeSbom(dir: string, root: string): void {
  const r = spawnSync('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`npm sbom failed: ${r.stderr}`);
  writeFileSync(join(dir, 'aether.cdx.json'), r.stdout);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: { 'gpg-key': { type: 'string' } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: sums.ts DIR [--gpg-key KEYID]');
  writeSbom(dir, process.cwd());
  writeSums(dir);
  if (values['gpg-key']) signSums(dir, values['gpg-key']);
}
