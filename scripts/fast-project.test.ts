// The fast project leaves out exactly the tests that start a model process (or the crash loop):
// a new test that starts one must be listed, or the edit loop would slow down unnoticed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SLOW } from '../vitest.fast.config.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function tests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tests(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

describe('the fast test project', () => {
  it('lists every test that starts a model process, and only existing files', () => {
    const all = [
      ...tests(join(root, 'engines')),
      ...tests(join(root, 'scripts')),
      ...tests(join(root, 'src-main')),
    ];
    const self = 'scripts/fast-project.test.ts'; // names the markers without starting anything
    const markers = /cachedModel\(|forkWorker|spawnWorker/;
    const startsModel = all.filter(
      (f) => f !== self && markers.test(readFileSync(join(root, f), 'utf8')),
    );
    for (const f of startsModel) expect(SLOW, `${f} starts a model process`).toContain(f);
    for (const f of SLOW) expect(all, `${f} is listed but does not exist`).toContain(f);
  });
});
