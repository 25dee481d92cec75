// npm run bench:policy -- [--out DIR]
// The policy gate's hot paths against the bare dependency in the same run: evaluation with
// 10,000 grants, sealed durable appends vs plain durable INSERTs, group commit, verifyChain and
// emergency revoke. With --out the ledger's database (audit.db) and checkpoints are left in DIR.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ledgerFixture, sampleEntry } from '../engines/policy/audit/ledger.fixture.ts';
import {
  evaluate,
  type PolicyState,
  commandFacts,
  GrantStore,
  hardBlocks,
} from '../engines/policy/index.ts';
import { atUseRecheck, auditedChange } from './policy-checks.ts';
import { round, summary } from './stats.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const dir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'aether-bench-policy-'));
mkdirSync(dir, { recursive: true });

const timed = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

// ── evaluate with 10,000 grants ──
const f = ledgerFixture({ dir: join(dir, 'work'), checkpointEveryRows: 1000 });
const store = new GrantStore(f.storage.db, 'bench');
f.storage.db.transaction(() => {
  for (let i = 0; i < 10_000; i++) {
    const kind = i % 3;
    store.add({
      id: `g${i}`,
      createdAt: i,
      capability: kind === 0 ? 'files.read' : kind === 1 ? 'process.exec' : 'web.fetch',
      scope:
        kind === 0
          ? { kind: 'path', root: `/home/u/projects/p${i}` }
          : kind === 1
            ? { kind: 'command', prefix: ['tool', `sub${i}`] }
            : { kind: 'host', host: `h${i}.example`, port: null },
      effect: i % 50 === 0 ? 'deny' : 'allow',
      duration: 'persistent',
      expiresAt: null,
      usesLeft: null,
      taskId: null,
      personaId: null,
    });
  }
})();
const state: PolicyState = {
  // The real hard blocks (paths, persona trust files, programs), so their checks are in the path.
  preset: { name: 'assistant' },
  auditProblem: null,
  posture: 'balanced',
  hardBlocks: hardBlocks('/home/u/.local/share/aether', '/opt/aether/personas', '/home/u'),
  workspaceRoots: ['/home/u/projects'],
  costCapHit: () => false,
  grants: store.index,
  context: { now: Date.now(), sessionId: 'bench', taskId: null, personaId: null },
};
// Arguments are made canonical against a real folder (canonicalPath resolves symlinks on disk).
const factsBase = join(dir, 'projects');
mkdirSync(factsBase, { recursive: true });
// A command as canonicalize makes it: the programs that may run and every argument as a path.
function commandResource(argv: string[]) {
  const facts = commandFacts(argv, factsBase);
  return {
    kind: 'command' as const,
    argv,
    programs: facts.programs,
    argPaths: facts.argPaths,
    lastUnsafeArg: facts.lastUnsafeArg,
    linked: [],
  };
}
const requests = Array.from({ length: 2000 }, (_, i) =>
  i % 3 === 0
    ? {
        capability: 'files.read' as const,
        resource: {
          kind: 'path' as const,
          path: `/home/u/projects/p${(i * 7) % 10_000}/src/deep/file${i}.ts`,
        },
      }
    : i % 3 === 1
      ? {
          capability: 'process.exec' as const,
          resource: commandResource([
            'tool',
            `sub${(i * 13) % 10_000}`,
            '--flag',
            `./src/file${i}.ts`,
          ]),
        }
      : {
          capability: 'web.fetch' as const,
          resource: {
            kind: 'host' as const,
            host: `h${i}.example`,
            port: 443,
            privateAddress: false,
          },
        },
);
for (const r of requests) evaluate(r, state); // warm-up
const evalTimes: number[] = [];
let allowed = 0;
for (let round = 0; round < 5; round++) {
  for (const r of requests) {
    const t = performance.now();
    if (evaluate(r, state).decision === 'allow') allowed++;
    evalTimes.push((performance.now() - t) * 1000);
  }
}

// ── durable appends: sealed ledger vs a plain INSERT with the same pragmas ──
const durable: number[] = [];
for (let i = 0; i < 1000; i++)
  durable.push(timed(() => f.ledger.append(sampleEntry(i), { durable: true })));
const bare = new Database(join(dir, 'work', 'bare.db'));
bare.pragma('journal_mode = WAL');
bare.pragma('synchronous = FULL');
bare.exec(
  'CREATE TABLE t (seq INTEGER PRIMARY KEY, change_id TEXT, kind TEXT, details TEXT, h BLOB)',
);
const bareInsert = bare.prepare(
  'INSERT INTO t (change_id, kind, details, h) VALUES (?, ?, ?, randomblob(32))',
);
const bareDurable: number[] = [];
for (let i = 0; i < 1000; i++)
  bareDurable.push(timed(() => bareInsert.run(`c${i}`, 'policy.decision', '{"i":1}')));

