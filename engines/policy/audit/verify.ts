// verifyChain: walks the whole ledger and fails closed, naming the first bad row and the kind
// of break. With checkpoints it also catches what a consistent chain cannot show by itself:
// a truncated tail, an older copy of the file, a replaced log. Large logs are split into ranges
// verified on worker threads (verify-parallel.ts: each row's check needs only its own row and the one before).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../storage/index.ts';
import { AUDIT_TAG, GENESIS, recordHmac } from './canonical.ts';
import type { Checkpoint } from './checkpoints.ts';
import type { Keyring } from './keys.ts';

export type BreakKind =
  | 'malformed'
  | 'gap'
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'unknown-key'
  | 'hmac-mismatch'
  | 'head-mismatch'
  | 'truncated'
  | 'checkpoint-mismatch'
  | 'checkpoint-invalid';

export type VerifyResult =
  | { ok: true; rows: number; head: string | null; checkpoints: number }
  | { ok: false; rows: number; kind: BreakKind; seq: number | null; message: string };

export type CheckpointInput = { list: Checkpoint[]; invalid: string | null };

type Break = { kind: BreakKind; seq: number | null; message: string };
export type RangeResult = {
  rows: number;
  last: string | null;
  lastSeq: number;
  problem: Break | null;
};

// The row's canonical bytes are assembled by SQLite itself (the encoding of canonical.ts, in SQL)
// together with its hashes, as one blob: prev_hash ‖ canonical ‖ event_hash ‖ record_hmac.
const field = (expr: string) =>
  `CASE WHEN ${expr} IS NULL THEN '00' ELSE '01' || printf('%08X', length(CAST(${expr} AS BLOB))) || hex(CAST(${expr} AS BLOB)) END`;
const FIELDS = [
  'CAST(seq AS TEXT)',
  'CAST(at AS TEXT)',
  'change_id',
  'kind',
  'actor',
  'capability',
  'resource',
  'decision',
  'reason',
  'details',
  'key_id',
];
const WELL_FORMED = `typeof(seq) = 'integer' AND typeof(at) = 'integer' AND typeof(change_id) = 'text' AND typeof(kind) = 'text'
  AND typeof(actor) = 'text' AND typeof(details) = 'text' AND typeof(key_id) = 'text'
  AND typeof(capability) IN ('text', 'null') AND typeof(resource) IN ('text', 'null') AND typeof(decision) IN ('text', 'null')
  AND typeof(reason) IN ('text', 'null') AND typeof(prev_hash) = 'blob' AND length(prev_hash) = 32
  AND typeof(event_hash) = 'blob' AND length(event_hash) = 32 AND typeof(record_hmac) = 'blob' AND length(record_hmac) = 32`;
const PAGE = 5000;
const PAGE_SQL = `SELECT seq, key_id, CASE WHEN (${WELL_FORMED}) THEN unhex(hex(prev_hash) || '${Buffer.from(AUDIT_TAG).toString('hex').toUpperCase()}'
    || ${FIELDS.map(field).join(' || ')} || hex(event_hash) || hex(record_hmac)) END AS material
  FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${PAGE}`;

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** The hash the row before `from` ends with (the genesis value for the first row). */
function hashBefore(db: Db, from: number): Buffer | Break {
  if (from <= 1) return GENESIS;
  const before = db
    .prepare('SELECT event_hash FROM audit_log WHERE seq = ?')
    .pluck()
    .get(from - 1);
  if (Buffer.isBuffer(before) && before.length === 32) return before;
  return { kind: 'gap', seq: from - 1, message: `row ${from - 1} is missing or malformed` };
}

type Expect = { seq: number; prev: Buffer; keyring: Keyring; heads: Map<number, string[]> };

/** One row against what it must be: its event hash, or what is wrong with it. */
function checkRow(row: [unknown, unknown, unknown], e: Expect): Buffer | Break {
  const [seq, keyId, material] = row;
  if (!Number.isSafeInteger(seq) || !Buffer.isBuffer(material)) {
    const at = typeof seq === 'number' ? seq : null;
    return { kind: 'malformed', seq: at, message: `row ${String(seq)} has a malformed value` };
  }
  const n = seq as number;
  if (n !== e.seq)
    return {
      kind: 'gap',
      seq: e.seq,
      message: `row ${e.seq} is missing or out of order (found ${n})`,
    };
  const end = material.length;
  if (!same(material.subarray(0, 32), e.prev))
    return { kind: 'prev-hash-mismatch', seq: n, message: `row ${n} does not follow row ${n - 1}` };
  const hash = material.subarray(end - 64, end - 32);
  const computed = createHash('sha256')
    .update(material.subarray(0, end - 64))
    .digest();
  if (!same(computed, hash))
    return { kind: 'hash-mismatch', seq: n, message: `row ${n} was changed after it was written` };
  const key = e.keyring.keys[keyId as string];
  if (!key)
    return {
      kind: 'unknown-key',
      seq: n,
      message: `row ${n} is sealed with key ${String(keyId)}, which this keyring does not have`,
    };
  if (!same(recordHmac(key, hash), material.subarray(end - 32)))
    return { kind: 'hmac-mismatch', seq: n, message: `row ${n}'s seal does not match its key` };
  for (const head of e.heads.get(n) ?? [])
    if (head !== hash.toString('hex'))
      return {
        kind: 'checkpoint-mismatch',
        seq: n,
        message: `row ${n} differs from a signed checkpoint`,
      };
  return hash;
}

