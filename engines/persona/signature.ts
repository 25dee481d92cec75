// Signed packs: an Ed25519 signature over the pack's canonical bytes (the migrated fields as JSON
// with sorted keys, so comments and layout may change but no value can), kept beside it in
// persona.sig and checked against the keys the user trusts. Unsigned packs load; they cannot widen.
import { ed25519 } from '@noble/curves/ed25519.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { canonical, migrate, type Signature } from './compile.ts';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const sigFile = z.object({
  signer: z.string().min(1).max(100),
  publicKey: hex(64),
  signature: hex(128),
});
export const trustedKeysSchema = z.array(
  z.object({ name: z.string().min(1).max(100), publicKey: hex(64) }),
);
export type TrustedKey = z.infer<typeof trustedKeysSchema>[number];

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** The bytes a signature covers; null when the text is not a readable pack. */
export function packBytes(text: string): Uint8Array | null {
  try {
    const raw = parse(text) as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
    return new TextEncoder().encode(canonical(migrate(raw as Record<string, unknown>)));
  } catch {
    return null;
  }
}

/** Signs a pack's text (for pack authors: `npm run persona:sign`). */
export function signPack(
  text: string,
  secretKeyHex: string,
  signer: string,
): z.infer<typeof sigFile> {
  const bytes = packBytes(text);
  if (!bytes) throw new Error('not a readable persona pack');
  const secret = fromHex(secretKeyHex);
  return {
    signer,
    publicKey: toHex(ed25519.getPublicKey(secret)),
    signature: toHex(ed25519.sign(bytes, secret)),
  };
}

export function checkSignature(folder: string, text: string, trusted: TrustedKey[]): Signature {
  const file = join(folder, 'persona.sig');
  if (!existsSync(file)) return { valid: false, signer: null, problem: null };
  let sig: z.infer<typeof sigFile>;
  try {
    sig = sigFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { valid: false, signer: null, problem: 'persona.sig is not a valid signature file' };
  }
  const key = trusted.find((k) => k.publicKey === sig.publicKey);
  const bytes = packBytes(text);
  let ok: boolean;
  try {
    ok = bytes !== null && ed25519.verify(fromHex(sig.signature), bytes, fromHex(sig.publicKey));
  } catch {
    ok = false;
  }
  if (!ok)
    return {
      valid: false,
      signer: null,
      problem: 'the signature does not match this pack (it was changed after signing)',
    };
  if (!key)
    return {
      valid: false,
      signer: null,
      problem: `signed by ${sig.signer}, a key you do not trust`,
    };
  return { valid: true, signer: key.name, problem: null };
}
