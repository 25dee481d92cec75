// Grants in SQLite, mirrored in a GrantIndex for evaluation. Session grants belong to one run of
// the host: a new session starts with none of them. Revocation is one UPDATE, however many.
import type { Db } from '../storage/index.ts';
import type { Capability } from './catalog.ts';
import { GrantIndex, type Duration, type Grant, type Scope } from './grants.ts';

type Row = {
  id: string;
  capability: string;
  scope: string;
  effect: 'allow' | 'deny';
  duration: Duration;
  expires_at: number | null;
  uses_left: number | null;
  task_id: string | null;
  session_id: string | null;
  persona_id: string | null;
  created_at: number;
  revoked_at: number | null;
  actor: string;
};

const toGrant = (r: Row): Grant => ({
  id: r.id,
  capability: r.capability as Capability,
  scope: JSON.parse(r.scope) as Scope,
  effect: r.effect,
  duration: r.duration,
  expiresAt: r.expires_at,
  usesLeft: r.uses_left,
  taskId: r.task_id,
  sessionId: r.session_id,
  personaId: r.persona_id,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  actor: r.actor,
});

export type NewGrant = Omit<Grant, 'id' | 'createdAt' | 'revokedAt' | 'sessionId'>;

export class GrantStore {
  readonly index = new GrantIndex();
  private readonly db: Db;
  private readonly sessionId: string;
  private readonly q;

  constructor(db: Db, sessionId: string) {
    this.db = db;
    this.sessionId = sessionId;
    this.q = {
      insert:
        db.prepare(`INSERT INTO grants (id, capability, scope, effect, duration, expires_at, uses_left, task_id, session_id, persona_id, created_at, actor)
        VALUES (@id, @capability, @scope, @effect, @duration, @expiresAt, @usesLeft, @taskId, @sessionId, @personaId, @createdAt, @actor)`),
      consume: db.prepare(
        'UPDATE grants SET uses_left = uses_left - 1 WHERE id = ? AND revoked_at IS NULL AND uses_left > 0',
      ),
      revoke: db.prepare(
        'UPDATE grants SET revoked_at = @at, revoke_reason = @reason WHERE id = @id AND revoked_at IS NULL',
      ),
      revokeCapability: db.prepare(
        'UPDATE grants SET revoked_at = @at, revoke_reason = @reason WHERE capability = @capability AND revoked_at IS NULL RETURNING id',
      ),
      revokeAll: db.prepare(
        'UPDATE grants SET revoked_at = @at, revoke_reason = @reason WHERE revoked_at IS NULL',
      ),
    };
    // Session grants of earlier runs end here; the rest load into the index.
    const live = db
      .prepare(
        `SELECT * FROM grants WHERE revoked_at IS NULL AND (duration NOT IN ('session', 'once', 'task') OR session_id = ?)`,
      )
      .all(sessionId) as Row[];
    for (const r of live) this.index.add(toGrant(r));
  }

  add(grant: NewGrant & { id: string; createdAt: number }): Grant {
    const full: Grant = {
      ...grant,
      actor: grant.actor ?? 'user',
      sessionId: this.sessionId,
      revokedAt: null,
    };
    this.q.insert.run({ ...full, scope: JSON.stringify(full.scope) });
    this.index.add(full);
    return full;
  }

  /** Uses one of a counted grant's uses; false when none is left (another request took it). */
  consume(id: string): boolean {
    const grant = this.index.get(id);
    if (!grant || grant.usesLeft === null) return Boolean(grant);
    if (this.q.consume.run(id).changes !== 1) return false;
    this.index.add({ ...grant, usesLeft: grant.usesLeft - 1 });
    return true;
  }

  revoke(id: string, at: number, reason: string): boolean {
    const changed = this.q.revoke.run({ id, at, reason }).changes === 1;
    this.index.remove(id);
    return changed;
  }

  revokeCapability(capability: Capability, at: number, reason: string): number {
    const ids = this.q.revokeCapability.all({ capability, at, reason }) as Array<{ id: string }>;
    for (const { id } of ids) this.index.remove(id);
    return ids.length;
  }

  /** Emergency revoke: every live grant, in one statement. */
  revokeAll(at: number, reason: string): number {
    const count = this.q.revokeAll.run({ at, reason }).changes;
    for (const g of this.index.all()) this.index.remove(g.id);
    return count;
  }

  list(options: { includeRevoked?: boolean; limit?: number } = {}): Grant[] {
    const sql = `SELECT * FROM grants ${options.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at DESC LIMIT ?`;
    return (this.db.prepare(sql).all(options.limit ?? 500) as Row[]).map(toGrant);
  }
}
