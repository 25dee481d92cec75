// policy.perform: the only way an executor runs. Canonicalize → evaluate → (ask) → run → audit
// the outcome. Every step leaves an audit row; a refusal is a row too.
import { createHash } from 'node:crypto';
import {
  AetherError,
  toErrorInfo,
  type ActionOutcome,
  type ActionRequest,
  type Bus,
  type Executors,
  type ToolExecutor,
} from '../bus/index.ts';
import type { Ledger } from './audit/ledger.ts';
import { catalog } from './catalog.ts';
import { evaluate, isProtected, type PolicyState, type Verdict } from './evaluate.ts';
import { explainDecision } from './explain.ts';
import type { GrantStore } from './grant-store.ts';
import type { Scope } from './grants.ts';
import { canonicalize, customScope, describeScope, type CanonicalRequest } from './request.ts';
import type { Answer, Tickets } from './tickets.ts';

export type PerformContext = {
  bus: Bus;
  ledger: Ledger;
  grants: GrantStore;
  tickets: Tickets;
  executors: Executors;
  workspace: string;
  state: () => PolicyState;
  now: () => number;
  newId: () => string;
  personaId: () => string | null;
  inFlight: Set<AbortController>;
  /** Turns that already read untrusted content, and what it was. */
  tainted: Map<string, string>;
};

// What these return goes into the turn's context and may carry instructions from someone else.
const TAINTING = new Set([
  'files.read',
  'files.list',
  'web.fetch',
  'process.exec',
  'clipboard.read',
]);
const MAX_TAINTED = 1000;

const DURABLE = new Set(['high', 'critical']);

/** An input as a person reads it: text as it is, anything else as indented JSON. */
const shown = (input: unknown): string | null =>
  input === undefined ? null : typeof input === 'string' ? input : JSON.stringify(input, null, 1);

