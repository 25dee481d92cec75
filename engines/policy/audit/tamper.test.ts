// The tamper matrix: every way of changing the log we could think of, each with the break it
// must produce. Truncation, rollback, replacement and a keyed rewrite leave a consistent chain;
// only the signed checkpoints catch them, and each of those cases shows both halves.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, recordHmac, type AuditFields } from './canonical.ts';
import { fileVault, loadKeyring, rotateKey, vaultDir, type Keyring } from './keys.ts';
import { attacker, ledgerFixture, sampleEntry, type LedgerFixture } from './ledger.fixture.ts';
import { verifyChain, type BreakKind } from './verify.ts';

function filled(rows = 30): LedgerFixture {
  const f = ledgerFixture();
  for (let i = 1; i <= rows; i++) f.ledger.append(sampleEntry(i));
  return f;
}

type Row = AuditFields & { prev_hash: Buffer; event_hash: Buffer; record_hmac: Buffer };
const readRows = (db: Database.Database, from: number): Row[] =>
  (
    db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as Array<
      Record<string, unknown>
    >
  ).map(
    (r) =>
      ({
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
        prev_hash: r.prev_hash,
        event_hash: r.event_hash,
        record_hmac: r.record_hmac,
      }) as Row,
  );

/** Rewrites rows from `from` on with new content and a valid chain, sealing with `key`. */
function rewriteSuffix(db: Database.Database, from: number, key: Buffer, keyId: string): void {
  const rows = readRows(db, from);
  let prev = rows[0].prev_hash;
  const update = db.prepare(
    `UPDATE audit_log SET reason = ?, key_id = ?, prev_hash = ?, event_hash = ?, record_hmac = ? WHERE seq = ?`,
  );
  for (const r of rows) {
    const fields: AuditFields = { ...r, reason: `forged-${r.seq}`, keyId };
    const hash = eventHash(prev, fields);
    update.run(fields.reason, keyId, prev, hash, recordHmac(key, hash), r.seq);
    prev = hash;
  }
  db.prepare('UPDATE audit_head SET seq = ?, event_hash = ? WHERE id = 1').run(
    rows.at(-1)!.seq,
    prev,
  );
}

const ringOf = (f: LedgerFixture): Keyring => loadKeyring(fileVault(vaultDir(f.dir)), {});

function expectBreak(
  f: LedgerFixture,
  kind: BreakKind,
  seq: number | null,
  options: { checkpoints?: boolean } = {},
) {
  const result = f.open().verify(options);
  expect(result).toMatchObject({ ok: false, kind, ...(seq === undefined ? {} : { seq }) });
  if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
}

const COLUMN_EDITS: Array<[string, unknown]> = [
  ['at', 1],
  ['change_id', 'other'],
  ['kind', 'policy.other'],
  ['actor', 'user'],
  ['capability', 'files.delete'],
  ['resource', '/etc/shadow'],
  ['decision', 'allow-forever'],
  ['reason', 'nothing to see'],
  ['details', '{"i":999}'],
  ['key_id', 'zzzz'],
];

