// The audit ledger: every decision and outcome of the policy gate, appended as a sealed,
// chained row. If a row cannot be written the ledger turns unhealthy, and the gate then denies
// everything side-effecting.
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
import { AetherError } from '../../bus/index.ts';
import type { Db } from '../../storage/index.ts';
import { canonicalJson, eventHash, GENESIS, recordHmac, type AuditFields } from './canonical.ts';
import {
  appendCheckpoint,
  checkOne,
  readCheckpoints,
  signCheckpoint,
  type Checkpoint,
} from './checkpoints.ts';
import type { Keyring, SigningKey } from './keys.ts';
import {
  verifyChain,
  verifyChainParallel,
  type CheckpointInput,
  type VerifyResult,
} from './verify.ts';

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

export type LedgerOptions = {
  db: Db;
  keyring: Keyring;
  signingKey: SigningKey;
  checkpointFile: string;
  /** Where the checkpoint public key is pinned (settings). */
  pin: { get(): string | undefined; set(hex: string): void };
  now: () => number;
  checkpointEveryRows?: number;
  checkpointEveryMs?: number;
  /** verify-worker's file; with it, large logs verify on worker threads. */
  verifyWorkerEntry?: string;
  /**
   * A second place for the last checkpoint (the key store): a checkpoint file that was removed or
   * shortened no longer matches it.
   */
  anchor?: { read(): string | null; write(text: string): void };
};