export async function perform(
  ctx: PerformContext,
  request: ActionRequest,
  changeId: string,
): Promise<ActionOutcome> {
  const meta = {
    source: 'policy' as const,
    changeId,
    ...(request.turnId ? { turnId: request.turnId } : {}),
  };
  const audit = (
    kind: string,
    fields: {
      capability?: string;
      resource?: string;
      decision?: string;
      reason?: string;
      details?: Record<string, unknown>;
    },
    durable = false,
  ) => {
    const row = ctx.ledger.append({ changeId, kind, actor: request.actor, ...fields }, { durable });
    ctx.bus.emit('policy.audit_appended', { seq: row.seq, kind }, meta);
    return row.seq;
  };
  const outcome = (
    status: ActionOutcome['status'],
    decision: ActionOutcome['decision'],
    reason: string,
    resource: string,
    auditSeq: number | null,
    extra: Partial<ActionOutcome> = {},
  ): ActionOutcome => ({
    status,
    decision,
    reason,
    resource,
    auditSeq,
    explanation: explainDecision(request.capability, resource, decision, reason),
    error: null,
    ...extra,
  });

  let canon: CanonicalRequest;
  try {
    canon = canonicalize(request, ctx.workspace);
  } catch (error) {
    const info = toErrorInfo(error);
    const seq = audit('policy.rejected', {
      capability: request.capability.slice(0, 64),
      resource: request.target.slice(0, 500),
      decision: 'deny',
      reason: 'bad-request',
      details: { error: info.message },
    });
    return outcome('failed', 'deny', 'bad-request', request.target.slice(0, 500), seq, {
      error: info,
    });
  }

  const base = ctx.state();
  const state: PolicyState = {
    ...base,
    context: {
      ...base.context,
      actor: request.actor,
      taskId: request.taskId ?? request.turnId ?? null,
    },
  };
  const untrusted = request.turnId ? (ctx.tainted.get(request.turnId) ?? null) : null;
  let verdict: Verdict = evaluate(
    {
      capability: canon.capability,
      resource: canon.resource,
      escalate: canon.escalate,
      escalateReason: canon.escalateReason,
      untrusted,
    },
    state,
  );
  const decide = (v: Verdict, extra: Record<string, unknown> = {}) => {
    const seq = audit(
      'policy.decision',
      {
        capability: canon.capability,
        resource: canon.display,
        decision: v.decision,
        reason: v.reason,
        details: {
          why: request.why,
          risk: v.risk,
          requestHash: canon.hash,
          grantId: v.grantId,
          ...extra,
        },
      },
      v.decision === 'allow' && DURABLE.has(v.risk),
    );
    ctx.bus.emit(
      'policy.decided',
      {
        auditSeq: seq,
        capability: canon.capability,
        resource: canon.display,
        decision: v.decision,
        reason: v.reason,
      },
      meta,
    );
    return seq;
  };

  // The user's own words were the approval; the pre-gates and denies above still applied.
  // Background work never raises a prompt: what would need one is kept as a draft for later.
  // An API client cannot answer a card, and must not leave one waiting in the workspace.
  const settleAsk = (v: Verdict): Verdict =>
    v.decision !== 'ask'
      ? v
      : request.viaApi
        ? { ...v, decision: 'deny', reason: 'api-cannot-ask' }
        : request.confirmedByUser && v.risk !== 'critical'
          ? { ...v, decision: 'allow', reason: 'user-confirmed' }
          : request.unattended
            ? { ...v, decision: 'draft-only', reason: 'unattended' }
            : v;
  verdict = settleAsk(verdict);
  let variant: 'without-private' | undefined;
  let seq = decide(verdict);
  if (verdict.decision === 'allow' && verdict.grantId && !ctx.grants.consume(verdict.grantId)) {
    // Another request used the last use of this grant first.
    verdict = settleAsk({ ...verdict, decision: 'ask', reason: 'no-grant', grantId: null });
    seq = decide(verdict, { note: 'grant used up' });
  }

  if (verdict.decision === 'ask') {
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
        createdAt: ctx.now(),
        expiresAt,
        variants:
          canon.capability === 'router.remote_with_private'
            ? [{ id: 'without-private' as const, label: 'Send without the private parts' }]
            : [],
      }),
      ctx.now(),
      request.turnId ?? null,
    );
    ctx.bus.emit('policy.approval_pending', { approval }, meta);
    const settled = await answer;
    ctx.bus.emit(
      'policy.approval_resolved',
      { ticketId: approval.ticketId, answer: settled.answer },
      meta,
    );
    if (!('duration' in settled)) {
      verdict = { ...verdict, decision: 'deny', reason: `approval-${settled.answer}` };
    } else {
      variant = settled.answer === 'allow' ? settled.variant : undefined;
      // Only an allow answer leaves an allow grant, and a critical action none at all: what the
      // client sent with a draft or for a critical request is not a grant to keep.
      // After untrusted content the yes is for this one request.
      const keep =
        settled.duration !== 'once' &&
        !variant &&
        (settled.answer === 'deny' ||
          (settled.answer === 'allow' && verdict.risk !== 'critical' && !untrusted));
      const grant = keep ? recordGrant(ctx, canon, settled, request) : null;
      verdict = {
        ...verdict,
        grantId: grant,
        decision:
          settled.answer === 'allow' ? 'allow' : settled.answer === 'draft' ? 'draft-only' : 'deny',
        reason:
          settled.answer === 'allow'
            ? 'user-allowed'
            : settled.answer === 'draft'
              ? 'user-draft'
              : 'user-denied',
      };
    }
    seq = decide(verdict, {
      answeredWith: settled.answer,
      duration: 'duration' in settled ? settled.duration : null,
      variant: variant ?? null,
    });
  }

  if (verdict.decision === 'draft-only') {
    return outcome('draft', verdict.decision, verdict.reason, canon.display, seq, {
      result: {
        summary: `draft: ${catalog[canon.capability].label.toLowerCase()} ${canon.display}`,
        output: shown(canon.input) ?? '',
      },
    });
  }
  if (verdict.decision !== 'allow')
    return outcome('denied', verdict.decision, verdict.reason, canon.display, seq);
  return execute(ctx, canon, request, verdict, audit, meta, variant);
}

