// The ledger's keys. HMAC keys seal rows (a keyring: rotation adds a key with a new id, old rows
// verify with their own); an Ed25519 key signs checkpoints. Headless they live in 0600 files in
// the data folder (or the HMAC key comes from AETHER_AUDIT_HMAC_KEY_HEX); the desktop app wraps
// them with the OS keychain through a KeyVault the composition root supplies.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AetherError } from '../../bus/index.ts';

export type Keyring = { current: string; keys: Record<string, Buffer> };

export type SigningKey = { id: string; privateKey: KeyObject; publicKeyHex: string };

/** Where secrets are kept: plain 0600 files headless, OS-encrypted in the desktop app. */
export type KeyVault = {
  read(name: string): string | null;
  write(name: string, value: string): void;
  /** Said to the user when the vault is weaker than it should be. */
  warning?: string;
  /** True when values are encrypted by the OS (the desktop keychain), not just file permissions. */
  encrypted?: boolean;
};

export function fileVault(dir: string): KeyVault {
  return {
    read: (name) => (existsSync(`${dir}/${name}`) ? readFileSync(`${dir}/${name}`, 'utf8') : null),
    write: (name, value) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = `${dir}/${name}`;
      const partial = `${file}.partial`;
      writeFileSync(partial, value, { mode: 0o600 });
      chmodSync(partial, 0o600);
      renameSync(partial, file);
    },
  };
}

export const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

const KEYRING = 'audit-hmac.json';
const SIGNING = 'audit-signing.pem';

function parseKeyring(text: string): Keyring {
  try {
    const raw = JSON.parse(text) as { current: string; keys: Record<string, string> };
    const keys = Object.fromEntries(
      Object.entries(raw.keys).map(([id, hex]) => [id, Buffer.from(hex, 'hex')]),
    );
    if (!keys[raw.current]) throw new Error('current key missing');
    return { current: raw.current, keys };
  } catch (error) {
    throw new AetherError(
      'StorageFailed',
      `the audit keyring is unreadable: ${(error as Error).message}`,
    );
  }
}

const serialize = (ring: Keyring) =>
  JSON.stringify({
    current: ring.current,
    keys: Object.fromEntries(Object.entries(ring.keys).map(([id, k]) => [id, k.toString('hex')])),
  });

/** Loads the keyring, creating it on first use. An env key joins it as the current key. */
export function loadKeyring(vault: KeyVault, env: NodeJS.ProcessEnv = process.env): Keyring {
  const stored = vault.read(KEYRING);
  let ring = stored ? parseKeyring(stored) : null;
  const envHex = env.AETHER_AUDIT_HMAC_KEY_HEX;
  if (envHex) {
    if (!/^([0-9a-fA-F]{2}){32,}$/.test(envHex))
      throw new AetherError(
        'StorageFailed',
        'AETHER_AUDIT_HMAC_KEY_HEX must be at least 32 bytes of hex',
      );
    const key = Buffer.from(envHex, 'hex');
    const id = keyIdOf(key);
    if (!ring || ring.current !== id) {
      ring = { current: id, keys: { ...ring?.keys, [id]: key } };
      vault.write(KEYRING, serialize(ring));
    }
    return ring;
  }
  if (!ring) {
    const key = randomBytes(32);
    ring = { current: keyIdOf(key), keys: { [keyIdOf(key)]: key } };
    vault.write(KEYRING, serialize(ring));
  }
  return ring;
}

/** Adds a fresh key and makes it current; earlier keys stay for verifying earlier rows. */
export function rotateKey(vault: KeyVault, ring: Keyring): Keyring {
  const key = randomBytes(32);
  const next = { current: keyIdOf(key), keys: { ...ring.keys, [keyIdOf(key)]: key } };
  vault.write(KEYRING, serialize(next));
  return next;
}

export function loadSigningKey(vault: KeyVault): SigningKey {
  let pem = vault.read(SIGNING);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    vault.write(SIGNING, pem);
  }
  const privateKey = createPrivateKey(pem);
  const publicKeyHex = publicKeyRaw(createPublicKey(privateKey)).toString('hex');
  return { id: publicKeyHex.slice(0, 16), privateKey, publicKeyHex };
}

/** The 32 raw bytes of an Ed25519 public key (what the independent verifier takes). */
export function publicKeyRaw(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return Buffer.from(der.subarray(der.length - 32));
}

export const vaultDir = (dataDir: string) => `${dataDir}/keys`;
