// Makes a new update-signing key pair: the private half (hex) goes to the release environment's
// secret AETHER_UPDATE_SIGNING_KEY and nowhere else; the public half replaces RELEASE_PUBLIC_KEY
// in src-main/update/feed-signature.ts. `node scripts/release/keygen.ts`
import { ed25519 } from '@noble/curves/ed25519.js';

const secret = ed25519.utils.randomSecretKey();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
console.log(`private (secret AETHER_UPDATE_SIGNING_KEY): ${hex(secret)}`);
console.log(`public  (RELEASE_PUBLIC_KEY):               ${hex(ed25519.getPublicKey(secret))}`);
