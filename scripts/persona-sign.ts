// npm run persona:sign -- --pack personas/<id> --key-file SECRET.hex [--signer NAME]
// npm run persona:sign -- --new-key SECRET.hex      (writes a new Ed25519 secret key, prints its public key)
// Writes <pack>/persona.sig. Users trust a signer by adding its public key to trusted-keys.json.
import { ed25519 } from '@noble/curves/ed25519.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signPack } from '../engines/persona/index.ts';

function usage(message: string): never {
  console.error(
    `persona:sign: ${message}\nusage: npm run persona:sign -- --pack DIR --key-file SECRET.hex [--signer NAME] | --new-key SECRET.hex`,
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    pack: { type: 'string' },
    'key-file': { type: 'string' },
    signer: { type: 'string' },
    'new-key': { type: 'string' },
  },
});
if (values['new-key']) {
  if (existsSync(values['new-key'])) usage(`${values['new-key']} already exists; not overwritten`);
  const secret = ed25519.utils.randomSecretKey();
  writeFileSync(values['new-key'], `${Buffer.from(secret).toString('hex')}\n`, { mode: 0o600 });
  console.log(
    JSON.stringify({ publicKey: Buffer.from(ed25519.getPublicKey(secret)).toString('hex') }),
  );
  process.exit(0);
}
if (!values.pack || !values['key-file']) usage('give --pack and --key-file');
const file = join(values.pack, 'persona.yaml');
if (!existsSync(file)) usage(`no persona.yaml in ${values.pack}`);
const secret = readFileSync(values['key-file'], 'utf8').trim();
if (!/^[0-9a-f]{64}$/.test(secret)) usage('the key file must hold a 32-byte secret key in hex');
const sig = signPack(readFileSync(file, 'utf8'), secret, values.signer ?? 'unnamed signer');
writeFileSync(join(values.pack, 'persona.sig'), `${JSON.stringify(sig, null, 2)}\n`);
console.log(JSON.stringify({ signed: file, publicKey: sig.publicKey }));
