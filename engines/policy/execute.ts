// An allowed action runs: the executor acts on the canonical request, with L5's guard to re-apply
// the hard blocks at the moment of use; the outcome is a row; what it read taints the turn.
import { createHash } from 'node:crypto';
import { AetherError, toErrorInfo, type ActionOutcome, type ToolExecutor } from '../bus/index.ts';
import { catalog } from './catalog.ts';
import { isProtected, type Verdict } from './evaluate.ts';
import { explainDecision } from './explain.ts';
import type { Run } from './perform-run.ts';
import type { CanonicalRequest } from './request.ts';

// What these return goes into the turn's context and may carry instructions from someone else.
const TAINTING = new Set([
  'files.read',
  'files.list',
  'web.fetch',
  'process.exec',
  'clipboard.read',
]);
const MAX_TAINTED = 1000;

/** The executor's call: the canonical request, and the guard that re-checks at the moment of use. */
function call(
  run: Run,
  executor: ToolExecutor,
  canon: CanonicalRequest,
  verdict: Verdict,
  o: { signal: AbortSignal; variant?: 'without-private' },
) {
  const { ctx } = run;
  return executor({
    capability: canon.capability,
    path: canon.path,
    argv: canon.argv,
    url: canon.url,
    input: canon.input as never,
    signal: o.signal,
    variant: o.variant,
    allowPrivateNetwork:
      canon.resource.kind === 'host' &&
      canon.resource.privateAddress &&
      verdict.reason !== 'preset-auto',
    guard: (path, info) => {
      const linked = info.isFile() && info.nlink > 1 ? [`${info.dev}:${info.ino}`] : undefined;
      if (isProtected(path, linked, ctx))
        throw new AetherError('PolicyDenied', `${path} is protected; nothing was done`);
    },
  });
}

/** What the action read enters the turn's context: the turn asks again before any further effect. */
function taint(run: Run, canon: CanonicalRequest): void {
  const { ctx, request } = run;
  if (!request.turnId || !TAINTING.has(canon.capability)) return;
  if (ctx.tainted.size >= MAX_TAINTED) ctx.tainted.delete(ctx.tainted.keys().next().value!);
  const what = `${catalog[canon.capability].label.toLowerCase()}: ${canon.display}`;
  ctx.tainted.set(request.turnId, what);
}

export async function execute(
  run: Run,
  canon: CanonicalRequest,
  verdict: Verdict,
  variant?: 'without-private',
): Promise<ActionOutcome> {
  const { ctx, audit, meta } = run;
  // The input was parsed by this capability's schema in canonicalize: the executor's type holds.
  const executor = ctx.executors[canon.capability] as ToolExecutor | undefined;
  const abort = new AbortController();
  ctx.inFlight.add(abort);
  const started = ctx.clock.monotonic();
  const { capability, display: resource } = canon;
  const base = {
    decision: verdict.decision,
    reason: verdict.reason,
    resource,
    explanation: explainDecision(capability, resource, 'allow', verdict.reason),
  };
  const row = (decision: string, reason: string, details: Record<string, unknown>) => {
    const durationMs = Math.round(ctx.clock.monotonic() - started);
    return audit('policy.outcome', {
      capability,
      resource,
      decision,
      reason,
      details: { ...details, durationMs },
    });
  };
  try {
    if (!executor)
      throw new AetherError(
        'Unsupported',
        `nothing can ${catalog[capability].label.toLowerCase()} in this host`,
      );
    const result = await call(run, executor, canon, verdict, { signal: abort.signal, variant });
    const resultSha256 = createHash('sha256').update(result.output).digest('hex');
    const seq = row('done', result.summary, {
      resultSha256,
      ...(result.undo ? { undo: result.undo } : {}),
    });
    taint(run, canon);
    const read = capability === 'files.read' || capability === 'web.fetch';
    const excerpt = read ? result.output.slice(0, 2000) : null;
    ctx.bus.emit(
      'policy.performed',
      { capability, resource, summary: result.summary, excerpt },
      meta,
    );
    return { ...base, status: 'done', auditSeq: seq, result, error: null };
  } catch (error) {
    const info = abort.signal.aborted
      ? { code: 'PolicyDenied' as const, message: 'stopped: permissions were revoked' }
      : toErrorInfo(error);
    const seq = row('failed', info.code, { error: info.message });
    return { ...base, status: 'failed', auditSeq: seq, error: info };
  } finally {
    ctx.inFlight.delete(abort);
  }
}
