// Update feeds are signed: each file in latest*.yml carries an Ed25519 signature over
// (version, file, sha512), made at release by scripts/release/sign-feed.ts and checked here
// before anything is downloaded. electron-updater alone checks only the feed's sha512 on Linux,
// and the feed itself is not signed (RELEASE-FACTS).
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';

/**
 * The release key's public half, built into the app; null until the project has one. Its private
 * half exists only as the release environment's secret: `node scripts/release/keygen.ts` makes
 * the pair (docs/release.md). A build without it does not update itself, and sign-feed.ts
 * refuses a key whose public half is not this one, so no release ships feeds nobody can check.
 */
export const RELEASE_PUBLIC_KEY: string | null = null;

type FeedFile = { url: string; sha512: string; signature?: unknown };
export type Feed = { version: string; files: FeedFile[] };

export type FeedCheck = { ok: true } | { ok: false; reason: string };

/** What is signed for one file: bound to this version, so it cannot be replayed for another. */
export function signedText(version: string, file: { url: string; sha512: string }): Uint8Array {
  return new TextEncoder().encode(`aether-update/1\n${version}\n${file.url}\n${file.sha512}`);
}

/** The feed with a signature on every file (release time; the key never ships). */
export function signFeed<F extends Feed>(feed: F, privateKeyHex: string): F {
  const key = hexToBytes(privateKeyHex);
  const files = feed.files.map((f) => ({
    ...f,
    signature: Buffer.from(ed25519.sign(signedText(feed.version, f), key)).toString('base64'),
  }));
  return { ...feed, files };
}

/** Whether every file of the feed is signed by `publicKeyHex` for this version. */
export function checkFeed(feed: unknown, publicKeyHex: string): FeedCheck {
  const f = feed as Partial<Feed> | null;
  if (!f || typeof f.version !== 'string' || !Array.isArray(f.files) || f.files.length === 0)
    return { ok: false, reason: 'the update feed is malformed' };
  const key = hexToBytes(publicKeyHex);
  for (const file of f.files) {
    if (typeof file?.url !== 'string' || typeof file.sha512 !== 'string')
      return { ok: false, reason: 'the update feed is malformed' };
    if (typeof file.signature !== 'string')
      return { ok: false, reason: `${file.url} is not signed` };
    const signature = Buffer.from(file.signature, 'base64');
    if (!(signature.length === 64 && verifies(signature, signedText(f.version, file), key)))
      return {
        ok: false,
        reason: `${file.url} is not signed by Aether's release key for ${f.version}`,
      };
  }
  return { ok: true };
}

/** ed25519.verify, with a malformed key or signature as plain "no". */
function verifies(signature: Uint8Array, text: Uint8Array, key: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, text, key);
  } catch {
    return false;
  }
}
