// Breach 9 of issue 10 (and the alias bomb of breach 10): one request must not freeze the host.
// Duplicate keys were checked pairwise (25k keys ≈ 7 s with /health waiting); a YAML alias bomb came
// back as Internal. Both now give a persona error at a line and column, in bounded time.
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';

const head = 'schema_version: 2\nid: p\ndisplay_name: P\n';

describe('persona compile limits', () => {
  it('a pack with 25,000 keys is refused as too large, with a position', () => {
    const text = head + Array.from({ length: 25_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const r = compile({ file: 'p.yaml', text, folderId: 'p' });
    expect(r).toMatchObject({
      ok: false,
      error: { file: 'p.yaml', message: expect.stringMatching(/too large/) },
    });
  });

  it('the same keys in one flow mapping on one line are refused too', () => {
    const text = `${head}extra: {${Array.from({ length: 25_000 }, (_, i) => `k${i}: ${i}`).join(', ')}}\n`;
    expect(compile({ file: 'p.yaml', text, folderId: 'p' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/too large/) },
    });
  });

  it('finds a duplicate key among many, at its line (the check is linear now)', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k17: again');
    const text = `${head}extra:\n${keys.join('\n')}\n`;
    expect(compile({ file: 'p.yaml', text, folderId: 'p' })).toMatchObject({
      ok: false,
      error: { line: 3000 + 5, column: 3, message: 'Map keys must be unique' },
    });
  });

  it('a YAML alias bomb is a persona error, not an internal one', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'
        .split('')
        .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
    ];
    const r = compile({ file: 'p.yaml', text: `${head}${bomb.join('\n')}\n`, folderId: 'p' });
    expect(r).toMatchObject({
      ok: false,
      error: { file: 'p.yaml', message: expect.stringMatching(/alias/i) },
    });
  });
});
