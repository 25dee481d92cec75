// The audit ledger: every decision and outcome of the policy gate, appended as a sealed,
// chained row. If a row cannot be written the ledger turns unhealthy, and the gate then denies
// everything side-effecting.
import { createHash } from 'node:crypto';
import { AetherError, type Clock, type TimerHandle } from '../../bus/index.ts';
import type { Db } from '../../storage/index.ts';
import { canonicalJson, eventHash, GENESIS, recordHmac, type AuditFields } from './canonical.ts';
import { checkpointInput } from './checkpoint-input.ts';
import {
  exportLedger,
  grantUsage,
  listRows,
  toRow,
  type AuditEntry,
  type AuditRow,
  type ListFilter,
  type RawRow,
} from './rows.ts';

export type { AuditEntry, AuditRow, ListFilter } from './rows.ts';
import { appendCheckpoint, checkOne, readCheckpoints, signCheckpoint } from './checkpoints.ts';
import type { Keyring, SigningKey } from './keys.ts';
import { verifyChain, type CheckpointInput, type VerifyResult } from './verify.ts';
import { verifyChainParallel } from './verify-parallel.ts';

export type LedgerOptions = {
  db: Db;
  keyring: Keyring;
  signingKey: SigningKey;
  checkpointFile: string;
  /** Where the checkpoint public key is pinned (settings). */
  pin: { get(): string | undefined; set(hex: string): void };
  clock: Clock;
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

export class Ledger {
  private readonly o: LedgerOptions;
  private keyring: Keyring;
  private problem: string | null = null;
  private lastCheckpointSeq = 0;
  /** The head as this ledger last wrote it: the database's head must still be this one. */
  private lastWritten: { seq: number; hash: string | null };
  private timer: TimerHandle | null = null;
  private verified: { at: number; ok: boolean; message: string } | null = null;
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
    const anchor = options.anchor?.read();
    const anchored = anchor ? checkOne(anchor, options.pin.get()!) : null;
    this.lastCheckpointSeq = Math.max(checkpoints.at(-1)?.size ?? 0, anchored?.size ?? 0);
    this.lastWritten = this.head();
    const every = options.checkpointEveryMs ?? 10 * 60_000;
    const due = () => {
      if (this.head().seq > this.lastCheckpointSeq) this.checkpoint();
    };
    this.timer = options.clock.setInterval(due, every, { background: true });
  }

  get currentKeyring(): Keyring {
    return this.keyring;
  }

  /** Null when healthy; otherwise why side effects are refused. */
  get unhealthy(): string | null {
    return this.problem;
  }

  /** The last row signed, the last full verification here, the signing key's fingerprint (16 hex digits of its SHA-256). */
  status() {
    const keyFingerprint = createHash('sha256').update(this.o.pin.get()!).digest('hex');
    const { lastCheckpointSeq: checkpointSeq, verified: lastVerify } = this;
    return { checkpointSeq, lastVerify, keyFingerprint: keyFingerprint.slice(0, 16) };
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
            at: Math.round(this.o.clock.now()),
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
        Math.round(this.o.clock.now()),
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

  private checkpointInput(use: boolean): CheckpointInput | undefined {
    return use
      ? checkpointInput(this.o.checkpointFile, this.o.pin.get()!, this.o.anchor?.read() ?? null)
      : undefined;
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
    const message = result.ok ? `intact: ${result.rows} rows` : result.message;
    this.verified = { at: this.o.clock.now(), ok: result.ok, message };
    return result;
  }

  get(seq: number): AuditRow | null {
    const r = this.q.get.get(seq) as RawRow | undefined;
    return r ? toRow(r) : null;
  }

  /** Newest first. */
  list(filter: ListFilter = {}): AuditRow[] {
    return listRows(this.o.db, filter);
  }

  grantUsage(): ReturnType<typeof grantUsage> {
    return grantUsage(this.o.db);
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
    return exportLedger(this.o.db, dir, {
      head: this.head(),
      publicKey: this.o.pin.get()!,
      checkpointFile: this.o.checkpointFile,
    });
  }

  /** Stops the checkpoint timer, signing the head once more so a clean stop leaves no unsigned tail (checkpoint() refuses a head that went backwards). */
  dispose(): void {
    this.o.clock.clearInterval(this.timer);
    this.timer = null;
    if (this.o.db.open && this.head().seq > this.lastCheckpointSeq) this.checkpoint();
  }
}
