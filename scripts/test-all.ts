// `npm test`: every check and suite, one after another, then one line `N passed, N failed`.
// Typecheck, formatting, import rules, lint and the build count as one test each; Vitest suites count their tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reports = join(root, '.cache', 'reports');
mkdirSync(reports, { recursive: true });

type Tally = { name: string; passed: number; failed: number; skipped: number; seconds: number };
const tallies: Tally[] = [];

function run(command: string, args: string[]): { ok: boolean; seconds: number } {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

function check(name: string, command: string, args: string[]): void {
  console.log(`\n── ${name} ──`);
  const { ok, seconds } = run(command, args);
  tallies.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds });
}

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ status: string; assertionResults: unknown[] }>;
};

function vitest(name: string, args: string[]): void {
  console.log(`\n── ${name} ──`);
  const out = join(reports, `${name}.json`);
  rmSync(out, { force: true });
  const { ok, seconds } = run('vitest', [
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  if (!existsSync(out)) {
    tallies.push({ name, passed: 0, failed: 1, skipped: 0, seconds });
    return;
  }
  const r = JSON.parse(readFileSync(out, 'utf8')) as VitestReport;
  // A file that failed to load has no test results of its own; count it, so it cannot hide.
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  let failed = r.numFailedTests + brokenFiles;
  if (!ok && failed === 0) failed = 1;
  tallies.push({
    name,
    passed: r.numPassedTests,
    failed,
    skipped: r.numPendingTests + r.numTodoTests,
    seconds,
  });
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('format', 'npm', ['run', '--silent', 'format:check']);
check('import rules', 'npm', ['run', '--silent', 'lint:imports']);
check('lint', 'npm', ['run', '--silent', 'lint']);
vitest('unit', []);
check('build', 'npx', ['electron-vite', 'build']);
vitest('e2e', ['--config', 'vitest.e2e.config.ts']);

console.log('\n── summary ──');
for (const t of tallies) {
  console.log(
    `${t.name.padEnd(14)} ${String(t.passed).padStart(4)} passed ${String(t.failed).padStart(3)} failed ${String(t.skipped).padStart(3)} skipped  (${t.seconds.toFixed(1)} s)`,
  );
}
const sum = (k: 'passed' | 'failed' | 'skipped') => tallies.reduce((n, t) => n + t[k], 0);
const skipped = sum('skipped');
console.log(
  `${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(sum('failed') === 0 ? 0 : 1);
