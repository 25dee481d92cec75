// What goes into a model turn, and what comes out of it: the persona's prompt, earlier turns,
// what memory offers by a deadline, the router's generation, and both sides kept as memory.
import { AetherError, type ChatMessage, type Turn } from '../bus/index.ts';
import { recallMessages } from './recall.ts';
import type { Runner } from './runner.ts';

/** Both sides of a finished turn become memory at once (the durable parts through L5). */
export function remember(r: Runner, turn: Turn, changeId: string | undefined): void {
  const { bus } = r.deps;
  const ingest = (speaker: string, text: string) =>
    bus.invoke(
      'memory.ingest_turn',
      { turnId: turn.id, conversationId: turn.conversationId, speaker, text, at: turn.createdAt },
      { changeId },
    );
  void ingest('user', turn.userText)
    .then(() =>
      turn.status === 'complete' && turn.assistantText
        ? ingest('assistant', turn.assistantText)
        : null,
    )
    .catch(() => {
      /* no memory engine here */
    });
}

type Hits = Parameters<typeof recallMessages>[0];
type Asked = Pick<Turn, 'id' | 'conversationId' | 'userText'>;

/**
 * The conversation's earlier turns that go into the prompt, oldest first: answered ones, and
 * stopped ones even when none of the reply was heard — the question was still asked.
 */
function earlierTurns(r: Runner, turn: Asked): Turn[] {
  return r.deps.conversations
    .turns(turn.conversationId)
    .filter(
      (t) =>
        t.id !== turn.id &&
        (t.status === 'stopped' || (t.status === 'complete' && t.assistantText.length > 0)),
    )
    .slice(-(r.deps.historyTurns ?? 40));
}

/**
 * What memory offers for these words, by a deadline: an empty result is never made up. The
 * conversation's turns from the oldest one in the prompt on are not recalled: the prompt holds
 * them already, and recalled again they would move the memory block each turn, so the model
 * would read the last reply again instead of finding it in its cache. Nor is what an earlier
 * turn in the prompt was offered: it is still there, at that turn's place.
 */
async function memoryFor(
  r: Runner,
  turn: Asked,
  earlier: Turn[],
  changeId: string | undefined,
): Promise<Hits> {
  const since = earlier[0]?.createdAt ?? r.deps.clock.now();
  const inPrompt = { conversationId: turn.conversationId, since };
  try {
    const context = { text: turn.userText, deadlineMs: 150, budgetTokens: 400, inPrompt };
    const { hits } = await r.deps.bus.invoke('memory.context', context, { changeId });
    const held = r.recalled.idsIn(earlier);
    return hits.filter((h) => !held.has(h.id));
  } catch {
    return []; // no memory engine or it failed: answer without it rather than not at all
  }
}

/** How long what a preload recalled may stand in for the turn's own recall. */
const PRELOAD_FRESH_MS = 60_000;

/**
 * What memory offers for this turn. When the words were read ahead and the turn's words go on
 * from them, the memory recalled then is used again: the prompt is then the one already in the
 * model's cache (a new recall would put other memories in front of the words).
 */
async function recall(r: Runner, turn: Turn, earlier: Turn[], changeId: string | undefined) {
  const ahead = r.preloaded.get(turn.conversationId);
  r.preloaded.delete(turn.conversationId);
  const fresh = ahead && r.deps.clock.monotonic() - ahead.at < PRELOAD_FRESH_MS;
  const hits =
    fresh && turn.userText.startsWith(ahead.text)
      ? ahead.hits
      : await memoryFor(r, turn, earlier, changeId);
  r.recalled.keep(turn.id, hits);
  const items = hits.map((h) => ({ id: h.id, content: h.content, privacy: h.privacy }));
  r.deps.bus.emit(
    'chat.memory_used',
    { turnId: turn.id, items },
    { source: 'interaction', changeId, turnId: turn.id },
  );
  return recallMessages(hits);
}

