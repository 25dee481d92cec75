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

export async function execute(
  run: Run,
  canon: CanonicalRequest,
  verdict: Verdict,
  variant?: 'without-private',
): Promise<ActionOutcome> {
  const { ctx, request, audit, meta } = run;
  // The input was parsed by this capability's schema in canonicalize: the executor's type holds.
  const executor = ctx.executors[canon.capability] as ToolExecutor | undefined;
  const abort = new AbortController();
  ctx.inFlight.add(abort);
  const started = ctx.clock.monotonic();
  const base = {
    decision: verdict.decision,
    reason: verdict.reason,
    resource: canon.display,
    explanation: explainDecision(canon.capability, canon.display, 'allow', verdict.reason),
  };
  const row = (decision: string, reason: string, details: Record<string, unknown>) =>
    audit('policy.outcome', {
      capability: canon.capability,
      resource: canon.display,
      decision,
      reason,
      details: { ...details, durationMs: Math.round(ctx.clock.monotonic() - started) },
    });
  try {
    if (!executor)
      throw new AetherError(
        'Unsupported',
        `nothing can ${catalog[canon.capability].label.toLowerCase()} in this host`,
      );
    const result = await executor({
      capability: canon.capability,
      path: canon.path,
      argv: canon.argv,
      url: canon.url,
      input: canon.input as never,
      signal: abort.signal,
      variant,
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
    const seq = row('done', result.summary, {
      resultSha256: createHash('sha256').update(result.output).digest('hex'),
    });
    if (request.turnId && TAINTING.has(canon.capability)) {
      if (ctx.tainted.size >= MAX_TAINTED) ctx.tainted.delete(ctx.tainted.keys().next().value!);
      ctx.tainted.set(
        request.turnId,
        `${catalog[canon.capability].label.toLowerCase()}: ${canon.display}`,
      );
    }
    const read = canon.capability === 'files.read' || canon.capability === 'web.fetch';
    const performed = {
      capability: canon.capability,
      resource: canon.display,
      summary: result.summary,
      excerpt: read ? result.output.slice(0, 2000) : null,
    };
    ctx.bus.emit('policy.performed', performed, meta);
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