type RawRow = {
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

const toRow = (r: RawRow): AuditRow => ({
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

const EXPORT_README = `Aether audit export
audit.jsonl      one row per line: fields, prevHash, eventHash, recordHmac (hex)
head.json        the chain head when exported
checkpoints.log  Ed25519-signed checkpoints (size, head hash, time)
public-key.txt   the checkpoint public key pinned by this Aether
Verify: npm run aether -- audit verify --export THIS_FOLDER [--key-file keys/audit-hmac.json]
The row format is described in docs/audit-format.md.
`;

export type ListFilter = {
  beforeSeq?: number;
  limit?: number;
  kind?: string;
  capability?: string;
  decision?: string;
  changeId?: string;
};

export class Ledger {
  private readonly o: LedgerOptions;
  private keyring: Keyring;
  private problem: string | null = null;
  private lastCheckpointSeq = 0;
  /** The head as this ledger last wrote it: the database's head must still be this one. */
  private lastWritten: { seq: number; hash: string | null };
  private timer: NodeJS.Timeout | null = null;
  private readonly q;

  constructor(options: LedgerOptions) {
    this.o = options;
    this.keyring = options.keyring;
    const { db } = options;
    this.q = {
      head: db.prepare('SELECT seq, event_hash FROM audit_head WHERE id = 1'),
      insert:
        db.prepare(`INSERT INTO audit_log (seq, at, change_id, kind, actor, capability, resource, decision, reason, details,
        key_id, prev_hash, event_hash, record_hmac) VALUES (@seq, @at, @changeId, @kind, @actor, @capability, @resource, @decision,
        @reason, @details, @keyId, @prevHash, @eventHash, @recordHmac)`),
      setHead: db.prepare(
        'INSERT INTO audit_head (id, seq, event_hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, event_hash = excluded.event_hash',
      ),
      get: db.prepare('SELECT * FROM audit_log WHERE seq = ?'),
    };
    const pinned = options.pin.get();
    if (!pinned) options.pin.set(options.signingKey.publicKeyHex);
    else if (pinned !== options.signingKey.publicKeyHex)
      this.problem = 'the checkpoint signing key is not the one pinned in settings';
    const { checkpoints } = readCheckpoints(options.checkpointFile, options.pin.get()!);
    this.lastCheckpointSeq = Math.max(checkpoints.at(-1)?.size ?? 0, this.anchored()?.size ?? 0);
    this.lastWritten = this.head();
    const every = options.checkpointEveryMs ?? 10 * 60_000;
    this.timer = setInterval(() => {
      if (this.head().seq > this.lastCheckpointSeq) this.checkpoint();
    }, every);
    this.timer.unref();
  }

  get currentKeyring(): Keyring {
    return this.keyring;
  }

  /** Null when healthy; otherwise why side effects are refused. */
  get unhealthy(): string | null {
    return this.problem;
  }

  markUnhealthy(reason: string): void {
    this.problem ??= reason;
  }

  head(): { seq: number; hash: string | null } {
    const h = this.q.head.get() as { seq: number; event_hash: Buffer } | undefined;
    return h ? { seq: h.seq, hash: h.event_hash.toString('hex') } : { seq: 0, hash: null };
  }

  /**
   * Appends one row. `durable` rows are on disk (synchronous FULL) before this returns: a
   * decision that allows a high-risk action is written before the action runs.
   */
  append(entry: AuditEntry, options: { durable?: boolean } = {}): AuditRow {
    return this.appendMany([entry], options)[0];
  }

  /** Appends rows in one transaction (group commit). */
  appendMany(entries: AuditEntry[], options: { durable?: boolean } = {}): AuditRow[] {
    const { db } = this.o;
    const rows: AuditRow[] = [];
    // Inside a caller's transaction (an audited change) the row commits with it, at its level.
    const durable = options.durable && !db.inTransaction;
    try {
      if (durable) db.pragma('synchronous = FULL');
      db.transaction(() => {
        const h = this.q.head.get() as { seq: number; event_hash: Buffer } | undefined;
        if (
          (h?.seq ?? 0) !== this.lastWritten.seq ||
          (h?.event_hash.toString('hex') ?? null) !== this.lastWritten.hash
        ) {
          throw new Error(
            `its head is row ${h?.seq ?? 0}, not row ${this.lastWritten.seq} that Aether last wrote: rows were removed or replaced`,
          );
        }
        let seq = h?.seq ?? 0;
        let prev = h?.event_hash ?? GENESIS;
        const key = this.keyring.keys[this.keyring.current];
        for (const e of entries) {
          const fields: AuditFields = {
            seq: ++seq,
            at: Math.round(this.o.now()),
            changeId: e.changeId,
            kind: e.kind,
            actor: e.actor,
            capability: e.capability ?? null,
            resource: e.resource ?? null,
            decision: e.decision ?? null,
            reason: e.reason ?? null,
            details: canonicalJson(e.details ?? {}),
            keyId: this.keyring.current,
          };
          const hash = eventHash(prev, fields);
          const hmac = recordHmac(key, hash);
          this.q.insert.run({ ...fields, prevHash: prev, eventHash: hash, recordHmac: hmac });
          rows.push({
            ...fields,
            prevHash: prev.toString('hex'),
            eventHash: hash.toString('hex'),
            recordHmac: hmac.toString('hex'),
          });
          prev = hash;
        }
        this.q.setHead.run(seq, prev);
      })();
    } catch (error) {
      this.markUnhealthy(`the audit log cannot be written: ${(error as Error).message}`);
      throw new AetherError(
        'AuditUnavailable',
        'The audit log cannot be written, so Aether will not act on your computer until it can.',
      );
    } finally {
      if (durable) db.pragma('synchronous = NORMAL');
    }
    const last = rows.at(-1)!.seq;
    this.lastWritten = { seq: last, hash: rows.at(-1)!.eventHash };
    if (last - this.lastCheckpointSeq >= (this.o.checkpointEveryRows ?? 1000)) this.checkpoint();
    return rows;
  }

  /** Signs the current head into the checkpoint file, and anchors it in the key store. Never a head that went backwards. */
  checkpoint(): void {
    const head = this.head();
    if (!head.hash) return;
    if (
      head.seq !== this.lastWritten.seq ||
      head.hash !== this.lastWritten.hash ||
      head.seq < this.lastCheckpointSeq
    ) {
      this.markUnhealthy(
        `the audit log's head is row ${head.seq}, not row ${this.lastWritten.seq} that Aether last wrote: rows were removed or replaced`,
      );
      return;
    }
    try {
      const signed = signCheckpoint(
        this.o.signingKey,
        head.seq,
        head.hash,
        Math.round(this.o.now()),
      );
      appendCheckpoint(this.o.checkpointFile, signed);
      this.o.anchor?.write(JSON.stringify(signed));
      this.lastCheckpointSeq = head.seq;
    } catch (error) {
      this.markUnhealthy(`checkpoints cannot be written: ${(error as Error).message}`);
    }
  }

  verify(options: { checkpoints?: boolean } = {}): VerifyResult {
    return this.judge(
      verifyChain(this.o.db, this.keyring, this.checkpointInput(options.checkpoints ?? true)),
    );
  }

  /** The same check, on worker threads when the log is large and a worker entry was given. */
  async verifyAsync(options: { checkpoints?: boolean } = {}): Promise<VerifyResult> {
    const input = this.checkpointInput(options.checkpoints ?? true);
    const entry = this.o.verifyWorkerEntry;
    return this.judge(
      entry
        ? await verifyChainParallel(this.o.db, this.keyring, input, entry)
        : verifyChain(this.o.db, this.keyring, input),
    );
  }

  /** The last checkpoint as the key store keeps it, when it is there and signed by the pinned key. */
  private anchored(): Checkpoint | null {
    const text = this.o.anchor?.read();
    if (!text) return null;
    return checkOne(text, this.o.pin.get()!);
  }

  private checkpointInput(use: boolean): CheckpointInput | undefined {
    if (!use) return undefined;
    const parsed = readCheckpoints(this.o.checkpointFile, this.o.pin.get()!);
    const invalid = parsed.bad
      ? `checkpoint file line ${parsed.bad.line}: ${parsed.bad.reason}`
      : null;
    const anchor = this.o.anchor?.read() ? this.anchored() : undefined;
    if (anchor === null)
      return {
        list: parsed.checkpoints,
        invalid: invalid ?? 'the checkpoint kept in the key store is not signed by the pinned key',
      };
    const furthest = Math.max(0, ...parsed.checkpoints.map((c) => c.size));
    if (anchor && furthest < anchor.size) {
      return {
        list: [...parsed.checkpoints, anchor],
        invalid:
          invalid ??
          `the checkpoint file is missing or shortened: it reaches row ${furthest}, but the key store holds a checkpoint at row ${anchor.size}`,
      };
    }
    const known =
      !anchor || parsed.checkpoints.some((c) => c.size === anchor.size && c.head === anchor.head);
    return { list: known ? parsed.checkpoints : [...parsed.checkpoints, anchor], invalid };
  }

  private judge(result: VerifyResult): VerifyResult {
    if (!this.o.db.open) return result; // the host stopped while a verification ran
    const head = this.head();
    // A chain that is whole can still be shorter than what this ledger wrote (the tail cut, the head moved back).
    if (result.ok && (head.seq !== this.lastWritten.seq || head.hash !== this.lastWritten.hash)) {
      result = {
        ok: false,
        rows: result.rows,
        kind: 'truncated',
        seq: Math.min(head.seq, this.lastWritten.seq) + 1,
        message: `the log ends at row ${head.seq}, but Aether last wrote row ${this.lastWritten.seq}: rows were removed or replaced`,
      };
    }
    if (!result.ok) this.markUnhealthy(`the audit log failed verification: ${result.message}`);
    return result;
  }

  get(seq: number): AuditRow | null {
    const r = this.q.get.get(seq) as RawRow | undefined;
    return r ? toRow(r) : null;
  }

  /** Newest first. */
  list(filter: ListFilter = {}): AuditRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: Math.min(filter.limit ?? 100, 1000) };
    if (filter.beforeSeq) {
      where.push('seq < @beforeSeq');
      args.beforeSeq = filter.beforeSeq;
    }
    for (const k of ['kind', 'capability', 'decision'] as const)
      if (filter[k]) {
        where.push(`${k} = @${k}`);
        args[k] = filter[k];
      }
    if (filter.changeId) {
      where.push('change_id = @changeId');
      args.changeId = filter.changeId;
    }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.o.db.prepare(sql).all(args) as RawRow[]).map(toRow);
  }

  /** Seals new rows with a fresh key from now on; the keyring keeps the old one for verifying. */
  useKeyring(next: Keyring, changeId: string): void {
    const previous = this.keyring.current;
    this.keyring = next;
    this.append(
      {
        changeId,
        kind: 'audit.key_rotated',
        actor: 'user',
        details: { from: previous, to: next.current },
      },
      { durable: true },
    );
  }

  /** Writes rows, checkpoints and the public key to DIR, for the independent verifier. */
  exportTo(dir: string): { rows: number } {
    mkdirSync(dir, { recursive: true });
    const out = openSync(join(dir, 'audit.jsonl'), 'w', 0o600);
    let rows = 0;
    try {
      for (const r of this.o.db
        .prepare('SELECT * FROM audit_log ORDER BY seq')
        .iterate() as IterableIterator<RawRow>) {
        writeSync(out, `${JSON.stringify(toRow(r))}\n`);
        rows++;
      }
    } finally {
      closeSync(out);
    }
    writeFileSync(join(dir, 'head.json'), JSON.stringify(this.head()));
    writeFileSync(join(dir, 'public-key.txt'), `${this.o.pin.get()}\n`);
    if (existsSync(this.o.checkpointFile))
      copyFileSync(this.o.checkpointFile, join(dir, 'checkpoints.log'));
    writeFileSync(join(dir, 'README.txt'), EXPORT_README);
    return { rows };
  }

  /** Stops the checkpoint timer, signing the head once more so a clean stop leaves no unsigned tail (checkpoint() refuses a head that went backwards). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.o.db.open && this.head().seq > this.lastCheckpointSeq) this.checkpoint();
  }
}
