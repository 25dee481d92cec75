// The independent verifier, run as users run it (npm run aether -- audit verify …), against
// real ledgers written by the engine, intact and tampered.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attacker, ledgerFixture, sampleEntry } from '../../engines/policy/audit/ledger.fixture.ts';

const CLI = fileURLToPath(new URL('../aether.ts', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, AETHER_AUDIT_HMAC_KEY_HEX: '' },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

function filled(rows = 30) {
  const f = ledgerFixture();
  for (let i = 1; i <= rows; i++) f.ledger.append(sampleEntry(i));
  f.storage.db.pragma('wal_checkpoint(TRUNCATE)');
  return f;
}

describe('npm run aether -- audit verify', () => {
  it('passes an intact database, checking seals with the key beside it', () => {
    const f = filled();
    const r = cli('audit', 'verify', '--db', f.storage.file);
    expect(r.out).toMatch(/intact: 30 rows, 3 signed checkpoints, seals checked/);
    expect(r.code).toBe(0);
  });

  it('names the first bad row of a tampered database and exits non-zero', () => {
    const f = filled();
    attacker(f.storage.file).prepare("UPDATE audit_log SET decision = 'never' WHERE seq = 7").run();
    const r = cli('audit', 'verify', '--db', f.storage.file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at row 7: row 7 was changed/);
  });

  it('catches a forged seal only with the key, and says when seals were not checked', () => {
    const f = filled();
    attacker(f.storage.file)
      .prepare('UPDATE audit_log SET record_hmac = randomblob(32) WHERE seq = 9')
      .run();
    expect(cli('audit', 'verify', '--db', f.storage.file)).toMatchObject({
      code: 1,
      out: expect.stringMatching(/row 9's seal is wrong/),
    });
    const dir = join(f.dir, 'export');
    f.ledger.exportTo(dir);
    expect(cli('audit', 'verify', '--export', dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/seals NOT checked/),
    });
  });

  it('verifies an export, and catches an edited, a truncated and a re-signed export', () => {
    const f = filled();
    const dir = join(f.dir, 'export');
    expect(f.ledger.exportTo(dir)).toEqual({ rows: 30 });
    expect(
      cli('audit', 'verify', '--export', dir, '--key-file', join(f.dir, 'keys', 'audit-hmac.json')),
    ).toMatchObject({
      code: 0,
      out: expect.stringMatching(/intact: 30 rows, 3 signed checkpoints, seals checked/),
    });

    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    const edited = JSON.parse(lines[11]);
    edited.resource = '/somewhere/else';
    writeFileSync(
      join(dir, 'audit.jsonl'),
      `${[...lines.slice(0, 11), JSON.stringify(edited), ...lines.slice(12)].join('\n')}\n`,
    );
    expect(cli('audit', 'verify', '--export', dir)).toMatchObject({
      code: 1,
      out: expect.stringMatching(/row 12/),
    });

    writeFileSync(join(dir, 'audit.jsonl'), `${lines.slice(0, 25).join('\n')}\n`);
    const last = JSON.parse(lines[24]);
    writeFileSync(join(dir, 'head.json'), JSON.stringify({ seq: 25, hash: last.eventHash }));
    expect(cli('audit', 'verify', '--export', dir)).toMatchObject({
      code: 1,
      out: expect.stringMatching(/checkpoint saw 30 rows; the log has 25/),
    });

    const other = filled(3);
    const otherDir = join(other.dir, 'export');
    other.ledger.exportTo(otherDir);
    writeFileSync(join(dir, 'audit.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'head.json'),
      JSON.stringify({ seq: 30, hash: JSON.parse(lines[29]).eventHash }),
    );
    writeFileSync(join(dir, 'public-key.txt'), readFileSync(join(otherDir, 'public-key.txt')));
    expect(cli('audit', 'verify', '--export', dir)).toMatchObject({
      code: 1,
      out: expect.stringMatching(/not signed by the pinned key/),
    });
  });

  it('answers usage errors with exit code 2', () => {
    expect(cli('audit', 'verify').code).toBe(2);
    expect(cli('audit', 'verify', '--db', '/nonexistent/aether.db').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
  });
});
