import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceResources } from '../host/index.ts';
import { openStorage } from '../storage/index.ts';
import { CostLedger } from './costs.ts';

const NOW = Date.UTC(2026, 10, 21, 12);
const ledger = () =>
  new CostLedger(
    openStorage({
      dataDir: mkdtempSync(join(tmpdir(), 'aether-costs-')),
      migrationsDir: sourceResources.migrationsDir,
    }).db,
  );

describe('cost caps', () => {
  it('warns at 50, 80 and 95 percent, then trips and stays tripped until re-armed', () => {
    const costs = ledger();
    costs.setCaps('openai', {
      dailyCents: 100,
      monthlyCents: null,
      dailyTokens: null,
      monthlyTokens: null,
    });
    const warn = (cents: number, i: number) => {
      const r = costs.reserve(`r${i}`, 'openai', { cents, tokens: 0 }, NOW);
      return r.ok ? r.warnings.map((w) => w.percent) : 'denied';
    };
    expect(warn(40, 1)).toEqual([]);
    expect(warn(15, 2)).toEqual([50]);
    expect(warn(30, 3)).toEqual([80]);
    expect(warn(12, 4)).toEqual([95]);
    expect(warn(10, 5)).toBe('denied');
    expect(costs.isTripped('openai')).toBe(true);
    expect(warn(1, 6)).toBe('denied'); // tripped: even what would fit is refused
    expect(costs.rearm('openai')).toBe(true);
    expect(warn(1, 7)).toEqual([]);
  });

  it('counts released reservations as nothing and settled ones as what they cost', () => {
    const costs = ledger();
    costs.setCaps('p', {
      dailyCents: null,
      monthlyCents: null,
      dailyTokens: 1000,
      monthlyTokens: 5000,
    });
    const a = costs.reserve('a', 'p', { cents: 0, tokens: 800 }, NOW);
    expect(a.ok).toBe(true);
    expect(costs.reserve('b', 'p', { cents: 0, tokens: 300 }, NOW).ok).toBe(false);
    costs.rearm('p');
    costs.settle('a', { cents: 0, tokens: 200 });
    expect(costs.reserve('c', 'p', { cents: 0, tokens: 700 }, NOW).ok).toBe(true);
    costs.release('c');
    expect(costs.usage('p', NOW).daily.tokens).toBe(200);
    expect(costs.usage('p', NOW + 86_400_000).daily.tokens).toBe(0); // a new day
    expect(costs.usage('p', NOW + 86_400_000).monthly.tokens).toBe(200);
  });

  it('never lets interleaved reservations overshoot a cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 10, max: 200 }),
        async (amounts, cap) => {
          const costs = ledger();
          costs.setCaps('p', {
            dailyCents: cap,
            monthlyCents: null,
            dailyTokens: null,
            monthlyTokens: null,
          });
          await Promise.all(
            amounts.map(async (cents, i) => {
              await new Promise((r) => setTimeout(r, i % 3));
              costs.reserve(`r${i}`, 'p', { cents, tokens: 0 }, NOW);
            }),
          );
          expect(costs.usage('p', NOW).daily.cents).toBeLessThanOrEqual(cap);
        },
      ),
      { numRuns: 30 },
    );
  });
});
