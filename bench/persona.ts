// npm run bench:persona -- [--runs N]
// Compile time of the bundled packs and of a large one (every pool full), against the bare
// dependencies doing only their part (yaml parse + zod check of the same text), and save-to-active
// latency at an idle boundary in a real host: persona.save (through L5) → persona.activated, and a
// file written outside the app → the watcher → persona.activated; and a save made mid-reply,
// live once the turn is at rest (persona-midreply.ts). Prints JSON.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { createHost, sourceResources } from '../engines/host/index.ts';
import { compile, COMPILE_LIMITS as LIMITS, packSchema } from '../engines/persona/index.ts';
import { midReplySwaps } from './persona-midreply.ts';
import { round, summary } from './stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const runs = Number(values.runs);

function large(): string {
  const pool = (what: string) =>
    Array.from(
      { length: 200 },
      (_, i) => `  - ${what} number ${i}, phrased a little differently each time.`,
    ).join('\n');
  const base = readFileSync(
    join(sourceResources.personasDir, 'default', 'persona.yaml'),
    'utf8',
  ).replace(/^id: default$/m, 'id: large');
  const prompt = Array.from(
    { length: 200 },
    (_, i) => `  Rule ${i}: stay kind, stay honest, and keep answers short unless asked.`,
  ).join('\n');
  return base
    .replace(
      /^phrases:[\s\S]*?^voice:/m,
      `phrases:\n  greetings:\n${pool('greeting').replaceAll('  -', '    -')}\n  acknowledgements:\n${pool('thanks').replaceAll('  -', '    -')}\nvoice:`,
    )
    .replace(/^system_prompt: \|[\s\S]*?^style:/m, `system_prompt: |\n${prompt}\nstyle:`);
}

const packs: Record<string, string> = Object.fromEntries(
  ['default', 'atlas', 'pip'].map((id) => [
    id,
    readFileSync(join(sourceResources.personasDir, id, 'persona.yaml'), 'utf8'),
  ]),
);
packs.large = large();

const compileMs: Record<string, unknown> = {};
let worstP95 = 0;
for (const [id, text] of Object.entries(packs)) {
  const aether: number[] = [],
    bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const r = compile({ file: id, text, folderId: id });
    aether.push(performance.now() - t);
    if (!r.ok) throw new Error(`${id}: ${r.error.message}`);
    t = performance.now();
    packSchema.parse(parse(text));
    bare.push(performance.now() - t);
  }
  const a = summary(aether);
  worstP95 = Math.max(worstP95, a.p95);
  compileMs[id] = { bytes: text.length, aether: a, bareYamlPlusZod: summary(bare) };
}

// The worst a single request can ask for: text at the field limit (refused or compiled, it must not
// hold the event loop for more than ~100 ms), and far past it (refused before parsing).
function worstCase(): Record<string, unknown> {
  const atLimit = `schema_version: 2\nid: w\nextra:\n${Array.from({ length: LIMITS.fields - 10 }, (_, i) => `  k${i}: ${i}`).join('\n')}\n`;
  const past =
    `schema_version: 2\nid: w\n${Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n')}`.slice(
      0,
      LIMITS.bytes,
    );
  const time = (text: string) =>
    summary(
      Array.from({ length: 20 }, () => {
        const t = performance.now();
        compile({ file: 'w', text, folderId: 'w' });
        return performance.now() - t;
      }),
    );
  return {
    atFieldLimit: { bytes: atLimit.length, ms: time(atLimit) },
    pastFieldLimit: { bytes: past.length, ms: time(past) },
  };
}
const worst = worstCase();

async function swaps(): Promise<{
  save: ReturnType<typeof summary>;
  watcher: ReturnType<typeof summary>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-bench-persona-'));
  const host = createHost({ mode: 'headless', dataDir, threads: 1 });
  const text = readFileSync(join(sourceResources.personasDir, 'default', 'persona.yaml'), 'utf8');
  const activated = (name: string) =>
    new Promise<void>((resolve) => {
      const s = host.bus.on('persona.activated', (e) => {
        if (e.payload.displayName === name) {
          s.dispose();
          resolve();
        }
      });
    });
  const save: number[] = [],
    watcher: number[] = [];
  for (let i = 0; i < 20; i++) {
    const name = `Saved ${i}`;
    const t = performance.now();
    const done = activated(name);
    await host.bus.invoke('persona.save', {
      id: 'default',
      text: text.replace('display_name: Aether', `display_name: ${name}`),
    });
    await done;
    save.push(performance.now() - t);
  }
  mkdirSync(join(dataDir, 'personas', 'default'), { recursive: true });
  for (let i = 0; i < 20; i++) {
    const name = `Written ${i}`;
    const done = activated(name);
    const t = performance.now();
    writeFileSync(
      join(dataDir, 'personas', 'default', 'persona.yaml'),
      text.replace('display_name: Aether', `display_name: ${name}`),
    );
    await done;
    watcher.push(performance.now() - t);
  }
  await host.dispose();
  return { save: summary(save), watcher: summary(watcher) };
}

const swap = await swaps();
const midReply = await midReplySwaps(10);
console.log(
  JSON.stringify(
    {
      bench: 'persona',
      runs,
      compileMs,
      worstRequest: worst,
      saveToActiveMs: swap.save,
      fileWriteToActiveMs: swap.watcher,
      midReply,
      targets: {
        compileP95Ms: '<= 50',
        saveToActiveMs: '<= 500',
        midReplyRestToActiveMs: '<= 500',
        worstRequestP95Ms: '<= 100',
      },
      met: {
        compileP95Ms: worstP95 <= 50,
        saveToActiveMs: swap.save.p95 <= 500 && swap.watcher.p95 <= 500,
        midReplyRestToActiveMs: midReply.restToActiveMs.p95 <= 500,
        worstRequestP95Ms: Object.values(worst).every(
          (w) => (w as { ms: { p95: number } }).ms.p95 <= 100,
        ),
      },
      note: round(worstP95) + ' ms is the worst compile p95 (the large pack)',
    },
    null,
    2,
  ),
);
