// Signs an update feed (latest-linux.yml, beta-mac.yml, …) in place at release time: every file
// gets an Ed25519 signature over version + file + sha512 (src-main/update/feed-signature.ts).
// The key comes from AETHER_UPDATE_SIGNING_KEY (hex), the release environment's secret.
// `node scripts/release/sign-feed.ts dist/latest-linux.yml [more.yml …]`
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { RELEASE_PUBLIC_KEY, signFeed, type Feed } from '../../src-main/update/feed-signature.ts';

/** Refuses a signing key the app would not trust: feeds signed by it would be refused everywhere. */
export function checkSigningKey(privateKeyHex: string, trusted: string | null): void {
  if (!/^[0-9a-f]{64}$/.test(privateKeyHex))
    throw new Error('AETHER_UPDATE_SIGNING_KEY must hold the release key (64 hex digits)');
  if (bytesToHex(ed25519.getPublicKey(hexToBytes(privateKeyHex))) !== trusted)
    throw new Error("the signing key's public half is not RELEASE_PUBLIC_KEY (docs/release.md)");
}

export function signFeedFile(path: string, privateKeyHex: string): void {
  const feed = parse(readFileSync(path, 'utf8')) as Feed;
  writeFileSync(path, stringify(signFeed(feed, privateKeyHex)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const key = process.env.AETHER_UPDATE_SIGNING_KEY ?? '';
  checkSigningKey(key, RELEASE_PUBLIC_KEY);
  for (const path of process.argv.slice(2)) signFeedFile(path, key);
}
