// What comes in and what is recalled: each turn becomes memory at once (and may teach a fact),
// and recall answers by a deadline.
import type { FactWrite, HandlersFor } from '../../bus/index.ts';
import { DAY, type MemoryCore } from '../memory-core.ts';
import { retrieve } from '../retrieve.ts';
import { classifyPrivacy, extract } from '../rules.ts';

type Turns = Pick<HandlersFor<'memory'>, 'memory.ingest_turn' | 'memory.context' | 'memory.query'>;

/** "Remember that …" goes to L5 as the user's own words; preferences wait for a yes. */
function learn(
  core: MemoryCore,
  input: { text: string; conversationId: string; turnId: string; at: number },
  changeId: string,
): string[] {
  const { extractor, changed } = core;
  const proposed: string[] = [];
  const found = extract(input.text);
  for (const e of found) {
    const w: FactWrite = {
      kind: e.kind,
      content: e.content,
      privacy: e.privacy,
      conversationId: input.conversationId,
      turnId: input.turnId,
      occurredAt: input.at,
      extractor: e.kind === 'fact' ? 'rules:explicit' : 'rules:preference',
    };
    // Keeping "ask": even what the user said to remember waits as a draft for their yes.
    if (e.kind === 'preference' || core.settingsView().keeping === 'ask') {
      proposed.push(core.propose(w));
      continue;
    }
    // The user asked in so many words: that is their confirmation; L5 still decides and audits.
    void core
      .askToWrite(w, changeId, { confirmedByUser: true })
      .then((o) => {
        if (o.status !== 'done') changed('write-denied', null);
      })
      .catch(() => {});
  }
  // What the rules did not catch, the model may, later and in the background.
  if (found.length === 0)
    extractor.add({
      turnId: input.turnId,
      conversationId: input.conversationId,
      text: input.text,
      at: input.at,
    });
  return proposed;
}

function ingestHandlers(core: MemoryCore): Pick<HandlersFor<'memory'>, 'memory.ingest_turn'> {
  const { store, embeddings, sessions, extractor, rules, deps, changed, never } = core;
  return {
    'memory.ingest_turn': (input, ctx) => {
      // Memory off: the conversation itself is still the user's record; nothing more is kept.
      if (core.settingsView().keeping === 'off') return { itemId: null, proposed: [] };
      const at = input.at;
      const privacy = never(input.text)
        ? 'secret'
        : input.speaker === 'user'
          ? classifyPrivacy(input.text)
          : 'personal';
      const item = store.add(
        {
          id: deps.newId(),
          kind: 'turn',
          content: input.text,
          privacy,
          retention: `days:${rules.retentionDays}`,
          expiresAt: at + rules.retentionDays * DAY,
          confidence: 1,
          salience: 1,
          speaker: input.speaker,
          conversationId: input.conversationId,
          occurredAt: at,
          contradicts: null,
        },
        [{ source: 'turn', ref: input.turnId, extractor: 'turn' }],
        deps.clock.now(),
      );
      core.resetSpeakers();
      embeddings.later(item.rowid, item.content);
      const session = sessions.roll(
        input.conversationId,
        input.turnId,
        deps.clock.now(),
        deps.newId,
      );
      if (session?.searchable) embeddings.later(session.rowid, session.content);
      extractor.poke();
      if (input.speaker !== 'user') return { itemId: item.id, proposed: [] };
      if (never(input.text)) {
        changed('never-remember', item.id);
        return { itemId: item.id, proposed: [] };
      }
      return { itemId: item.id, proposed: learn(core, { ...input, at }, ctx.changeId) };
    },
  };
}

function recallHandlers(
  core: MemoryCore,
): Pick<HandlersFor<'memory'>, 'memory.context' | 'memory.query'> {
  const { store, embeddings, deps } = core;
  return {
    'memory.context': async (input) => {
      // Memory off recalls nothing either: what was kept before waits until it is on again.
      if (core.settingsView().keeping === 'off') return { hits: [], partial: false };
      const started = deps.clock.monotonic();
      const vector = await embeddings.queryVector(input.text, input.deadlineMs * 0.6);
      const { hits, partial } = retrieve(store, input.text, {
        vector,
        deadlineMs: Math.max(1, input.deadlineMs - (deps.clock.monotonic() - started)),
        k: 12,
        now: deps.clock.now(),
        monotonic: deps.clock.monotonic,
        allowPrivacy: input.allowPrivacy ?? ['public', 'personal', 'sensitive'],
        speakers: core.speakers(),
        inPrompt: input.inPrompt,
      });
      // Durable knowledge first, then what was said; within the token budget (≈ 4 characters a token).
      const ordered = [
        ...hits.filter((h) => h.kind !== 'turn'),
        ...hits.filter((h) => h.kind === 'turn'),
      ];
      const kept = [];
      let used = 0;
      for (const h of ordered) {
        used += Math.ceil(h.content.length / 4) + 8;
        if (used > input.budgetTokens) break;
        kept.push(h);
      }
      store.touch(
        kept.map((h) => h.id),
        deps.clock.now(),
      );
      const ms = deps.clock.monotonic() - started;
      deps.bus.emit('memory.recalled', { ms, hits: kept.length, partial }, { source: 'memory' });
      return { hits: kept, partial };
    },
    'memory.query': async (input) => {
      const started = deps.clock.monotonic();
      const deadline = input.deadlineMs ?? 200;
      const vector = await embeddings.queryVector(input.text, deadline * 0.6);
      const r = retrieve(store, input.text, {
        k: input.k ?? 20,
        deadlineMs: Math.max(1, deadline - (deps.clock.monotonic() - started)),
        now: deps.clock.now(),
        monotonic: deps.clock.monotonic,
        speakers: core.speakers(),
        vector,
      });
      return { ...r, ms: deps.clock.monotonic() - started };
    },
  };
}

export function turnHandlers(core: MemoryCore): Turns {
  return {
    ...ingestHandlers(core),
    ...recallHandlers(core),
  };
}
