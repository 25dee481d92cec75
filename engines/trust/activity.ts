// Recent activity as sentences: verb + object + reason + the rule that decided it ("Aether read
// ~/Notes/todo.md because “…” — allowed by your grant for ~/Notes, once"). Built from the audit
// log's decision and outcome rows of each change (one request through the gate).
import { reasonText, type ActivityEntry, type AuditRowView, type GrantView } from '../bus/index.ts';
import { durationWords, shortPath, VERBS } from './words.ts';

type Change = { decisions: AuditRowView[]; outcome: AuditRowView | null };

function groupByChange(rows: readonly AuditRowView[]): Map<string, Change> {
  const changes = new Map<string, Change>();
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    const change = changes.get(row.changeId) ?? { decisions: [], outcome: null };
    if (row.kind === 'policy.decision') change.decisions.push(row);
    else if (row.kind === 'policy.outcome') change.outcome = row;
    changes.set(row.changeId, change);
  }
  return changes;
}

function outcomeOf(c: Change, last: AuditRowView): ActivityEntry['outcome'] {
  if (c.outcome) return c.outcome.decision === 'done' ? 'done' : 'failed';
  switch (last.decision) {
    case 'ask':
      return 'asked';
    case 'draft-only':
      return 'draft';
    case 'allow':
      return 'done';
    default:
      return 'denied';
  }
}

type Details = { why?: string; grantId?: string | null; undo?: unknown };

const detailsOf = (row: AuditRowView): Details => {
  try {
    return JSON.parse(row.details) as Details;
  } catch {
    return {};
  }
};

export type ActivityContext = {
  grants: ReadonlyMap<string, GrantView>;
  preset: string;
  home: string;
  now: number;
};

function ruleOf(row: AuditRowView, ctx: ActivityContext): string {
  const { grantId } = detailsOf(row);
  const grant = grantId ? ctx.grants.get(grantId) : undefined;
  const reason = row.reason ?? '';
  if (reason === 'grant-allow' && grant)
    return `allowed by your grant for ${shortPath(grant.scope, ctx.home)}, ${durationWords(grant, ctx.now)}`;
  if (reason === 'preset-auto') return `allowed by your ${ctx.preset} preset inside your workspace`;
  if (reason === 'user-allowed')
    return grant ? `you allowed it, ${durationWords(grant, ctx.now)}` : 'you allowed it';
  const verdict =
    row.decision === 'allow' ? 'allowed' : row.decision === 'ask' ? 'asked you' : 'refused';
  return `${verdict}: ${reasonText(reason)}`;
}

function sentenceOf(
  c: Change,
  last: AuditRowView,
  outcome: ActivityEntry['outcome'],
  ctx: ActivityContext,
) {
  const capability = last.capability ?? '';
  const [did, would] = VERBS[capability] ?? [capability, capability];
  const object = shortPath(last.resource ?? '', ctx.home);
  const action =
    outcome === 'done'
      ? `Aether ${did} ${object}`
      : outcome === 'failed'
        ? `Aether tried to ${would} ${object} and failed (${c.outcome?.reason ?? 'error'})`
        : outcome === 'asked'
          ? `Aether asks to ${would} ${object}`
          : outcome === 'draft'
            ? `Aether kept a draft: ${would} ${object}`
            : `Aether did not ${would} ${object}`;
  const { why } = detailsOf(c.decisions[0] ?? last);
  const because = why ? ` because “${why}”` : '';
  return `${action.trim()}${because} — ${ruleOf(last, ctx)}`;
}

/** Newest first: one entry per change that reached a decision. */
export function activityOf(rows: readonly AuditRowView[], ctx: ActivityContext): ActivityEntry[] {
  const entries: ActivityEntry[] = [];
  for (const [changeId, c] of groupByChange(rows)) {
    const last = c.decisions.at(-1);
    if (!last?.capability) continue;
    const outcome = outcomeOf(c, last);
    entries.push({
      changeId,
      at: (c.outcome ?? last).at,
      capability: last.capability,
      resource: last.resource ?? '',
      outcome,
      sentence: sentenceOf(c, last, outcome, ctx),
      auditSeq: last.seq,
      undoSeq: c.outcome && 'undo' in detailsOf(c.outcome) ? c.outcome.seq : null,
    });
  }
  return entries.sort((a, b) => b.at - a.at || b.auditSeq - a.auditSeq);
}