describe('audit ledger tamper matrix', () => {
  it('verifies an untouched log, with and without checkpoints', () => {
    const f = filled();
    expect(f.ledger.verify()).toMatchObject({ ok: true, rows: 30, checkpoints: 3 });
    expect(f.ledger.verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 30 });
  });

  it('refuses UPDATE and DELETE through SQLite triggers', () => {
    const f = filled(3);
    expect(() =>
      f.storage.db.prepare("UPDATE audit_log SET reason = 'x' WHERE seq = 1").run(),
    ).toThrow(/append-only/);
    expect(() => f.storage.db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(
      /append-only/,
    );
    expect(f.ledger.verify().ok).toBe(true);
  });

  it.each(COLUMN_EDITS)('catches an edit of %s', (column, value) => {
    const f = filled();
    attacker(f.storage.file).prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = 5`).run(value);
    expectBreak(f, 'hash-mismatch', 5);
  });

  it('catches edits of the stored hashes and seal', () => {
    for (const [column, kind] of [
      ['prev_hash', 'prev-hash-mismatch'],
      ['event_hash', 'hash-mismatch'],
      ['record_hmac', 'hmac-mismatch'],
    ] as const) {
      const f = filled();
      attacker(f.storage.file)
        .prepare(`UPDATE audit_log SET ${column} = randomblob(32) WHERE seq = 5`)
        .run();
      expectBreak(f, kind, 5);
    }
  });

  it('catches a deleted row', () => {
    const f = filled();
    attacker(f.storage.file).prepare('DELETE FROM audit_log WHERE seq = 5').run();
    expectBreak(f, 'gap', 5);
  });

  it('catches an inserted row, even one chained correctly by someone without the key', () => {
    const f = filled();
    const db = attacker(f.storage.file);
    db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 5').run();
    db.prepare('UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1005').run();
    const before = readRows(db, 4)[0];
    const fields: AuditFields = { ...before, seq: 5, reason: 'inserted', changeId: 'forged' };
    const hash = eventHash(before.event_hash, fields);
    db.prepare(
      `INSERT INTO audit_log (seq, at, change_id, kind, actor, capability, resource, decision, reason, details, key_id, prev_hash, event_hash, record_hmac)
      VALUES (5, @at, @changeId, @kind, @actor, @capability, @resource, @decision, @reason, @details, @keyId, @prev, @hash, randomblob(32))`,
    ).run({ ...fields, prev: before.event_hash, hash });
    expectBreak(f, 'hmac-mismatch', 5);
  });

  it('catches reordered rows', () => {
    const f = filled();
    const db = attacker(f.storage.file);
    db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 5').run();
    db.prepare('UPDATE audit_log SET seq = 5 WHERE seq = 6').run();
    db.prepare('UPDATE audit_log SET seq = 6 WHERE seq = -1').run();
    expectBreak(f, 'prev-hash-mismatch', 5);
  });

  it('catches a forged row spliced in place of a real one', () => {
    const f = filled();
    const db = attacker(f.storage.file);
    const [row] = readRows(db, 5);
    const fields: AuditFields = { ...row, decision: 'allow', reason: 'spliced' };
    const hash = eventHash(row.prev_hash, fields);
    db.prepare(
      'UPDATE audit_log SET decision = ?, reason = ?, event_hash = ?, record_hmac = ? WHERE seq = 5',
    ).run('allow', 'spliced', hash, recordHmac(Buffer.alloc(32, 7), hash));
    expectBreak(f, 'hmac-mismatch', 5);
  });

  it('catches a suffix rewritten without the key', () => {
    const f = filled();
    rewriteSuffix(attacker(f.storage.file), 12, Buffer.alloc(32, 9), ringOf(f).current);
    expectBreak(f, 'hmac-mismatch', 12);
  });

  it('a suffix rewritten WITH the key passes the chain; only the checkpoints catch it', () => {
    const f = filled();
    const ring = ringOf(f);
    rewriteSuffix(attacker(f.storage.file), 12, ring.keys[ring.current], ring.current);
    expect(f.open().verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 30 });
    expectBreak(f, 'checkpoint-mismatch', 20);
  });

  it('a tail truncated with the head moved back passes the chain; only the checkpoints catch it', () => {
    const f = filled();
    const db = attacker(f.storage.file);
    const [row25] = readRows(db, 25);
    db.prepare('DELETE FROM audit_log WHERE seq > 25').run();
    db.prepare('UPDATE audit_head SET seq = 25, event_hash = ? WHERE id = 1').run(row25.event_hash);
    expect(f.open().verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 25 });
    expectBreak(f, 'truncated', 26);
  });

  it('catches a tail truncated without moving the head', () => {
    const f = filled();
    attacker(f.storage.file).prepare('DELETE FROM audit_log WHERE seq > 25').run();
    expectBreak(f, 'head-mismatch', 25, { checkpoints: false });
  });

  it('an older copy of the database passes the chain; only the checkpoints catch it', () => {
    const f = filled(20);
    f.storage.db.pragma('wal_checkpoint(TRUNCATE)');
    const old = join(f.dir, 'old.db');
    copyFileSync(f.storage.file, old);
    for (let i = 21; i <= 30; i++) f.ledger.append(sampleEntry(i));
    f.storage.close();
    copyFileSync(old, f.storage.file);
    const restored = ledgerFixture({ dir: f.dir });
    expect(restored.ledger.verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 20 });
    expect(restored.ledger.verify()).toMatchObject({ ok: false, kind: 'truncated', seq: 21 });
  });

  it('a fork from an older copy passes the chain; only the checkpoints catch it', () => {
    const f = filled(20);
    f.storage.db.pragma('wal_checkpoint(TRUNCATE)');
    const forkDir = join(f.dir, 'fork');
    const fork = ledgerFixture({ dir: forkDir });
    fork.storage.close();
    copyFileSync(f.storage.file, fork.storage.file);
    for (let i = 21; i <= 30; i++) f.ledger.append(sampleEntry(i));
    // The fork continues with other rows, sealed with the real key (an insider with the key).
    const forked = attacker(fork.storage.file);
    const ring = ringOf(f);
    let [last] = readRows(forked, 20);
    for (let seq = 21; seq <= 30; seq++) {
      const fields: AuditFields = {
        ...last,
        seq,
        reason: `fork-${seq}`,
        details: canonicalJson({ seq }),
      };
      const hash = eventHash(last.event_hash, fields);
      forked
        .prepare(
          `INSERT INTO audit_log (seq, at, change_id, kind, actor, capability, resource, decision, reason, details, key_id, prev_hash, event_hash, record_hmac)
        VALUES (@seq, @at, @changeId, @kind, @actor, @capability, @resource, @decision, @reason, @details, @keyId, @prev, @hash, @hmac)`,
        )
        .run({
          ...fields,
          prev: last.event_hash,
          hash,
          hmac: recordHmac(ring.keys[ring.current], hash),
        });
      last = {
        ...fields,
        prev_hash: last.event_hash,
        event_hash: hash,
        record_hmac: Buffer.alloc(0),
      };
    }
    forked
      .prepare('UPDATE audit_head SET seq = 30, event_hash = ? WHERE id = 1')
      .run(last.event_hash);
    forked.close();
    f.storage.close();
    copyFileSync(fork.storage.file, f.storage.file);
    const swapped = ledgerFixture({ dir: f.dir });
    expect(swapped.ledger.verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 30 });
    expect(swapped.ledger.verify()).toMatchObject({
      ok: false,
      kind: 'checkpoint-mismatch',
      seq: 30,
    });
  });

  it('a whole replaced log (same key, new rows) passes the chain; only the checkpoints catch it', () => {
    const f = filled();
    const keys = readFileSync(join(vaultDir(f.dir), 'audit-hmac.json'));
    const other = ledgerFixture();
    writeFileSync(join(vaultDir(other.dir), 'audit-hmac.json'), keys);
    const impostor = other.open();
    for (let i = 100; i < 130; i++) impostor.append(sampleEntry(i));
    other.storage.close();
    const pinned = f.storage.settings.get<string>('audit.checkpoint_public_key');
    f.storage.close();
    copyFileSync(other.storage.file, f.storage.file);
    // The replacement pins its own checkpoint key: caught at once.
    const naive = ledgerFixture({ dir: f.dir });
    expect(naive.ledger.unhealthy).toMatch(/not the one pinned/);
    expect(naive.ledger.verify()).toMatchObject({ ok: false, kind: 'checkpoint-invalid' });
    // A careful attacker pins the real (public) key too: the chain is consistent…
    naive.storage.settings.set('audit.checkpoint_public_key', pinned);
    const replaced = ledgerFixture({ dir: f.dir });
    expect(replaced.ledger.verify({ checkpoints: false })).toMatchObject({ ok: true, rows: 30 });
    // …and only the signed checkpoints show it is not the log they saw.
    expect(replaced.ledger.verify()).toMatchObject({
      ok: false,
      kind: 'checkpoint-mismatch',
      seq: 10,
    });
  });

  it('fails with the wrong key', () => {
    const f = filled();
    const ring = ringOf(f);
    const wrong: Keyring = { current: ring.current, keys: { [ring.current]: Buffer.alloc(32, 1) } };
    expect(verifyChain(f.storage.db, wrong)).toMatchObject({
      ok: false,
      kind: 'hmac-mismatch',
      seq: 1,
    });
  });

  it('verifies rows of each key epoch with their own key, and catches an epoch mix-up', () => {
    const f = filled(15);
    const vault = fileVault(vaultDir(f.dir));
    const rotated = rotateKey(vault, ringOf(f));
    f.ledger.useKeyring(rotated, 'rotate-1');
    for (let i = 17; i <= 30; i++) f.ledger.append(sampleEntry(i));
    expect(f.open().verify()).toMatchObject({ ok: true, rows: 30 });
    const [a, b] = Object.keys(rotated.keys);
    const swapped: Keyring = {
      current: rotated.current,
      keys: { [a]: rotated.keys[b], [b]: rotated.keys[a] },
    };
    expect(verifyChain(f.storage.db, swapped)).toMatchObject({
      ok: false,
      kind: 'hmac-mismatch',
      seq: 1,
    });
    const onlyNew: Keyring = {
      current: rotated.current,
      keys: { [rotated.current]: rotated.keys[rotated.current] },
    };
    expect(verifyChain(f.storage.db, onlyNew)).toMatchObject({
      ok: false,
      kind: 'unknown-key',
      seq: 1,
    });
  });

  it('fails closed on malformed values', () => {
    for (const [sql, seq] of [
      ["UPDATE audit_log SET event_hash = 'not a blob' WHERE seq = 5", 5],
      ['UPDATE audit_log SET prev_hash = randomblob(31) WHERE seq = 5', 5],
      ["UPDATE audit_log SET details = x'01' WHERE seq = 5", 5],
      ["UPDATE audit_log SET at = 'yesterday' WHERE seq = 5", 5],
    ] as const) {
      const f = filled();
      attacker(f.storage.file).prepare(sql).run();
      expectBreak(f, 'malformed', seq);
    }
  });

  it('catches an edited or forged checkpoint', () => {
    const f = filled();
    const lines = readFileSync(f.checkpointFile, 'utf8').trim().split('\n');
    const edited = JSON.parse(lines[2]);
    edited.size = 25;
    writeFileSync(
      f.checkpointFile,
      `${[...lines.slice(0, 2), JSON.stringify(edited)].join('\n')}\n`,
    );
    expectBreak(f, 'checkpoint-invalid', null);
    writeFileSync(f.checkpointFile, `${lines.join('\n')}\n{"v":1,"garbage":true}\n`);
    expectBreak(f, 'checkpoint-invalid', null);
  });

  it('turns unhealthy and refuses with AuditUnavailable when it cannot write', () => {
    const f = filled(3);
    f.storage.close();
    expect(() => f.ledger.append(sampleEntry(4))).toThrow(
      expect.objectContaining({ code: 'AuditUnavailable' }),
    );
    expect(f.ledger.unhealthy).toMatch(/cannot be written/);
  });
});

describe('verification on worker threads (large logs)', () => {
  const big = () => {
    const f = ledgerFixture({ checkpointEveryRows: 5000 });
    for (let i = 0; i < 24_000; i += 200)
      f.ledger.appendMany(Array.from({ length: 200 }, (_, k) => sampleEntry(i + k)));
    return f;
  };

  it('agrees with the single-threaded walk, and names the first bad row in either half', async () => {
    const f = big();
    expect(await f.ledger.verifyAsync()).toMatchObject({ ok: true, rows: 24_000, checkpoints: 4 });
    const db = attacker(f.storage.file);
    db.prepare("UPDATE audit_log SET reason = 'x' WHERE seq = 20000").run();
    expect(await f.open().verifyAsync()).toMatchObject({
      ok: false,
      kind: 'hash-mismatch',
      seq: 20000,
    });
    db.prepare("UPDATE audit_log SET reason = 'y' WHERE seq = 7").run();
    expect(await f.open().verifyAsync()).toMatchObject({
      ok: false,
      kind: 'hash-mismatch',
      seq: 7,
    });
    expect(f.open().verify()).toMatchObject({ ok: false, kind: 'hash-mismatch', seq: 7 });
  });

  it('catches a row deleted at the boundary between ranges, and a truncated tail', async () => {
    const f = big();
    const db = attacker(f.storage.file);
    db.prepare('DELETE FROM audit_log WHERE seq = 12000').run();
    expect(await f.open().verifyAsync()).toMatchObject({ ok: false, kind: 'gap', seq: 12000 });
    const g = big();
    const dbg = attacker(g.storage.file);
    const h = dbg.prepare('SELECT event_hash FROM audit_log WHERE seq = 18000').pluck().get();
    dbg.prepare('DELETE FROM audit_log WHERE seq > 18000').run();
    dbg.prepare('UPDATE audit_head SET seq = 18000, event_hash = ? WHERE id = 1').run(h);
    expect(await g.open().verifyAsync({ checkpoints: false })).toMatchObject({
      ok: true,
      rows: 18_000,
    });
    expect(await g.open().verifyAsync()).toMatchObject({
      ok: false,
      kind: 'truncated',
      seq: 18001,
    });
  });
});
