// Audit keys in the desktop app: wrapped with the OS keychain through Electron's safeStorage.
// On Linux without a keyring safeStorage falls back to "basic_text", which protects nothing;
// then we do not pretend: keys stay in 0600 files and the user is told so.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileVault, type KeyVault } from '../engines/host/index.ts';

/** The parts of Electron's safeStorage used here (a plain object in tests, where Electron cannot run). */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(text: string): Buffer;
  decryptString(data: Buffer): string;
};

export function safeStorageVault(
  safe: SafeStorageLike,
  dir: string,
  platform: NodeJS.Platform = process.platform,
): KeyVault {
  const backend = platform === 'linux' ? (safe.getSelectedStorageBackend?.() ?? 'unknown') : 'os';
  if (!safe.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown') {
    return {
      ...fileVault(dir),
      warning:
        `The system keychain is not available (${backend === 'basic_text' ? 'safeStorage backend basic_text' : 'no encryption'}), ` +
        'so the audit keys are kept in files only you can read (mode 0600) instead of being encrypted by the OS.',
    };
  }
  return {
    encrypted: true,
    read: (name) => {
      const file = join(dir, `${name}.enc`);
      return existsSync(file) ? safe.decryptString(readFileSync(file)) : null;
    },
    write: (name, value) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `${name}.enc`);
      writeFileSync(`${file}.partial`, safe.encryptString(value), { mode: 0o600 });
      chmodSync(`${file}.partial`, 0o600);
      renameSync(`${file}.partial`, file);
    },
  };
}