// ── group commit: 100-row transactions ──
const groupRows = 50_000;
const groupMs = timed(() => {
  for (let i = 0; i < groupRows; i += 100)
    f.ledger.appendMany(Array.from({ length: 100 }, (_, k) => sampleEntry(i + k)));
});
bare.pragma('synchronous = NORMAL');
const bareGroupMs = timed(() => {
  for (let i = 0; i < groupRows; i += 100)
    bare.transaction(() => {
      for (let k = 0; k < 100; k++) bareInsert.run('c', 'k', '{}');
    })();
});

// ── verifyChain ──
f.storage.db.pragma('wal_checkpoint(TRUNCATE)');
const verifyStarted = performance.now();
const verdict = await f.ledger.verifyAsync();
const verifyMs = performance.now() - verifyStarted;
if (!verdict.ok) throw new Error(verdict.message);
const verified = verdict.rows;

// ── emergency revoke with 10,000 grants ──
const revokeMs = timed(() => store.revokeAll(Date.now(), 'emergency'));

f.ledger.dispose();
f.storage.db.pragma('wal_checkpoint(TRUNCATE)');
f.storage.close();
bare.close();
if (values.out) {
  renameSync(f.storage.file, join(dir, 'audit.db'));
  renameSync(f.checkpointFile, join(dir, 'checkpoints.log'));
}

const recheck = await atUseRecheck();
const atomic = await auditedChange();

const durableSummary = summary(durable);
const result = {
  bench: 'policy',
  evaluate: {
    grants: 10_000,
    decisions: evalTimes.length,
    allowed,
    microseconds: {
      ...summary(evalTimes),
      p99: round([...evalTimes].sort((a, b) => a - b)[Math.floor(evalTimes.length * 0.99)], 2),
    },
  },
  durableAppend: {
    aetherMs: { ...durableSummary, p99: round([...durable].sort((a, b) => a - b)[989], 2) },
    bareInsertMs: {
      ...summary(bareDurable),
      p99: round([...bareDurable].sort((a, b) => a - b)[989], 2),
    },
    aetherDecisionsPerSecond: round(1000 / (durable.reduce((a, b) => a + b, 0) / durable.length)),
  },
  groupCommit: {
    rows: groupRows,
    aetherRowsPerSecond: round(groupRows / (groupMs / 1000)),
    bareRowsPerSecond: round(groupRows / (bareGroupMs / 1000)),
  },
  verifyChain: {
    rows: verified,
    ms: round(verifyMs),
    rowsPerSecond: round(verified / (verifyMs / 1000)),
  },
  emergencyRevoke: { grants: 10_000, ms: round(revokeMs, 2) },
  atUseRecheck: recheck,
  atomicChangeAndAudit: atomic,
  out: values.out
    ? {
        db: join(dir, 'audit.db'),
        checkpoints: join(dir, 'checkpoints.log'),
        verify: `npm run aether -- audit verify --db ${join(dir, 'audit.db')} --checkpoints ${join(dir, 'checkpoints.log')} --key-file ${join(dir, 'work', 'keys', 'audit-hmac.json')}`,
      }
    : null,
  targets: {
    evaluateP99Us: '<= 1000',
    durableAppendP99Ms: '<= 5',
    decisionsPerSecond: '>= 1000',
    groupCommitRowsPerSecond: '>= 20000',
    verifyRowsPerSecond: '>= 100000',
    emergencyRevokeMs: '<= 500',
    atUseRecheckP99Ms: '<= 0.2',
    atomicChangeAndAuditP99Ms: '<= 1',
  },
};
console.log(
  JSON.stringify(
    {
      ...result,
      met: {
        evaluateP99Us: result.evaluate.microseconds.p99 <= 1000,
        durableAppendP99Ms: result.durableAppend.aetherMs.p99 <= 5,
        decisionsPerSecond: result.durableAppend.aetherDecisionsPerSecond >= 1000,
        groupCommitRowsPerSecond: result.groupCommit.aetherRowsPerSecond >= 20_000,
        verifyRowsPerSecond: result.verifyChain.rowsPerSecond >= 100_000,
        emergencyRevokeMs: result.emergencyRevoke.ms <= 500,
        atUseRecheckP99Ms: recheck.recheckMs.p99 <= 0.2,
        atomicChangeAndAuditP99Ms: atomic.changePlusAuditOverheadMs.p99 <= 1,
      },
    },
    null,
    2,
  ),
);
