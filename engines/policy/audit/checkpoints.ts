// Signed checkpoints, kept in a file outside the database: every N rows and every T minutes the
// ledger's size and head hash are signed with Ed25519 and appended. A truncated log, an older
// copy of the database or a whole replacement cannot match them.
import { createPublicKey, sign, verify } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { SigningKey } from './keys.ts';

export const CHECKPOINT_TAG = 'aether.checkpoint.v1\0';

export type Checkpoint = { v: 1; size: number; head: string; at: number; key: string; sig: string };

export function checkpointBytes(size: number, headHex: string, at: number): Buffer {
  const out = Buffer.alloc(CHECKPOINT_TAG.length + 8 + 32 + 8);
  out.write(CHECKPOINT_TAG, 0, 'utf8');
  out.writeBigUInt64BE(BigInt(size), CHECKPOINT_TAG.length);
  Buffer.from(headHex, 'hex').copy(out, CHECKPOINT_TAG.length + 8);
  out.writeBigUInt64BE(BigInt(at), CHECKPOINT_TAG.length + 40);
  return out;
}

export function signCheckpoint(
  key: SigningKey,
  size: number,
  headHex: string,
  at: number,
): Checkpoint {
  const sig = sign(null, checkpointBytes(size, headHex, at), key.privateKey).toString('hex');
  return { v: 1, size, head: headHex, at, key: key.publicKeyHex, sig };
}

export function appendCheckpoint(file: string, checkpoint: Checkpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  // The checkpoint is only worth something once it is on disk.
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type ParsedCheckpoints = {
  checkpoints: Checkpoint[];
  bad: { line: number; reason: string } | null;
};

/** One checkpoint (the copy kept in the key store), checked against the pinned key; null when it does not verify. */
export function checkOne(text: string, publicKeyHex: string): Checkpoint | null {
  const parsed = parseCheckpoints(`${text.trim()}\n`, publicKeyHex);
  return parsed.bad ? null : (parsed.checkpoints[0] ?? null);
}

/** Reads and checks every checkpoint line against the pinned public key. */
export function readCheckpoints(file: string, publicKeyHex: string): ParsedCheckpoints {
  if (!existsSync(file)) return { checkpoints: [], bad: null };
  return parseCheckpoints(readFileSync(file, 'utf8'), publicKeyHex);
}

function parseCheckpoints(text: string, publicKeyHex: string): ParsedCheckpoints {
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') },
    format: 'jwk',
  });
  const checkpoints: Checkpoint[] = [];
  const lines = text.split('\n');
  // A last line without its newline is a write torn by a crash, not a forgery: it never
  // finished, so nothing relied on it.
  if (!text.endsWith('\n')) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let c: Checkpoint;
    try {
      c = JSON.parse(lines[i]) as Checkpoint;
      if (
        c.v !== 1 ||
        !Number.isSafeInteger(c.size) ||
        !/^[0-9a-f]{64}$/.test(c.head) ||
        !Number.isSafeInteger(c.at) ||
        !/^[0-9a-f]{128}$/.test(c.sig)
      )
        throw new Error('fields');
    } catch {
      return { checkpoints, bad: { line: i + 1, reason: 'malformed checkpoint' } };
    }
    if (c.key !== publicKeyHex)
      return {
        checkpoints,
        bad: { line: i + 1, reason: 'checkpoint signed by a key that is not the pinned one' },
      };
    if (
      !verify(null, checkpointBytes(c.size, c.head, c.at), publicKey, Buffer.from(c.sig, 'hex'))
    ) {
      return { checkpoints, bad: { line: i + 1, reason: 'checkpoint signature does not verify' } };
    }
    checkpoints.push(c);
  }
  return { checkpoints, bad: null };
}
