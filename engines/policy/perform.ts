// policy.perform: the only way an executor runs. Canonicalize → evaluate → (ask) → run → audit
// the outcome. Every step leaves an audit row; a refusal is a row too.
import { toErrorInfo, type ActionOutcome, type ActionRequest } from '../bus/index.ts';
import { askUser, settleAsk } from './ask.ts';
import { catalog } from './catalog.ts';
import { evaluate, type PolicyState, type Verdict } from './evaluate.ts';
import { execute } from './execute.ts';
import { shown, startRun, type PerformContext, type Run } from './perform-run.ts';
import { canonicalize, type CanonicalRequest } from './request.ts';

export type { PerformContext } from './perform-run.ts';

export async function perform(
  ctx: PerformContext,
  request: ActionRequest,
  changeId: string,
): Promise<ActionOutcome> {
  const run = startRun(ctx, request, changeId);
  let canon: CanonicalRequest;
  try {
    canon = canonicalize(request, ctx.workspace());
  } catch (error) {
    return rejected(run, error);
  }
  const untrusted = request.turnId ? (ctx.tainted.get(request.turnId) ?? null) : null;
  let verdict = settleAsk(request, firstVerdict(ctx, request, canon, untrusted));
  let seq = run.decide(canon, verdict);
  if (verdict.decision === 'allow' && verdict.grantId && !ctx.grants.consume(verdict.grantId)) {
    // Another request used the last use of this grant first.
    verdict = settleAsk(request, {
      ...verdict,
      decision: 'ask',
      reason: 'no-grant',
      grantId: null,
    });
    seq = run.decide(canon, verdict, { note: 'grant used up' });
  }
  let variant: 'without-private' | undefined;
  if (verdict.decision === 'ask') {
    const asked = await askUser(run, canon, verdict, untrusted);
    ({ verdict, variant } = asked);
    const { settled } = asked;
    seq = run.decide(canon, verdict, {
      answeredWith: settled.answer,
      duration: 'duration' in settled ? settled.duration : null,
      variant: variant ?? null,
    });
  }
  if (verdict.decision === 'draft-only') {
    const result = {
      summary: `draft: ${catalog[canon.capability].label.toLowerCase()} ${canon.display}`,
      output: shown(canon.input) ?? '',
    };
    return run.outcome('draft', verdict.decision, verdict.reason, canon.display, seq, { result });
  }
  if (verdict.decision !== 'allow')
    return run.outcome('denied', verdict.decision, verdict.reason, canon.display, seq);
  return execute(run, canon, verdict, variant);
}

/** The evaluator's verdict, with the request's actor and task in the grant context. */
function firstVerdict(
  ctx: PerformContext,
  request: ActionRequest,
  canon: CanonicalRequest,
  untrusted: string | null,
): Verdict {
  const base = ctx.state();
  const context = {
    ...base.context,
    actor: request.actor,
    taskId: request.taskId ?? request.turnId ?? null,
  };
  const state: PolicyState = { ...base, context };
  const { capability, resource, escalate, escalateReason } = canon;
  return evaluate({ capability, resource, escalate, escalateReason, untrusted }, state);
}

/** A request that cannot be made canonical (a bad path, an unclosed quote, a bad input). */
function rejected(run: Run, error: unknown): ActionOutcome {
  const info = toErrorInfo(error);
  const { request } = run;
  const resource = request.target.slice(0, 500);
  const fields = {
    capability: request.capability.slice(0, 64),
    resource,
    decision: 'deny',
    reason: 'bad-request',
    details: { error: info.message },
  };
  const seq = run.audit('policy.rejected', fields);
  return run.outcome('failed', 'deny', 'bad-request', resource, seq, { error: info });
}
