// When a verdict is "ask": settle it without a card where the request says so, or show the card,
// wait for the answer and turn it into a verdict — and, only for an allow that may be remembered,
// a grant.
import type { ActionRequest } from '../bus/index.ts';
import { catalog } from './catalog.ts';
import type { Verdict } from './evaluate.ts';
import type { Scope } from './grants.ts';
import { shown, type PerformContext, type Run } from './perform-run.ts';
import { customScope, describeScope, type CanonicalRequest } from './request.ts';
import type { Answer, Settled } from './tickets.ts';

/**
 * The user's own words were the approval; the pre-gates and denies before still applied.
 * Background work never raises a prompt: what would need one is kept as a draft for later. An API
 * client cannot answer a card, and must not leave one waiting in the workspace.
 */
export function settleAsk(request: ActionRequest, v: Verdict): Verdict {
  if (v.decision !== 'ask') return v;
  if (request.viaApi) return { ...v, decision: 'deny', reason: 'api-cannot-ask' };
  if (request.confirmedByUser && v.risk !== 'critical')
    return { ...v, decision: 'allow', reason: 'user-confirmed' };
  if (request.unattended) return { ...v, decision: 'draft-only', reason: 'unattended' };
  return v;
}

export type Asked = { verdict: Verdict; variant?: 'without-private'; settled: Settled };

export async function askUser(
  run: Run,
  canon: CanonicalRequest,
  verdict: Verdict,
  untrusted: string | null,
): Promise<Asked> {
  const { ctx, request, meta } = run;
  const { approval, answer } = ctx.tickets.issue(
    (ticketId, expiresAt) => ({
      ticketId,
      requestHash: canon.hash,
      capability: canon.capability,
      label: catalog[canon.capability].label,
      resource: canon.display,
      risk: verdict.risk,
      actor: request.actor,
      why: request.why,
      preview: shown(canon.input)?.slice(0, 2000) ?? null,
      untrusted,
      scopeOptions: canon.scopeOptions.map((o) => ({
        id: o.id,
        label: o.label,
        scope: describeScope(o.scope),
      })),
      createdAt: ctx.clock.now(),
      expiresAt,
      variants:
        canon.capability === 'router.remote_with_private'
          ? [{ id: 'without-private' as const, label: 'Send without the private parts' }]
          : [],
    }),
    ctx.clock.now(),
    request.turnId ?? null,
  );
  ctx.bus.emit('policy.approval_pending', { approval }, meta);
  const settled = await answer;
  ctx.bus.emit(
    'policy.approval_resolved',
    { ticketId: approval.ticketId, answer: settled.answer },
    meta,
  );
  if (!('duration' in settled))
    return {
      verdict: { ...verdict, decision: 'deny', reason: `approval-${settled.answer}` },
      settled,
    };
  const variant = settled.answer === 'allow' ? settled.variant : undefined;
  // Only an allow answer leaves an allow grant, and a critical action none at all: what the client
  // sent with a draft or for a critical request is not a grant to keep. After untrusted content the
  // yes is for this one request.
  const allowKept = settled.answer === 'allow' && verdict.risk !== 'critical' && !untrusted;
  const keep = settled.duration !== 'once' && !variant && (settled.answer === 'deny' || allowKept);
  const grantId = keep ? recordGrant(ctx, canon, settled, request) : null;
  const decision =
    settled.answer === 'allow' ? 'allow' : settled.answer === 'draft' ? 'draft-only' : 'deny';
  const reason =
    settled.answer === 'allow'
      ? 'user-allowed'
      : settled.answer === 'draft'
        ? 'user-draft'
        : 'user-denied';
  return { verdict: { ...verdict, grantId, decision, reason }, variant, settled };
}

const HOURS = { hour: 1, day: 24 } as const;

function recordGrant(
  ctx: PerformContext,
  canon: CanonicalRequest,
  answer: Answer,
  request: ActionRequest,
): string {
  const option =
    canon.scopeOptions.find((o) => o.id === answer.scopeOption) ?? canon.scopeOptions[0];
  const scope: Scope = answer.customScope
    ? customScope(canon, answer.customScope, ctx.workspace())
    : option.scope;
  const timed = answer.duration === 'hour' || answer.duration === 'day';
  const duration =
    answer.duration === 'always'
      ? 'persistent'
      : timed
        ? 'until'
        : answer.duration === 'task'
          ? 'task'
          : 'session';
  const grant = ctx.grants.add({
    id: ctx.newId(),
    createdAt: ctx.clock.now(),
    capability: canon.capability,
    scope,
    effect: answer.answer === 'deny' ? 'deny' : 'allow',
    duration,
    expiresAt: timed
      ? ctx.clock.now() + HOURS[answer.duration as 'hour' | 'day'] * 3_600_000
      : null,
    usesLeft: answer.answer === 'allow' && answer.uses ? answer.uses - 1 : null, // this request is the first use
    taskId: request.taskId ?? request.turnId ?? null,
    personaId: ctx.personaId(),
    actor: request.actor,
  });
  ctx.bus.emit('policy.grants_changed', { reason: 'created' }, { source: 'policy' });
  return grant.id;
}
