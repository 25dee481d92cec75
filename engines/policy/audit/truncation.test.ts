// Breach 7 of issue 10: losing rows at the tail goes unnoticed. Rows cut and the head moved back
// while the host runs, the checkpoint file removed or shortened at rest, and a clean stop that
// would sign the shortened head. Real SQLite files, an attacker's own connection, real files.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attacker, ledgerFixture, sampleEntry, type LedgerFixture } from './ledger.fixture.ts';

function filled(rows: number): LedgerFixture {
  const f = ledgerFixture();
  for (let i = 1; i <= rows; i++) f.ledger.append(sampleEntry(i));
  return f;
}

/** Deletes rows after `keep` and points the head at row `keep`, as someone with the file could. */
function cutTail(f: LedgerFixture, keep: number): void {
  const db = attacker(f.storage.file);
  const hash = db
    .prepare('SELECT event_hash FROM audit_log WHERE seq = ?')
    .pluck()
    .get(keep) as Buffer;
  db.prepare('DELETE FROM audit_log WHERE seq > ?').run(keep);
  db.prepare('UPDATE audit_head SET seq = ?, event_hash = ? WHERE id = 1').run(keep, hash);
  db.close();
}

describe('breach 7: a lost tail is always reported', () => {
  it('rows cut after the last checkpoint while running: verify says so, and nothing chains on the short head', () => {
    const f = filled(35); // checkpoints at 10, 20, 30: rows 31–35 are not signed yet
    cutTail(f, 32);
    expect(f.ledger.verify()).toMatchObject({ ok: false, kind: 'truncated', seq: 33 });
    expect(() => f.ledger.append(sampleEntry(36))).toThrow(/audit log cannot be written/);
    expect(f.ledger.unhealthy).toMatch(/rows were removed or replaced/);
  });

  it('a clean stop never signs a head that went backwards', () => {
    const f = filled(35);
    cutTail(f, 32);
    f.ledger.dispose();
    const lines = readFileSync(f.checkpointFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { size: number });
    expect(lines.map((c) => c.size)).toEqual([10, 20, 30]);
    expect(f.ledger.unhealthy).toMatch(/not row 35/);
  });

  it('the checkpoint file removed at rest is an error, not an empty list', () => {
    const f = filled(25);
    f.ledger.dispose(); // signs row 25
    rmSync(f.checkpointFile);
    expect(f.open().verify()).toMatchObject({ ok: false, kind: 'checkpoint-invalid' });
    expect(f.open().verify()).toMatchObject({
      message: expect.stringMatching(/missing or shortened.*row 25/),
    });
  });

  it('a shortened checkpoint file at rest, with the tail cut to match, is caught', () => {
    const f = filled(25);
    f.ledger.dispose();
    const lines = readFileSync(f.checkpointFile, 'utf8').trim().split('\n');
    writeFileSync(f.checkpointFile, `${lines.slice(0, 2).join('\n')}\n`); // keeps 10 and 20
    cutTail(f, 20);
    const result = f.open().verify();
    expect(result.ok).toBe(false);
  });

  it('an untouched log still verifies after a restart, with the anchor in place', () => {
    const f = filled(25);
    f.ledger.dispose();
    expect(f.open().verify()).toMatchObject({ ok: true, rows: 25 });
  });
});
