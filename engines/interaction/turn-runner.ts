// What a turn does once the machine started it: a model turn (persona, memory, router), a slash
// command's one action through L5, or a reply that needs neither. Each ends in chat.turn_finished
// and tells the machine DONE or FAIL.
import {
  AetherError,
  toErrorInfo,
  type Bus,
  type ChatMessage,
  type ErrorInfo,
  type Turn,
  type Clock,
  type NewId,
} from '../bus/index.ts';
import type { ConversationStore } from '../storage/index.ts';
import { formatOutcome } from './format-outcome.ts';
import { recallMessages } from './recall.ts';
import type { SlashAction } from './slash.ts';

export type RunnerDeps = {
  bus: Bus;
  conversations: ConversationStore;
  clock: Clock;
  newId: NewId;
  maxTokens?: number;
  /** How many earlier turns of the conversation go into the prompt. */
  historyTurns?: number;
  /** Tells the turn machine how the turn ended. */
  send: (
    event: { type: 'DONE'; turnId: string } | { type: 'FAIL'; turnId: string; error: ErrorInfo },
  ) => void;
};

const EMPTY = { error: null, model: null, ttftMs: null, tokens: 0, tokensPerSecond: null } as const;

export function createTurnRunner(deps: RunnerDeps) {
  const { bus, conversations } = deps;
  const changeOf = new Map<string, string>();
  const cancelled = new Set<string>();
  const actions = new Map<string, SlashAction>();
  const finishedEvent = (turn: Turn, changeId: string | undefined) =>
    bus.emit('chat.turn_finished', { turn }, { source: 'interaction', changeId, turnId: turn.id });

  function cancel(turnId: string): void {
    cancelled.add(turnId);
    const changeId = changeOf.get(turnId);
    const stop = actions.has(turnId)
      ? bus.invoke('policy.cancel_pending', { turnId }, { changeId })
      : bus.invoke('router.cancel', { turnId }, { changeId });
    void stop.catch(() => {});
  }

  /** Both sides of a finished turn become memory at once (the durable parts through L5). */
  function remember(turn: Turn, changeId: string | undefined): void {
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

  /** What memory offers for this turn, by a deadline: an empty result is never made up. */
  async function recall(turn: Turn, changeId: string | undefined): Promise<ChatMessage[]> {
    try {
      const { hits } = await bus.invoke(
        'memory.context',
        { text: turn.userText, deadlineMs: 150, budgetTokens: 400 },
        { changeId },
      );
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

  function promptFor(turn: Turn, systemPrompt: string, memory: ChatMessage[]): ChatMessage[] {
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

  async function generate(turn: Turn, changeId: string | undefined) {
    const persona = await bus.invoke('persona.get_active', {}, { changeId });
    if (cancelled.has(turn.id))
      throw new AetherError('Internal', 'cancelled before generation started');
    const memory = await recall(turn, changeId);
    const { routing, phrases } = persona;
    return bus.invoke(
      'router.generate',
      {
        turnId: turn.id,
        messages: promptFor(turn, persona.systemPrompt, memory),
        maxTokens: deps.maxTokens ?? routing.maxOutputTokens ?? undefined,
        temperature: routing.temperature ?? undefined,
        route: {
          prefer: routing.preferredTier,
          latencyBudgetMs: routing.latencyBudgetMs,
          privacyPosture: routing.privacyPosture,
        },
        agent: { actor: `persona:${persona.id}`, maxSteps: 4 },
        phrases: { greetings: phrases.greetings, acknowledgements: phrases.acknowledgements },
      },
      { changeId },
    );
  }

  async function runTurn(turnId: string): Promise<void> {
    const changeId = changeOf.get(turnId);
    const turn = conversations.turn(turnId);
    if (!turn) throw new AetherError('NotFound', `turn ${turnId} is gone`);
    let finished: Turn | null;
    try {
      const r = await generate(turn, changeId);
      finished = conversations.finishTurn(turnId, {
        assistantText: r.text,
        status: r.stopReason === 'cancelled' ? 'stopped' : 'complete',
        error: null,
        model: r.model,
        ttftMs: r.ttftMs,
        tokens: r.tokens,
        tokensPerSecond: r.tokensPerSecond,
        completedAt: deps.clock.now(),
        steps: r.steps,
      });
    } catch (error) {
      const stopped = cancelled.has(turnId);
      finished = conversations.finishTurn(turnId, {
        ...EMPTY,
        assistantText: '',
        status: stopped ? 'stopped' : 'error',
        error: stopped ? null : toErrorInfo(error),
        completedAt: deps.clock.now(),
      });
    }
    cancelled.delete(turnId);
    // Null: the conversation was deleted while the turn ran; there is nothing left to show.
    if (finished) {
      finishedEvent(finished, changeId);
      remember(finished, changeId);
    }
    if (finished?.status === 'error' && finished.error)
      deps.send({ type: 'FAIL', turnId, error: finished.error });
    else deps.send({ type: 'DONE', turnId });
    changeOf.delete(turnId);
  }

  /** A slash command's turn: one action through the policy gate; its outcome is the reply. */
  async function runAction(turnId: string): Promise<void> {
    const changeId = changeOf.get(turnId);
    const action = actions.get(turnId)!;
    const why = `you typed /${action.capability.split('.')[1]} in the chat`;
    const outcome = await bus.invoke(
      'policy.perform',
      { ...action, actor: 'user', why, turnId },
      { changeId },
    );
    const stopped = cancelled.has(turnId);
    const finished = conversations.finishTurn(turnId, {
      ...EMPTY,
      assistantText: stopped ? '' : formatOutcome(outcome),
      status: stopped ? 'stopped' : 'complete',
      completedAt: deps.clock.now(),
    });
    actions.delete(turnId);
    cancelled.delete(turnId);
    if (finished) finishedEvent(finished, changeId);
    deps.send({ type: 'DONE', turnId });
    changeOf.delete(turnId);
  }

  /** A turn that needs no model and no action: answered now (help, an unknown command) or after `answer` (a memory phrase). */
  function reply(
    conversationId: string,
    userText: string,
    changeId: string,
    answer: string | (() => Promise<string>),
  ): string {
    const turnId = deps.newId();
    const turn = conversations.startTurn(turnId, conversationId, userText, deps.clock.now());
    bus.emit('chat.turn_started', { turn }, { source: 'interaction', changeId, turnId });
    const finish = (text: string) => {
      const finished = conversations.finishTurn(turnId, {
        ...EMPTY,
        assistantText: text,
        status: 'complete',
        completedAt: deps.clock.now(),
      });
      if (finished) finishedEvent(finished, changeId);
    };
    if (typeof answer === 'string') finish(answer);
    else
      void answer()
        .catch((e: Error) => `That did not work: ${e.message}`)
        .then(finish);
    return turnId;
  }

  return { changeOf, actions, cancel, runTurn, runAction, reply };
}

export type TurnRunner = ReturnType<typeof createTurnRunner>;
