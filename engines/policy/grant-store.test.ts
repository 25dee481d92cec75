import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceResources } from '../host/index.ts';
import { openStorage } from '../storage/index.ts';
import { GrantStore, type NewGrant } from './grant-store.ts';

const open = (dir = mkdtempSync(join(tmpdir(), 'aether-grants-'))) => ({
  dir,
  storage: openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir }),
});
let n = 0;
const newGrant = (patch: Partial<NewGrant> = {}) => ({
  id: `g${++n}`,
  createdAt: n,
  capability: 'files.read' as const,
  scope: { kind: 'path' as const, root: '/w' },
  effect: 'allow' as const,
  duration: 'persistent' as const,
  expiresAt: null,
  usesLeft: null,
  taskId: null,
  personaId: null,
  ...patch,
});
const ctx = (sessionId: string) => ({ now: 0, sessionId, taskId: null, personaId: null });
const matches = (store: GrantStore, sessionId: string) =>
  store.index.match('files.read', { kind: 'path', path: '/w/x' }, ctx(sessionId)).allow?.id ?? null;

describe('grant store', () => {
  it('keeps persistent grants across a restart and ends session grants with their session', () => {
    const { dir, storage } = open();
    const first = new GrantStore(storage.db, 'run-1');
    const kept = first.add(newGrant({ duration: 'persistent' }));
    first.add(newGrant({ duration: 'session', scope: { kind: 'path', root: '/w' } }));
    storage.close();
    const again = openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir });
    const second = new GrantStore(again.db, 'run-2');
    expect(second.index.all().map((g) => g.id)).toEqual([kept.id]);
    again.close();
  });

  it('revokes one, by capability, or all at once, in the database and the index', () => {
    const { storage } = open();
    const store = new GrantStore(storage.db, 's');
    const a = store.add(newGrant());
    store.add(newGrant({ capability: 'files.write' }));
    store.add(newGrant({ capability: 'files.write', scope: { kind: 'path', root: '/v' } }));
    store.add(
      newGrant({
        capability: 'web.fetch',
        scope: { kind: 'host', host: 'example.com', port: null },
      }),
    );
    expect(store.revoke(a.id, 1, 'user')).toBe(true);
    expect(matches(store, 's')).toBeNull();
    expect(store.revokeCapability('files.write', 2, 'user')).toBe(2);
    expect(store.revokeAll(3, 'emergency')).toBe(1);
    expect(store.index.size).toBe(0);
    expect(store.list()).toHaveLength(0);
    expect(store.list({ includeRevoked: true })).toHaveLength(4);
  });

  it('lets a use-counted grant be used exactly n times, however requests interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 10 }),
        async (uses, extra) => {
          const { storage } = open();
          const store = new GrantStore(storage.db, 's');
          const g = store.add(newGrant({ usesLeft: uses }));
          // Concurrent requests: each awaits something before consuming, so they interleave.
          const results = await Promise.all(
            Array.from({ length: uses + extra }, async (_, i) => {
              await new Promise((r) => setTimeout(r, i % 3));
              return store.consume(g.id);
            }),
          );
          expect(results.filter(Boolean)).toHaveLength(uses);
          expect(matches(store, 's')).toBeNull();
          storage.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('revokes 10,000 grants at once', () => {
    const { storage } = open();
    const store = new GrantStore(storage.db, 's');
    storage.db.transaction(() => {
      for (let i = 0; i < 10_000; i++)
        store.add(newGrant({ scope: { kind: 'path', root: `/w/${i}` } }));
    })();
    // How fast is bench:policy's job; here, that every one of them is gone.
    expect(store.revokeAll(1, 'emergency')).toBe(10_000);
    expect(store.index.size).toBe(0);
    expect(
      storage.db.prepare('SELECT count(*) FROM grants WHERE revoked_at IS NULL').pluck().get(),
    ).toBe(0);
  });
});
