// Cost caps. The spend of a remote call is reserved before it starts, in one immediate
// transaction that checks every window, so concurrent calls cannot overshoot a cap; a call that
// would cross a cap trips it, and it stays tripped until the user re-arms it.
import type { Db } from '../storage/index.ts';

export type Caps = {
  dailyCents: number | null;
  monthlyCents: number | null;
  dailyTokens: number | null;
  monthlyTokens: number | null;
};
export type Amount = { cents: number; tokens: number };
export type Window = 'daily' | 'monthly';
export type Warning = { window: Window; unit: 'cents' | 'tokens'; percent: 50 | 80 | 95 };
export type Reservation =
  | { ok: true; id: string; warnings: Warning[] }
  | { ok: false; window: Window; unit: 'cents' | 'tokens' };

const DAY = 86_400_000;
const THRESHOLDS = [95, 80, 50] as const;

const monthStart = (now: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const dayStart = (now: number) => Math.floor(now / DAY) * DAY;

export class CostLedger {
  private readonly db: Db;
  private readonly q;

  constructor(db: Db) {
    this.db = db;
    this.q = {
      caps: db.prepare('SELECT * FROM cost_caps WHERE provider = ?'),
      setCaps:
        db.prepare(`INSERT INTO cost_caps (provider, daily_cents, monthly_cents, daily_tokens, monthly_tokens) VALUES (@provider, @dailyCents, @monthlyCents, @dailyTokens, @monthlyTokens)
        ON CONFLICT (provider) DO UPDATE SET daily_cents = excluded.daily_cents, monthly_cents = excluded.monthly_cents, daily_tokens = excluded.daily_tokens, monthly_tokens = excluded.monthly_tokens`),
      used: db.prepare(
        `SELECT coalesce(sum(cents), 0) AS cents, coalesce(sum(tokens), 0) AS tokens FROM cost_entries WHERE provider = ? AND at >= ? AND state != 'released'`,
      ),
      reserve: db.prepare(
        `INSERT INTO cost_entries (id, provider, at, cents, tokens, state) VALUES (?, ?, ?, ?, ?, 'reserved')`,
      ),
      settle: db.prepare(
        `UPDATE cost_entries SET cents = ?, tokens = ?, state = 'spent' WHERE id = ? AND state = 'reserved'`,
      ),
      release: db.prepare(
        `UPDATE cost_entries SET state = 'released' WHERE id = ? AND state = 'reserved'`,
      ),
      trip: db.prepare(
        'UPDATE cost_caps SET tripped_at = ?, tripped_window = ? WHERE provider = ?',
      ),
      rearm: db.prepare(
        'UPDATE cost_caps SET tripped_at = NULL, tripped_window = NULL WHERE provider = ?',
      ),
    };
  }

  setCaps(provider: string, caps: Caps): void {
    this.q.setCaps.run({ provider, ...caps });
  }

  caps(provider: string): (Caps & { trippedAt: number | null }) | null {
    const r = this.q.caps.get(provider) as
      | {
          daily_cents: number | null;
          monthly_cents: number | null;
          daily_tokens: number | null;
          monthly_tokens: number | null;
          tripped_at: number | null;
        }
      | undefined;
    return r
      ? {
          dailyCents: r.daily_cents,
          monthlyCents: r.monthly_cents,
          dailyTokens: r.daily_tokens,
          monthlyTokens: r.monthly_tokens,
          trippedAt: r.tripped_at,
        }
      : null;
  }

  isTripped(provider: string): boolean {
    return (this.caps(provider)?.trippedAt ?? null) !== null;
  }

  usage(provider: string, now: number): Record<Window, Amount> {
    return {
      daily: this.q.used.get(provider, dayStart(now)) as Amount,
      monthly: this.q.used.get(provider, monthStart(now)) as Amount,
    };
  }

  reserve(id: string, provider: string, amount: Amount, now: number): Reservation {
    return this.db
      .transaction((): Reservation => {
        const caps = this.caps(provider);
        if (caps?.trippedAt) return { ok: false, window: 'daily', unit: 'cents' };
        const used = this.usage(provider, now);
        const warnings: Warning[] = [];
        for (const window of ['daily', 'monthly'] as const) {
          for (const unit of ['cents', 'tokens'] as const) {
            const cap = caps?.[`${window}${unit === 'cents' ? 'Cents' : 'Tokens'}`] ?? null;
            if (cap === null) continue;
            const after = used[window][unit] + amount[unit];
            if (after > cap) {
              this.q.trip.run(now, window, provider);
              return { ok: false, window, unit };
            }
            const before = (used[window][unit] / cap) * 100;
            const crossed = THRESHOLDS.find((t) => before < t && (after / cap) * 100 >= t);
            if (crossed) warnings.push({ window, unit, percent: crossed });
          }
        }
        this.q.reserve.run(id, provider, now, amount.cents, amount.tokens);
        return { ok: true, id, warnings };
      })
      .immediate();
  }

  /** Replaces a reservation with what the call really cost. */
  settle(id: string, actual: Amount): boolean {
    return this.q.settle.run(actual.cents, actual.tokens, id).changes === 1;
  }

  release(id: string): boolean {
    return this.q.release.run(id).changes === 1;
  }

  rearm(provider: string): boolean {
    return this.q.rearm.run(provider).changes === 1;
  }
}