function promptFor(
  r: Runner,
  turn: Asked,
  earlier: Turn[],
  systemPrompt: string,
  memory: ChatMessage[],
): ChatMessage[] {
  const history = earlier.flatMap((t): ChatMessage[] => [
    ...recallMessages(r.recalled.of(t.id)),
    { role: 'user', text: t.userText },
    ...(t.assistantText ? [{ role: 'assistant' as const, text: t.assistantText }] : []),
  ]);
  // Each turn's memory goes just before its words, the new turn's after the earlier turns: what
  // comes before it (persona, conversation, what earlier turns were offered) stays the same from
  // turn to turn, so the model finds it in its cache and reads only the new memories and words.
  return [
    { role: 'system', text: systemPrompt },
    ...history,
    ...memory,
    { role: 'user', text: turn.userText },
  ];
}

/** At a speaker's pause, this much of the reply is generated ahead: about its first clause. */
const SPECULATE_TOKENS = 12;

/**
 * The prompt the words so far would get (persona, memory, earlier turns), read by the local model
 * ahead of the turn, so its reply starts sooner when the words are sent. At a speaker's pause the
 * words are likely final: the reply's first words are generated too, and kept for a turn that
 * asks exactly this (if the user goes on, they are dropped).
 */
export async function preload(
  r: Runner,
  conversationId: string,
  text: string,
  pause = false,
): Promise<boolean> {
  const { bus } = r.deps;
  const persona = await bus.invoke('persona.get_active', {});
  const turn = { id: '', conversationId, userText: text };
  const earlier = earlierTurns(r, turn);
  const hits = await memoryFor(r, turn, earlier, undefined);
  r.preloaded.set(conversationId, { text, hits, at: r.deps.clock.monotonic() });
  const messages = promptFor(r, turn, earlier, persona.systemPrompt, recallMessages(hits));
  const speculate = pause ? SPECULATE_TOKENS : 0;
  return readAhead(r, messages, speculate, persona.routing.temperature ?? undefined);
}

/**
 * The local model reads these messages ahead, as the agent (generate, below) will send them:
 * with its tools. Only a shortcut: false when it cannot now.
 */
async function readAhead(r: Runner, messages: ChatMessage[], speculate = 0, temperature?: number) {
  const ahead = r.deps.bus.invoke('router.preload', {
    messages,
    agent: true,
    speculate,
    temperature,
  });
  return (await ahead.catch(() => ({ preloaded: false }))).preloaded;
}

/**
 * The persona's prompt read by the local model before anyone asks (once the model is ready, and
 * when the persona changes): every conversation starts with it, so the first reply does not wait.
 */
export async function warm(r: Runner): Promise<boolean> {
  const { bus } = r.deps;
  const persona = await bus.invoke('persona.get_active', {}).catch(() => null);
  if (!persona) return false;
  return readAhead(r, [{ role: 'system', text: persona.systemPrompt }]);
}

export async function generate(r: Runner, turn: Turn, changeId: string | undefined) {
  const { bus } = r.deps;
  const deps = r.deps;
  const persona = await bus.invoke('persona.get_active', {}, { changeId });
  if (r.cancelled.has(turn.id))
    throw new AetherError('Internal', 'cancelled before generation started');
  const earlier = earlierTurns(r, turn);
  const memory = await recall(r, turn, earlier, changeId);
  const { routing } = persona;
  return bus.invoke(
    'router.generate',
    {
      turnId: turn.id,
      messages: promptFor(r, turn, earlier, persona.systemPrompt, memory),
      maxTokens: deps.maxTokens ?? routing.maxOutputTokens ?? undefined,
      temperature: routing.temperature ?? undefined,
      route: {
        prefer: routing.preferredTier,
        latencyBudgetMs: routing.latencyBudgetMs,
        privacyPosture: routing.privacyPosture,
      },
      agent: { actor: `persona:${persona.id}`, maxSteps: 4 },
    },
    { changeId },
  );
}