async function execute(
  ctx: PerformContext,
  canon: CanonicalRequest,
  request: ActionRequest,
  verdict: Verdict,
  audit: (kind: string, fields: Record<string, unknown>, durable?: boolean) => number,
  meta: { source: 'policy'; changeId: string; turnId?: string },
  variant?: 'without-private',
): Promise<ActionOutcome> {
  // The input was parsed by this capability's schema in canonicalize: the executor's type holds.
  const executor = ctx.executors[canon.capability] as ToolExecutor | undefined;
  const abort = new AbortController();
  ctx.inFlight.add(abort);
  const started = ctx.now();
  const base = {
    decision: verdict.decision,
    reason: verdict.reason,
    resource: canon.display,
    explanation: explainDecision(canon.capability, canon.display, 'allow', verdict.reason),
  };
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
        if (isProtected(path, linked, ctx.state()))
          throw new AetherError('PolicyDenied', `${path} is protected; nothing was done`);
      },
    });
    const seq = audit('policy.outcome', {
      capability: canon.capability,
      resource: canon.display,
      decision: 'done',
      reason: result.summary,
      details: {
        resultSha256: createHash('sha256').update(result.output).digest('hex'),
        durationMs: Math.round(ctx.now() - started),
      },
    });
    if (request.turnId && TAINTING.has(canon.capability)) {
      if (ctx.tainted.size >= MAX_TAINTED) ctx.tainted.delete(ctx.tainted.keys().next().value!);
      ctx.tainted.set(
        request.turnId,
        `${catalog[canon.capability].label.toLowerCase()}: ${canon.display}`,
      );
    }
    const read = canon.capability === 'files.read' || canon.capability === 'web.fetch';
    ctx.bus.emit(
      'policy.performed',
      {
        capability: canon.capability,
        resource: canon.display,
        summary: result.summary,
        excerpt: read ? result.output.slice(0, 2000) : null,
      },
      meta,
    );
    return { ...base, status: 'done', auditSeq: seq, result, error: null };
  } catch (error) {
    const info = abort.signal.aborted
      ? { code: 'PolicyDenied' as const, message: 'stopped: permissions were revoked' }
      : toErrorInfo(error);
    const seq = audit('policy.outcome', {
      capability: canon.capability,
      resource: canon.display,
      decision: 'failed',
      reason: info.code,
      details: { error: info.message, durationMs: Math.round(ctx.now() - started) },
    });
    return { ...base, status: 'failed', auditSeq: seq, error: info };
  } finally {
    ctx.inFlight.delete(abort);
  }
}

function recordGrant(
  ctx: PerformContext,
  canon: CanonicalRequest,
  answer: Answer,
  request: ActionRequest,
): string {
  const option =
    canon.scopeOptions.find((o) => o.id === answer.scopeOption) ?? canon.scopeOptions[0];
  const scope: Scope = answer.customScope
    ? customScope(canon, answer.customScope, ctx.workspace)
    : option.scope;
  const HOURS = { hour: 1, day: 24 } as const;
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
    createdAt: ctx.now(),
    capability: canon.capability,
    scope,
    effect: answer.answer === 'deny' ? 'deny' : 'allow',
    duration,
    expiresAt: timed ? ctx.now() + HOURS[answer.duration as 'hour' | 'day'] * 3_600_000 : null,
    usesLeft: answer.answer === 'allow' && answer.uses ? answer.uses - 1 : null, // this request is the first use
    taskId: request.taskId ?? request.turnId ?? null,
    personaId: ctx.personaId(),
    actor: request.actor,
  });
  ctx.bus.emit('policy.grants_changed', { reason: 'created' }, { source: 'policy' });
  return grant.id;
}
