// The release's checksums, their GPG signature and the SBOM, with a throwaway GPG key in a
// temporary keyring: the signature verifies, and fails once SHA256SUMS or a file is changed.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signSums, writeSbom, writeSums } from './sums.ts';

const hasGpg = spawnSync('gpg', ['--version']).status === 0;

describe('release checksums', () => {
  it.skipIf(!hasGpg)(
    'signs SHA256SUMS so that gpg --verify and sha256sum -c catch a change',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'aether-sums-'));
      const env = { ...process.env, GNUPGHOME: mkdtempSync(join(tmpdir(), 'aether-gnupg-')) };
      const gen = spawnSync(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'Aether test <t@example.org>',
          'ed25519',
        ],
        { env, encoding: 'utf8' },
      );
      expect(gen.status, gen.stderr).toBe(0);
      writeFileSync(join(dir, 'aether_1.0.0_amd64.deb'), 'deb bytes');
      writeFileSync(join(dir, 'latest-linux.yml'), 'version: 1.0.0\n');
      writeSums(dir);
      signSums(dir, 't@example.org', env);
      const gpg = (...a: string[]) =>
        spawnSync('gpg', ['--batch', ...a], { env, encoding: 'utf8' });
      const sums = join(dir, 'SHA256SUMS');
      expect(gpg('--verify', `${sums}.asc`, sums).status).toBe(0);
      const check = () => spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }).status;
      expect(check()).toBe(0);
      expect(readFileSync(sums, 'utf8').split('\n')[0]).toMatch(/^[0-9a-f]{64} {2}aether_1\.0\.0/);
      appendFileSync(join(dir, 'aether_1.0.0_amd64.deb'), '!');
      expect(check()).not.toBe(0);
      appendFileSync(sums, '0000  extra\n');
      expect(gpg('--verify', `${sums}.asc`, sums).status).not.toBe(0);
    },
  );

  it('writes a CycloneDX SBOM of the production dependencies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-sbom-'));
    writeSbom(dir, process.cwd());
    const sbom = JSON.parse(readFileSync(join(dir, 'aether.cdx.json'), 'utf8'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    const names = sbom.components.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['better-sqlite3', 'node-llama-cpp', 'xstate']));
    expect(names).not.toContain('react');
  });
});
