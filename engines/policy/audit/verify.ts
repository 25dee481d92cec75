// verifyChain: walks the whole ledger and fails closed, naming the first bad row and the kind
// of break. With checkpoints it also catches what a consistent chain cannot show by itself:
// a truncated tail, an older copy of the file, a replaced log.
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../../storage/index.ts';
import { eventHash, GENESIS, recordHmac, type AuditFields } from './canonical.ts';
import type { Checkpoint } from './checkpoints.ts';
import type { Keyring } from './keys.ts';

export type BreakKind =
  | 'malformed' | 'gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'unknown-key' | 'hmac-mismatch'
  | 'head-mismatch' | 'truncated' | 'checkpoint-mismatch' | 'checkpoint-invalid';

export type VerifyResult =
  | { ok: true; rows: number; head: string | null; checkpoints: number }
  | { ok: false; rows: number; kind: BreakKind; seq: number | null; message: string };

const ROW_SQL = `SELECT seq, at, change_id, kind, actor, capability, resource, decision, reason, details, key_id,
  prev_hash, event_hash, record_hmac FROM audit_log ORDER BY seq`;

const isText = (v: unknown) => typeof v === 'string';
const isOptText = (v: unknown) => v === null || typeof v === 'string';
const isHash = (v: unknown): v is Buffer => Buffer.isBuffer(v) && v.length === 32;
const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export function verifyChain(db: Db, keyring: Keyring, checkpoints?: { list: Checkpoint[]; invalid: string | null }): VerifyResult {
  let rows = 0;
  const fail = (kind: BreakKind, seq: number | null, message: string): VerifyResult => ({ ok: false, rows, kind, seq, message });
  try {
    if (checkpoints?.invalid) return fail('checkpoint-invalid', null, checkpoints.invalid);
    const pending = [...(checkpoints?.list ?? [])].sort((a, b) => a.size - b.size);
    let prev: Buffer = GENESIS;
    let expectedSeq = 1;
    for (const r of db.prepare(ROW_SQL).raw().iterate() as IterableIterator<unknown[]>) {
      const [seq, at, changeId, kind, actor, capability, resource, decision, reason, details, keyId, prevHash, hash, hmac] = r;
      if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(at) || ![changeId, kind, actor, details, keyId].every(isText)
        || ![capability, resource, decision, reason].every(isOptText) || !isHash(prevHash) || !isHash(hash) || !isHash(hmac)) {
        return fail('malformed', typeof seq === 'number' ? seq : null, `row ${String(seq)} has a malformed value`);
      }
      const n = seq as number;
      if (n !== expectedSeq) return fail('gap', expectedSeq, `row ${expectedSeq} is missing or out of order (found ${n})`);
      if (!same(prevHash, prev)) return fail('prev-hash-mismatch', n, `row ${n} does not follow row ${n - 1}`);
      const fields = { seq: n, at, changeId, kind, actor, capability, resource, decision, reason, details, keyId } as AuditFields;
      const computed = eventHash(prev, fields);
      if (!same(computed, hash)) return fail('hash-mismatch', n, `row ${n} was changed after it was written`);
      const key = keyring.keys[keyId as string];
      if (!key) return fail('unknown-key', n, `row ${n} is sealed with key ${String(keyId)}, which this keyring does not have`);
      if (!same(recordHmac(key, hash), hmac)) return fail('hmac-mismatch', n, `row ${n}'s seal does not match its key`);
      while (pending.length && pending[0].size === n) {
        const c = pending.shift()!;
        if (c.head !== hash.toString('hex')) return fail('checkpoint-mismatch', n, `row ${n} differs from the signed checkpoint of ${new Date(c.at).toISOString()}`);
      }
      prev = hash;
      expectedSeq++;
      rows++;
    }
    const head = db.prepare('SELECT seq, event_hash FROM audit_head WHERE id = 1').get() as { seq: number; event_hash: Buffer } | undefined;
    const lastSeq = expectedSeq - 1;
    if (lastSeq === 0 ? head !== undefined && head.seq !== 0 : !head || head.seq !== lastSeq || !isHash(head.event_hash) || !same(head.event_hash, prev)) {
      return fail('head-mismatch', lastSeq || null, `the chain head does not point at the last row (${lastSeq})`);
    }
    if (pending.length) {
      const c = pending[pending.length - 1];
      return fail('truncated', lastSeq + 1, `a signed checkpoint saw ${c.size} rows; the log has ${lastSeq}: rows were removed or an older copy restored`);
    }
    return { ok: true, rows, head: lastSeq ? prev.toString('hex') : null, checkpoints: checkpoints?.list.length ?? 0 };
  } catch (error) {
    return fail('malformed', null, `the ledger could not be read: ${(error as Error).message}`);
  }
}