/** Verifies rows from..to (inclusive); the row before `from` supplies the first prev_hash. */
export function verifyRange(
  db: Db,
  keyring: Keyring,
  from: number,
  to: number,
  checkpointHeads: Map<number, string[]>,
): RangeResult {
  let rows = 0;
  const e: Expect = { seq: from, prev: GENESIS, keyring, heads: checkpointHeads };
  const result = (problem: Break | null): RangeResult => ({
    rows,
    last: e.prev.toString('hex'),
    lastSeq: e.seq - 1,
    problem,
  });
  const first = hashBefore(db, from);
  if (!Buffer.isBuffer(first)) return result(first);
  e.prev = first;
  const page = db.prepare(PAGE_SQL).raw();
  for (let after = from - 1; ; after = e.seq - 1) {
    const batch = page.all(after, to) as Array<[unknown, unknown, unknown]>;
    for (const row of batch) {
      const hash = checkRow(row, e);
      if (!Buffer.isBuffer(hash)) return result(hash);
      e.prev = hash;
      e.seq++;
      rows++;
    }
    if (batch.length < PAGE) return result(null);
  }
}

export function headsBySize(list: Checkpoint[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const c of list) map.set(c.size, [...(map.get(c.size) ?? []), c.head]);
  return map;
}

/** The checks after the rows: the head names the last row; no checkpoint saw more rows. */
export function finish(
  db: Db,
  ranges: RangeResult[],
  checkpoints: CheckpointInput | undefined,
): VerifyResult {
  const rows = ranges.reduce((n, r) => n + r.rows, 0);
  const bad = ranges.find((r) => r.problem)?.problem;
  if (bad) return { ok: false, rows, ...bad };
  const lastSeq = ranges.at(-1)?.lastSeq ?? 0;
  const last = lastSeq ? ranges.at(-1)!.last : null;
  const head = db
    .prepare('SELECT seq, hex(event_hash) AS hash FROM audit_head WHERE id = 1')
    .get() as { seq: number; hash: string } | undefined;
  const headOk =
    lastSeq === 0
      ? !head || head.seq === 0
      : head?.seq === lastSeq && head.hash.toLowerCase() === last;
  if (!headOk)
    return {
      ok: false,
      rows,
      kind: 'head-mismatch',
      seq: lastSeq || null,
      message: `the chain head does not point at the last row (${lastSeq})`,
    };
  const furthest = Math.max(0, ...(checkpoints?.list ?? []).map((c) => c.size));
  if (furthest > lastSeq) {
    return {
      ok: false,
      rows,
      kind: 'truncated',
      seq: lastSeq + 1,
      message: `a signed checkpoint saw ${furthest} rows; the log has ${lastSeq}: rows were removed or an older copy restored`,
    };
  }
  return { ok: true, rows, head: last, checkpoints: checkpoints?.list.length ?? 0 };
}

export function verifyChain(db: Db, keyring: Keyring, checkpoints?: CheckpointInput): VerifyResult {
  try {
    if (checkpoints?.invalid)
      return {
        ok: false,
        rows: 0,
        kind: 'checkpoint-invalid',
        seq: null,
        message: checkpoints.invalid,
      };
    return finish(
      db,
      [verifyRange(db, keyring, 1, Number.MAX_SAFE_INTEGER, headsBySize(checkpoints?.list ?? []))],
      checkpoints,
    );
  } catch (error) {
    return unreadable(error);
  }
}

/** A ledger that could not be read at all fails verification, naming why. */
export const unreadable = (error: unknown): VerifyResult => ({
  ok: false,
  rows: 0,
  kind: 'malformed',
  seq: null,
  message: `the ledger could not be read: ${(error as Error).message}`,
});

export const PARALLEL_FROM = 20_000;
