// npm run bench:startup -- [--runs N]
// Headless cold start: process spawn → /health answering, and → the workspace interactive in
// Chromium (the browser is already open, as a user's would be); a first launch on a fresh data
// folder → the first run's wizard interactive. Idle RSS of the host without a model. The bare
// baseline is a plain Node HTTP server started the same way. Then the trust center's views with
// 10,000 audit rows and 1,000 grants against plain SQL (bench/startup-trust.ts). Prints JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launch } from '../e2e/support/browser.ts';
import { ensureBuild } from '../scripts/ensure-build.ts';
import { round, summary } from './stats.ts';
import { trustViews } from './startup-trust.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const cli = fileURLToPath(new URL('../engines/host/cli.ts', import.meta.url));
const BASELINE = `require('node:http').createServer((q, s) => s.end('{}')).listen(0, '127.0.0.1', function () {
  console.log('Aether is running at http://127.0.0.1:' + this.address().port + '/?token=x'); });`;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function startProcess(
  args: string[],
): Promise<{ child: ChildProcess; url: string; spawnedAt: number; printedAt: number }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AETHER_THREADS: '1' },
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return { child, url, spawnedAt, printedAt: performance.now() };
}

async function untilHealthy(origin: string): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(`${origin}/health`);
      if (res.ok) return performance.now();
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The page's document, typed for the little the predicates read (bench/ has no DOM types). */
type PageNode = { textContent: string | null; disabled?: boolean };
type PageDocument = { querySelector(s: string): PageNode | null };

const stop = (child: ChildProcess) =>
  new Promise<void>((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });

ensureBuild();
const browser = await launch();
const aether = {
  health: [] as number[],
  interactive: [] as number[],
  idleRssMb: [] as number[],
  firstLaunchToWizard: [] as number[],
};
const bare = { health: [] as number[], rssMb: [] as number[] };

for (let run = 0; run <= runs; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-bench-startup-'));
  const page = await browser.newPage();
  const host = await startProcess([cli, '--port', '0', '--data-dir', dataDir, '--skip-first-run']);
  const origin = new URL(host.url).origin;
  const healthy = await untilHealthy(origin);
  await page.goto(host.url);
  // Interactive: the page has loaded its state from the host and the input accepts typing.
  // (A function, not a string: the page's CSP forbids eval, which a string predicate needs.)
  // (Each predicate runs in the page: nothing outside it can be named there.)
  await page.waitForFunction(() => {
    const d = (globalThis as unknown as { document: PageDocument }).document;
    const state = d.querySelector('[data-testid=router-state]')?.textContent ?? '';
    return state !== '' && state !== 'connecting' && !d.querySelector('.banner');
  });
  await page.getByTestId('chat-input').fill('ready');
  const interactive = performance.now();
  await new Promise((r) => setTimeout(r, 1500));
  const rss = rssMb(host.child.pid!);
  await page.close();
  await stop(host.child);

  // A first launch: a fresh data folder shows the first run; interactive once its button can be pressed.
  const first = await startProcess([cli, '--port', '0', '--data-dir', `${dataDir}-first`]);
  const firstPage = await browser.newPage();
  await firstPage.goto(first.url);
  await firstPage.waitForFunction(() => {
    const d = (globalThis as unknown as { document: PageDocument }).document;
    const next = d.querySelector('[data-testid=onboarding-next]');
    return next !== null && !next.disabled;
  });
  const wizard = performance.now();
  await firstPage.close();
  await stop(first.child);

  const baseline = await startProcess(['-e', BASELINE]);
  const baseHealthy = await untilHealthy(new URL(baseline.url).origin);
  const baseRss = rssMb(baseline.child.pid!);
  await stop(baseline.child);

  if (run === 0) continue; // warm-up: the OS file cache, not Aether, dominates a first start
  aether.health.push(healthy - host.spawnedAt);
  aether.interactive.push(interactive - host.spawnedAt);
  aether.idleRssMb.push(rss);
  aether.firstLaunchToWizard.push(wizard - first.spawnedAt);
  bare.health.push(baseHealthy - baseline.spawnedAt);
  bare.rssMb.push(baseRss);
}
await browser.close();
const trust = await trustViews();

const result = {
  bench: 'startup',
  runs,
  aether: {
    toHealthMs: summary(aether.health),
    toInteractiveMs: summary(aether.interactive),
    idleRssMb: summary(aether.idleRssMb),
    firstLaunchToWizardMs: summary(aether.firstLaunchToWizard),
  },
  trustViews: trust,
  bareNodeHttpServer: { toHealthMs: summary(bare.health), rssMb: summary(bare.rssMb) },
  targets: {
    toInteractiveMs: '<= 1500',
    idleRssMb: '<= 250',
    firstLaunchToWizardMs: '<= 1500',
    trustViewsP95Ms: '<= 50',
  },
};
console.log(
  JSON.stringify(
    {
      ...result,
      met: {
        toInteractiveMs: result.aether.toInteractiveMs.p95 <= 1500,
        idleRssMb: result.aether.idleRssMb.p95 <= 250,
        firstLaunchToWizardMs: result.aether.firstLaunchToWizardMs.p95 <= 1500,
        trustViewsP95Ms: trust.getViewMs.p95 <= 50 && trust.listActivityMs.p95 <= 50,
      },
      overheadVsBare: {
        toHealthMs: round(result.aether.toHealthMs.p50 - result.bareNodeHttpServer.toHealthMs.p50),
      },
    },
    null,
    2,
  ),
);
