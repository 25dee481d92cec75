// Electron's safeStorage cannot exist here (no Electron binary), so these tests hand the vault a
// plain object with the same methods: one that really transforms the bytes, one on basic_text.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeStorageVault, type SafeStorageLike } from './key-vault.ts';

const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
const keychain = (backend: string): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => backend,
  encryptString: (t) => xor(Buffer.from(t)),
  decryptString: (d) => xor(d).toString(),
});

describe('desktop key vault', () => {
  it('stores keys only in their encrypted form, readable back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-vault-'));
    const vault = safeStorageVault(keychain('gnome_libsecret'), dir, 'linux');
    vault.write('audit-hmac.json', '{"secret":"abc"}');
    expect(vault.read('audit-hmac.json')).toBe('{"secret":"abc"}');
    expect(readFileSync(join(dir, 'audit-hmac.json.enc'), 'utf8')).not.toContain('secret');
    expect(statSync(join(dir, 'audit-hmac.json.enc')).mode & 0o777).toBe(0o600);
    expect(vault.warning).toBeUndefined();
  });

  it('does not rely on basic_text: falls back to 0600 files and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-vault-'));
    const vault = safeStorageVault(keychain('basic_text'), dir, 'linux');
    expect(vault.warning).toMatch(/basic_text/);
    vault.write('audit-hmac.json', 'k');
    expect(readFileSync(join(dir, 'audit-hmac.json'), 'utf8')).toBe('k');
    expect(statSync(join(dir, 'audit-hmac.json')).mode & 0o777).toBe(0o600);
    expect(
      safeStorageVault({ ...keychain('x'), isEncryptionAvailable: () => false }, dir, 'darwin')
        .warning,
    ).toMatch(/no encryption/);
  });
});
