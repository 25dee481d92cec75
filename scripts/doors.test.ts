// The door rule of .dependency-cruiser.cjs, checked by writing deep imports and seeing the rule
// fail them: outside an engine folder only its index.ts may be imported (issue 11). The probes are
// real files in the cruised folders, run through the real dependency-cruiser, then removed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function cruise(file: string, source: string): { ok: boolean; out: string } {
  const path = join(root, file);
  writeFileSync(path, source);
  try {
    const r = spawnSync(
      join(root, 'node_modules', '.bin', 'depcruise'),
      ['--config', '.dependency-cruiser.cjs', file],
      { cwd: root, encoding: 'utf8' },
    );
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(path, { force: true });
  }
}

const probe = (folder: string) => `${folder}/door-probe-${randomBytes(4).toString('hex')}.ts`;

describe('engine doors', () => {
  it('fails a deep import from the host into an engine (host → policy/audit/ledger.ts)', () => {
    const r = cruise(
      probe('engines/host'),
      "export { Ledger } from '../policy/audit/ledger.ts';\n",
    );
    expect(r.ok).toBe(false);
    expect(r.out).toContain('doors-only');
  });

  it('fails a deep import from a benchmark (bench → policy/evaluate.ts)', () => {
    const r = cruise(probe('bench'), "export { evaluate } from '../engines/policy/evaluate.ts';\n");
    expect(r.ok).toBe(false);
    expect(r.out).toContain('doors-only-outside-engines');
  });

  it('passes the same names through the doors, and the test helpers from a test', () => {
    expect(
      cruise(probe('bench'), "export { evaluate } from '../engines/policy/index.ts';\n").ok,
    ).toBe(true);
    const test = probe('engines/policy').replace('.ts', '.test.ts');
    expect(cruise(test, "export { hostInTemp } from '../host/testing.ts';\n").ok).toBe(true);
  });

  it('keeps test helpers out of the product', () => {
    const r = cruise(probe('engines/host'), "export { hostInTemp } from './testing.ts';\n");
    expect(r.ok).toBe(false);
    expect(r.out).toContain('test-helpers-only-in-tests');
  });
});
