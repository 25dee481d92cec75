// npm run aether -- audit verify (--db FILE | --export DIR) [--key-file F] [--checkpoints F] [--public-key HEX]
// Exit 0 when the log is intact; 1 naming the first bad row otherwise; 2 for usage errors.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  parseCheckpoints,
  parseKeyring,
  verifyRows,
  type ExportedRow,
} from './audit-verifier/verify.ts';

function usage(message: string): never {
  console.error(
    `aether: ${message}\nusage: npm run aether -- audit verify (--db FILE | --export DIR) [--key-file F] [--checkpoints F] [--public-key HEX]`,
  );
  process.exit(2);
}

const [area, action, ...rest] = process.argv.slice(2);
if (area !== 'audit' || action !== 'verify') usage('unknown command');
const { values } = parseArgs({
  args: rest,
  options: {
    db: { type: 'string' },
    export: { type: 'string' },
    'key-file': { type: 'string' },
    checkpoints: { type: 'string' },
    'public-key': { type: 'string' },
  },
});
if (Boolean(values.db) === Boolean(values.export)) usage('give exactly one of --db and --export');

const base = values.db ? dirname(values.db) : values.export!;
const keyFile =
  values['key-file'] ?? (values.db ? join(base, 'keys', 'audit-hmac.json') : undefined);
const envKey = process.env.AETHER_AUDIT_HMAC_KEY_HEX;
let keys: Record<string, Uint8Array> | null = null;
if (keyFile && existsSync(keyFile)) keys = parseKeyring(readFileSync(keyFile, 'utf8'));
if (envKey) {
  const { sha256 } = await import('@noble/hashes/sha2.js');
  const { bytesToHex } = await import('@noble/hashes/utils.js');
  const key = hexToBytes(envKey);
  keys = { ...keys, [bytesToHex(sha256(key)).slice(0, 16)]: key };
}
const checkpointFile =
  values.checkpoints ??
  (values.db ? join(base, 'audit', 'checkpoints.log') : join(base, 'checkpoints.log'));
const checkpoints = existsSync(checkpointFile)
  ? parseCheckpoints(readFileSync(checkpointFile, 'utf8'))
  : [];

let verdict;
if (values.db) {
  if (!existsSync(values.db)) usage(`no database at ${values.db}`);
  const db = new Database(values.db, { readonly: true, fileMustExist: true });
  const pinned = db
    .prepare("SELECT value FROM settings WHERE key = 'audit.checkpoint_public_key'")
    .pluck()
    .get() as string | undefined;
  const head = db
    .prepare('SELECT seq, hex(event_hash) AS hash FROM audit_head WHERE id = 1')
    .get() as { seq: number; hash: string } | undefined;
  const rows = (function* () {
    for (const r of db
      .prepare(
        `SELECT seq, at, change_id AS changeId, kind, actor, capability, resource, decision, reason, details,
      key_id AS keyId, lower(hex(prev_hash)) AS prevHash, lower(hex(event_hash)) AS eventHash, lower(hex(record_hmac)) AS recordHmac
      FROM audit_log ORDER BY seq`,
      )
      .iterate())
      yield r as ExportedRow;
  })();
  verdict = verifyRows(rows, {
    head: { seq: head?.seq ?? 0, hash: head?.hash.toLowerCase() ?? null },
    keys,
    checkpoints,
    publicKeyHex: values['public-key'] ?? (pinned ? (JSON.parse(pinned) as string) : ''),
  });
} else {
  const dir = values.export!;
  if (!existsSync(join(dir, 'audit.jsonl'))) usage(`no audit.jsonl in ${dir}`);
  const rows = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ExportedRow);
  const head = JSON.parse(readFileSync(join(dir, 'head.json'), 'utf8')) as {
    seq: number;
    hash: string | null;
  };
  verdict = verifyRows(rows, {
    head,
    keys,
    checkpoints,
    publicKeyHex: values['public-key'] ?? readFileSync(join(dir, 'public-key.txt'), 'utf8').trim(),
  });
}

if (verdict.ok) {
  console.log(
    `intact: ${verdict.rows} rows, ${verdict.checkpoints} signed checkpoints, seals ${verdict.sealsChecked ? 'checked' : 'NOT checked (no key given)'}`,
  );
  process.exit(0);
}
console.error(`BROKEN${verdict.seq !== null ? ` at row ${verdict.seq}` : ''}: ${verdict.problem}`);
process.exit(1);
