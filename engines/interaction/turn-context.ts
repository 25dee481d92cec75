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

/**
 * What memory offers for this turn, by a deadline: an empty result is never made up. `shown`:
 * the turn is real (not a preload), so the inspector hears what was used.
 */
async function recall(
  r: Runner,
  turn: Pick<Turn, 'id' | 'userText'>,
  changeId: string | undefined,
  shown = true,
): Promise<ChatMessage[]> {
  const { bus } = r.deps;
  try {
    const { hits } = await bus.invoke(
      'memory.context',
      { text: turn.userText, deadlineMs: 150, budgetTokens: 400 },
      { changeId },
    );
    if (!shown) return recallMessages(hits);
    const items = hits.map((h) => ({ id: h.id, content: h.content, privacy: h.privacy }));
    bus.emit(
      'chat.memory_used',
      { turnId: turn.id, items },
      { source: 'interaction', changeId, turnId: turn.id },
    );
    return recallMessages(hits);
  } catch {
    return []; // no memory engine or it failed: answer without it rather than not at all
  }
}

function promptFor(
  r: Runner,
  turn: Pick<Turn, 'id' | 'conversationId' | 'userText'>,
  systemPrompt: string,
  memory: ChatMessage[],
): ChatMessage[] {
  const { deps } = r;
  const { conversations } = deps;
  const earlier = conversations
    .turns(turn.conversationId)
    .filter(
      (t) =>
        t.id !== turn.id &&
        (t.status === 'complete' || t.status === 'stopped') &&
        t.assistantText.length > 0,
    )
    .slice(-(deps.historyTurns ?? 40));
  const history = earlier.flatMap((t): ChatMessage[] => [
    { role: 'user', text: t.userText },
    { role: 'assistant', text: t.assistantText },
  ]);
  return [
    { role: 'system', text: systemPrompt },
    ...memory,
    ...history,
    { role: 'user', text: turn.userText },
  ];
}

/**
 * The prompt the words so far would get (persona, memory, earlier turns), read by the local model
 * ahead of the turn, so its reply starts sooner when the words are sent.
 */
export async function preload(r: Runner, conversationId: string, text: string): Promise<boolean> {
  const { bus } = r.deps;
  const persona = await bus.invoke('persona.get_active', {});
  const turn = { id: '', conversationId, userText: text };
  const memory = await recall(r, turn, undefined, false);
  const messages = promptFor(r, turn, persona.systemPrompt, memory);
  return (await bus.invoke('router.preload', { messages }).catch(() => ({ preloaded: false })))
    .preloaded;
}

export async function generate(r: Runner, turn: Turn, changeId: string | undefined) {
  const { bus } = r.deps;
  const deps = r.deps;
  const persona = await bus.invoke('persona.get_active', {}, { changeId });
  if (r.cancelled.has(turn.id))
    throw new AetherError('Internal', 'cancelled before generation started');
  const memory = await recall(r, turn, changeId);
  const { routing } = persona;
  return bus.invoke(
    'router.generate',
    {
      turnId: turn.id,
      messages: promptFor(r, turn, persona.systemPrompt, memory),
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
