// How L2 writes what it learns: a durable fact goes to L5 (memory.write_durable) and, once
// allowed, reinforces a duplicate or is kept flagged as a contradiction; a preference, or a fact
// with nobody there to allow it, waits as a proposal; forgetting leaves a tombstone for a while.
import type { FactWrite, MemoryItem } from '../bus/index.ts';
import type { ExtractedFact, Candidate } from './extract-model.ts';
import type { MemoryBase } from './memory-base.ts';
import { classifyPrivacy, normalize, subjectOf } from './rules.ts';
import type { StoredItem } from './store.ts';

export type AskOptions = { confirmedByUser?: boolean; unattended?: boolean };

/** An item in the user's words, kept until they revoke it; `rest` is what differs by how it came. */
const fromWrite = (
  b: MemoryBase,
  w: FactWrite,
  rest: { confidence: number; salience: number; contradicts: string | null; status?: 'proposed' },
) => ({
  id: b.deps.newId(),
  kind: w.kind,
  content: w.content,
  privacy: w.privacy,
  retention: 'until-revoked',
  expiresAt: null,
  speaker: 'user',
  conversationId: w.conversationId,
  occurredAt: w.occurredAt,
  ...rest,
});

/** Writes a durable fact: a duplicate reinforces the one there; a contradiction is kept, flagged. */
export function writeFact(b: MemoryBase, w: FactWrite): MemoryItem {
  const { queries, store, deps, embeddings, changed } = b;
  const key = normalize(w.content);
  // One read of the active items of this kind serves both the duplicate and the contradiction check.
  const active = queries.activeOfKind(w.kind);
  const provenance = { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor };
  const same = active.find((i) => normalize(i.content) === key);
  if (same) {
    queries.reinforce(same.id, deps.clock.now());
    store.addProvenance(same.id, provenance, deps.clock.now());
    changed('reinforced', same.id);
    return store.get(same.id)!;
  }
  const subject = subjectOf(w.content);
  const contradicts =
    subject && w.kind === 'fact'
      ? (active.find((i) => {
          const s = subjectOf(i.content);
          return s !== null && s.subject === subject.subject && s.value !== subject.value;
        })?.id ?? null)
      : null;
  const item = store.add(
    fromWrite(b, w, {
      confidence: w.extractor === 'rules:explicit' ? 1 : 0.7,
      salience: 1.5,
      contradicts,
    }),
    [provenance],
    deps.clock.now(),
  );
  embeddings.later(item.rowid, item.content);
  changed(contradicts ? 'contradiction' : 'added', item.id);
  return item;
}

/** A fact goes to L5 as memory.write_durable: the user's own words, or background work. */
export function askToWrite(
  b: MemoryBase,
  w: FactWrite,
  changeId: string | undefined,
  o: AskOptions,
) {
  return b.deps.bus.invoke(
    'policy.perform',
    {
      capability: 'memory.write_durable',
      target: w.content.slice(0, 500),
      input: w,
      actor: o.confirmedByUser ? 'user' : 'memory',
      why: o.confirmedByUser
        ? 'you asked me to remember this'
        : 'the model noticed this in what you said',
      ...o,
    },
    { changeId },
  );
}

/** A preference heard in passing, or a fact with nobody there to allow it: waits for the user. */
export function propose(b: MemoryBase, w: FactWrite): string {
  const { queries, store, deps, changed } = b;
  const key = normalize(w.content);
  const same = queries.liveOfKind(w.kind).find((i) => normalize(i.content) === key);
  const provenance = { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor };
  if (same) {
    store.addProvenance(same.id, provenance, deps.clock.now());
    return same.id;
  }
  const p = store.add(
    fromWrite(b, w, {
      confidence: w.extractor.startsWith('model:') ? 0.6 : 0.8,
      salience: 1,
      contradicts: null,
      status: 'proposed',
    }),
    [provenance],
    deps.clock.now(),
  );
  changed('proposed', p.id);
  return p.id;
}

/** What the model found: facts go to L5 unattended (a draft becomes a proposal), preferences wait. */
export async function writeExtracted(
  b: MemoryBase,
  c: Candidate,
  facts: ExtractedFact[],
  extractor: string,
): Promise<void> {
  for (const f of facts) {
    const privacy = classifyPrivacy(f.content);
    // Secrets and what the persona never remembers stay out.
    if (privacy === 'secret' || b.never(f.content)) continue;
    const w: FactWrite = {
      kind: f.kind,
      content: f.content,
      privacy,
      conversationId: c.conversationId,
      turnId: c.turnId,
      occurredAt: c.at,
      extractor,
    };
    if (f.kind === 'preference') {
      propose(b, w);
      continue;
    }
    const o = await askToWrite(b, w, undefined, { unattended: true });
    if (o.status === 'draft') propose(b, w);
    else if (o.status !== 'done') b.changed('write-denied', null);
  }
}

function forget(b: MemoryBase, item: { id: string; rowid: number }, at: number): void {
  const { queries, store, graceMs } = b;
  queries.forget(item.id, at, at + graceMs);
  store.unindex(item.rowid);
}

/** Forgotten items must not live on in a session memory that quotes them. */
export function forgetAll(b: MemoryBase, items: StoredItem[], at: number): void {
  const { db, sessions, deps } = b;
  const conversations = new Set<string>();
  db.transaction(() => {
    for (const i of items) {
      forget(b, i, at);
      if (i.kind === 'session') sessions.forgotten(i.id);
      if (i.kind === 'turn' && i.conversationId) conversations.add(i.conversationId);
    }
    for (const c of conversations) {
      const empty = sessions.turnForgotten(c, at, deps.newId);
      if (empty) forget(b, empty, at);
    }
  })();
}
