// Reading the ledger: rows as the bus shows them, newest first with filters, and the export the
// independent verifier reads (rows, head, checkpoints, public key).
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../storage/index.ts';
import type { AuditFields } from './canonical.ts';

/** A row as it is written (the ledger adds seq, time, key and hashes). */
export type AuditEntry = {
  changeId: string;
  kind: string;
  actor: string;
  capability?: string | null;
  resource?: string | null;
  decision?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
};

export type AuditRow = AuditFields & { prevHash: string; eventHash: string; recordHmac: string };

export type RawRow = {
  seq: number;
  at: number;
  change_id: string;
  kind: string;
  actor: string;
  capability: string | null;
  resource: string | null;
  decision: string | null;
  reason: string | null;
  details: string;
  key_id: string;
  prev_hash: Buffer;
  event_hash: Buffer;
  record_hmac: Buffer;
};

export const toRow = (r: RawRow): AuditRow => ({
  seq: r.seq,
  at: r.at,
  changeId: r.change_id,
  kind: r.kind,
  actor: r.actor,
  capability: r.capability,
  resource: r.resource,
  decision: r.decision,
  reason: r.reason,
  details: r.details,
  keyId: r.key_id,
  prevHash: r.prev_hash.toString('hex'),
  eventHash: r.event_hash.toString('hex'),
  recordHmac: r.record_hmac.toString('hex'),
});

export type ListFilter = {
  beforeSeq?: number;
  limit?: number;
  kind?: string;
  capability?: string;
  decision?: string;
  changeId?: string;
  sinceAt?: number;
};

/** Newest first; every filter is optional (a NULL parameter matches every row). */
export function listRows(db: Db, filter: ListFilter = {}): AuditRow[] {
  const rows = db
    .prepare(
      `SELECT * FROM audit_log WHERE (@beforeSeq IS NULL OR seq < @beforeSeq) AND (@kind IS NULL OR kind = @kind)
      AND (@capability IS NULL OR capability = @capability) AND (@decision IS NULL OR decision = @decision)
      AND (@changeId IS NULL OR change_id = @changeId) AND (@sinceAt IS NULL OR at >= @sinceAt) ORDER BY seq DESC LIMIT @limit`,
    )
    .all({
      beforeSeq: filter.beforeSeq || null,
      kind: filter.kind || null,
      capability: filter.capability || null,
      decision: filter.decision || null,
      changeId: filter.changeId || null,
      sinceAt: filter.sinceAt ?? null,
      limit: Math.min(filter.limit ?? 100, 1000),
    }) as RawRow[];
  return rows.map(toRow);
}

/** How often each grant answered a request, and when last (its decisions with reason grant-allow). */
export function grantUsage(db: Db): Map<string, { lastUsedAt: number; timesUsed: number }> {
  const rows = db
    .prepare(
      `SELECT json_extract(details, '$.grantId') AS id, max(at) AS last, count(*) AS n FROM audit_log
      WHERE kind = 'policy.decision' AND reason = 'grant-allow' GROUP BY id`,
    )
    .all() as Array<{ id: string | null; last: number; n: number }>;
  return new Map(
    rows.flatMap((r) => (r.id ? [[r.id, { lastUsedAt: r.last, timesUsed: r.n }]] : [])),
  );
}

const EXPORT_README = `Aether audit export
audit.jsonl      one row per line: fields, prevHash, eventHash, recordHmac (hex)
head.json        the chain head when exported
checkpoints.log  Ed25519-signed checkpoints (size, head hash, time)
public-key.txt   the checkpoint public key pinned by this Aether
Verify: npm run aether -- audit verify --export THIS_FOLDER [--key-file keys/audit-hmac.json]
The row format is described in docs/audit-format.md.
`;

/** Writes rows, checkpoints and the public key to DIR, for the independent verifier. */
export function exportLedger(
  db: Db,
  dir: string,
  o: { head: unknown; publicKey: string; checkpointFile: string },
): { rows: number } {
  mkdirSync(dir, { recursive: true });
  const out = openSync(join(dir, 'audit.jsonl'), 'w', 0o600);
  let rows = 0;
  try {
    for (const r of db
      .prepare('SELECT * FROM audit_log ORDER BY seq')
      .iterate() as IterableIterator<RawRow>) {
      writeSync(out, `${JSON.stringify(toRow(r))}\n`);
      rows++;
    }
  } finally {
    closeSync(out);
  }
  writeFileSync(join(dir, 'head.json'), JSON.stringify(o.head));
  writeFileSync(join(dir, 'public-key.txt'), `${o.publicKey}\n`);
  if (existsSync(o.checkpointFile)) copyFileSync(o.checkpointFile, join(dir, 'checkpoints.log'));
  writeFileSync(join(dir, 'README.txt'), EXPORT_README);
  return { rows };
}
