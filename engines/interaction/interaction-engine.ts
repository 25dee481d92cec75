// L1 interaction: the conversation commands and the one writer of turn state.
import { createActor } from 'xstate';
import {
  AetherError,
  DisposableSet,
  toErrorInfo,
  type Bus,
  type ChatMessage,
  type EngineHealth,
  type Turn,
  type TurnState,
} from '../bus/index.ts';
import type { ConversationStore } from '../storage/index.ts';
import { memoryPhrase } from './memory-phrases.ts';
import { parseSlash, type SlashAction } from './slash.ts';
import { formatOutcome } from './format-outcome.ts';
import { turnMachine } from './turn-machine.ts';
import { recallMessages } from './recall.ts';

export type InteractionDeps = {
  bus: Bus;
  conversations: ConversationStore;
  /** Wall-clock ms, for stored timestamps. */
  now: () => number;
  newId: () => string;
  maxTokens?: number;
  /** How many earlier turns of the conversation go into the prompt. */
  historyTurns?: number;
};

const DEFAULT_TITLE = 'New conversation';

export function createInteractionEngine(deps: InteractionDeps) {
  const { bus, conversations } = deps;
  const disposables = new DisposableSet();
  const changeOf = new Map<string, string>();
  const cancelled = new Set<string>();
  const actions = new Map<string, SlashAction>();

  const actor = createActor(
    turnMachine.provide({
      actions: {
        startGeneration: ({ context }) => {
          const turnId = context.turnId;
          if (!turnId) return;
          runTurn(turnId).catch((error: unknown) => {
            // A failure outside the generation itself (storage, say) still ends the turn.
            actor.send({ type: 'FAIL', turnId, error: toErrorInfo(error) });
          });
        },
        startAction: ({ event }) => {
          if (event.type !== 'SUBMIT') return;
          const { turnId } = event;
          runAction(turnId).catch((error: unknown) =>
            actor.send({ type: 'FAIL', turnId, error: toErrorInfo(error) }),
          );
        },
        cancelGeneration: ({ context }) => {
          if (context.turnId) cancel(context.turnId);
        },
      },
    }),
  );

  function cancel(turnId: string): void {
    cancelled.add(turnId);
    const changeId = changeOf.get(turnId);
    if (actions.has(turnId))
      void bus.invoke('policy.cancel_pending', { turnId }, { changeId }).catch(() => {});
    else void bus.invoke('router.cancel', { turnId }, { changeId }).catch(() => {});
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
      bus.emit(
        'chat.memory_used',
        {
          turnId: turn.id,
          items: hits.map((h) => ({ id: h.id, content: h.content, privacy: h.privacy })),
        },
        { source: 'interaction', changeId, turnId: turn.id },
      );
      return recallMessages(hits);
    } catch {
      return []; // no memory engine or it failed: answer without it rather than not at all
    }
  }

  function promptFor(turn: Turn, systemPrompt: string, memory: ChatMessage[] = []): ChatMessage[] {
    const earlier = conversations
      .turns(turn.conversationId)
      .filter(
        (t) =>
          t.id !== turn.id &&
          (t.status === 'complete' || t.status === 'stopped') &&
          t.assistantText.length > 0,
      )
      .slice(-(deps.historyTurns ?? 40));
    return [
      { role: 'system', text: systemPrompt },
      ...memory,
      ...earlier.flatMap((t): ChatMessage[] => [
        { role: 'user', text: t.userText },
        { role: 'assistant', text: t.assistantText },
      ]),
      { role: 'user', text: turn.userText },
    ];
  }

  async function runTurn(turnId: string): Promise<void> {
    const changeId = changeOf.get(turnId);
    const turn = conversations.turn(turnId);
    if (!turn) throw new AetherError('NotFound', `turn ${turnId} is gone`);
    let finished: Turn | null;
    try {
      const persona = await bus.invoke('persona.get_active', {}, { changeId });
      if (cancelled.has(turnId))
        throw new AetherError('Internal', 'cancelled before generation started');
      const memory = await recall(turn, changeId);
      const result = await bus.invoke(
        'router.generate',
        {
          turnId,
          messages: promptFor(turn, persona.systemPrompt, memory),
          maxTokens: deps.maxTokens ?? persona.routing.maxOutputTokens ?? undefined,
          temperature: persona.routing.temperature ?? undefined,
          route: {
            prefer: persona.routing.preferredTier,
            latencyBudgetMs: persona.routing.latencyBudgetMs,
            privacyPosture: persona.routing.privacyPosture,
          },
          agent: { actor: `persona:${persona.id}`, maxSteps: 4 },
          phrases: {
            greetings: persona.phrases.greetings,
            acknowledgements: persona.phrases.acknowledgements,
          },
        },
        { changeId },
      );
      finished = conversations.finishTurn(turnId, {
        assistantText: result.text,
        status: result.stopReason === 'cancelled' ? 'stopped' : 'complete',
        error: null,
        model: result.model,
        ttftMs: result.ttftMs,
        tokens: result.tokens,
        tokensPerSecond: result.tokensPerSecond,
        completedAt: deps.now(),
        steps: result.steps,
      });
    } catch (error) {
      const stopped = cancelled.has(turnId);
      finished = conversations.finishTurn(turnId, {
        assistantText: '',
        status: stopped ? 'stopped' : 'error',
        error: stopped ? null : toErrorInfo(error),
        model: null,
        ttftMs: null,
        tokens: 0,
        tokensPerSecond: null,
        completedAt: deps.now(),
      });
    }
    cancelled.delete(turnId);
    // Null: the conversation was deleted while the turn ran; there is nothing left to show.
    if (finished) {
      bus.emit(
        'chat.turn_finished',
        { turn: finished },
        { source: 'interaction', changeId, turnId },
      );
      remember(finished, changeId);
    }
    if (finished?.status === 'error' && finished.error)
      actor.send({ type: 'FAIL', turnId, error: finished.error });
    else actor.send({ type: 'DONE', turnId });
    changeOf.delete(turnId);
  }

  /** A slash command's turn: one action through the policy gate; its outcome is the reply. */
  async function runAction(turnId: string): Promise<void> {
    const changeId = changeOf.get(turnId);
    const action = actions.get(turnId)!;
    const outcome = await bus.invoke(
      'policy.perform',
      {
        ...action,
        actor: 'user',
        why: `you typed /${action.capability.split('.')[1]} in the chat`,
        turnId,
      },
      { changeId },
    );
    const stopped = cancelled.has(turnId);
    const finished = conversations.finishTurn(turnId, {
      assistantText: stopped ? '' : formatOutcome(outcome),
      status: stopped ? 'stopped' : 'complete',
      error: null,
      model: null,
      ttftMs: null,
      tokens: 0,
      tokensPerSecond: null,
      completedAt: deps.now(),
    });
    actions.delete(turnId);
    cancelled.delete(turnId);
    if (finished)
      bus.emit(
        'chat.turn_finished',
        { turn: finished },
        { source: 'interaction', changeId, turnId },
      );
    actor.send({ type: 'DONE', turnId });
    changeOf.delete(turnId);
  }

  /** A reply that needs no model and no action (help, an unknown command). */
  function replyAtOnce(
    conversationId: string,
    userText: string,
    reply: string,
    changeId: string,
  ): string {
    const turnId = deps.newId();
    const turn = conversations.startTurn(turnId, conversationId, userText, deps.now());
    bus.emit('chat.turn_started', { turn }, { source: 'interaction', changeId, turnId });
    const finished = conversations.finishTurn(turnId, {
      assistantText: reply,
      status: 'complete',
      error: null,
      model: null,
      ttftMs: null,
      tokens: 0,
      tokensPerSecond: null,
      completedAt: deps.now(),
    })!;
    bus.emit('chat.turn_finished', { turn: finished }, { source: 'interaction', changeId, turnId });
    return turnId;
  }

  function replyAfter(
    conversationId: string,
    userText: string,
    changeId: string,
    answer: () => Promise<string>,
  ): string {
    const turnId = deps.newId();
    const turn = conversations.startTurn(turnId, conversationId, userText, deps.now());
    bus.emit('chat.turn_started', { turn }, { source: 'interaction', changeId, turnId });
    void answer()
      .catch((e: Error) => `That did not work: ${e.message}`)
      .then((reply) => {
        const finished = conversations.finishTurn(turnId, {
          assistantText: reply,
          status: 'complete',
          error: null,
          model: null,
          ttftMs: null,
          tokens: 0,
          tokensPerSecond: null,
          completedAt: deps.now(),
        });
        if (finished)
          bus.emit(
            'chat.turn_finished',
            { turn: finished },
            { source: 'interaction', changeId, turnId },
          );
      });
    return turnId;
  }

  function requireConversation(id: string) {
    const conversation = conversations.get(id);
    if (!conversation) throw new AetherError('NotFound', `no conversation ${id}`);
    return conversation;
  }

  function registerCommands(): void {
    disposables.add(
      bus.handle('chat.list_conversations', () => ({ conversations: conversations.list() })),
    );
    disposables.add(
      bus.handle('chat.create_conversation', (input, ctx) => {
        const conversation = conversations.create(
          deps.newId(),
          input.title ?? DEFAULT_TITLE,
          deps.now(),
        );
        bus.emit(
          'chat.conversations_changed',
          { reason: 'created', id: conversation.id },
          { source: 'interaction', changeId: ctx.changeId },
        );
        return conversation;
      }),
    );
    disposables.add(
      bus.handle('chat.rename_conversation', (input, ctx) => {
        requireConversation(input.id);
        ctx.note?.({ resource: input.id, details: { title: input.title } });
        conversations.rename(input.id, input.title, deps.now());
        bus.emit(
          'chat.conversations_changed',
          { reason: 'renamed', id: input.id },
          { source: 'interaction', changeId: ctx.changeId },
        );
        return requireConversation(input.id);
      }),
    );
    disposables.add(
      bus.handle('chat.delete_conversation', (input, ctx) => {
        if (!conversations.remove(input.id))
          throw new AetherError('NotFound', `no conversation ${input.id}`);
        ctx.note?.({ resource: input.id });
        if (actor.getSnapshot().context.conversationId === input.id && busy())
          ctx.afterCommit?.(() => actor.send({ type: 'CANCEL' }));
        bus.emit(
          'chat.conversations_changed',
          { reason: 'deleted', id: input.id },
          { source: 'interaction', changeId: ctx.changeId },
        );
        return { deleted: true as const };
      }),
    );
    disposables.add(
      bus.handle('chat.get_conversation', (input) => ({
        conversation: requireConversation(input.id),
        turns: conversations.turns(input.id),
      })),
    );
    disposables.add(
      bus.handle('chat.send_message', (input, ctx) => {
        const conversation = requireConversation(input.conversationId);
        if (busy())
          throw new AetherError(
            'TurnInProgress',
            'Aether is still answering; stop the reply or wait for it to finish.',
          );
        const memoryAsk = memoryPhrase(bus, input.text);
        if (memoryAsk)
          return { turnId: replyAfter(conversation.id, input.text, ctx.changeId, memoryAsk) };
        const slash = parseSlash(input.text);
        if (slash?.kind === 'reply')
          return { turnId: replyAtOnce(conversation.id, input.text, slash.text, ctx.changeId) };
        const turnId = deps.newId();
        const turn = conversations.startTurn(turnId, conversation.id, input.text, deps.now());
        if (conversation.title === DEFAULT_TITLE) {
          conversations.rename(conversation.id, titleFrom(input.text), deps.now());
          bus.emit(
            'chat.conversations_changed',
            { reason: 'renamed', id: conversation.id },
            { source: 'interaction', changeId: ctx.changeId },
          );
        }
        changeOf.set(turnId, ctx.changeId);
        if (slash) actions.set(turnId, slash.action);
        bus.emit(
          'chat.turn_started',
          { turn },
          { source: 'interaction', changeId: ctx.changeId, turnId },
        );
        actor.send({
          type: 'SUBMIT',
          turnId,
          conversationId: conversation.id,
          kind: slash ? 'action' : 'chat',
        });
        return { turnId };
      }),
    );
    disposables.add(
      bus.handle('chat.cancel_turn', (input) => {
        const snapshot = actor.getSnapshot();
        if (!busy() || (input.turnId && input.turnId !== snapshot.context.turnId))
          return { cancelled: false };
        actor.send({ type: 'CANCEL' });
        return { cancelled: true };
      }),
    );
    disposables.add(
      bus.handle('turn.get_state', () => {
        const snapshot = actor.getSnapshot();
        return { state: snapshot.value as TurnState, turnId: snapshot.context.turnId };
      }),
    );
  }

  function busy(): boolean {
    const state = actor.getSnapshot().value as TurnState;
    return state !== 'idle' && state !== 'error';
  }

  function watchState(): void {
    let previous = actor.getSnapshot().value as TurnState;
    const subscription = actor.subscribe((snapshot) => {
      const state = snapshot.value as TurnState;
      if (state === previous) return;
      const { turnId, conversationId } = snapshot.context;
      const changeId = turnId ? changeOf.get(turnId) : undefined;
      bus.emit(
        'turn.state_changed',
        { turnId, conversationId, state, previous },
        { source: 'interaction', changeId, ...(turnId ? { turnId } : {}) },
      );
      previous = state;
    });
    disposables.add({ dispose: () => subscription.unsubscribe() });
    disposables.add(
      bus.on('router.first_token', (event) =>
        actor.send({ type: 'FIRST_TOKEN', turnId: event.payload.turnId }),
      ),
    );
    disposables.add(
      bus.on('router.tool_call', (event) => {
        const { turnId, status } = event.payload;
        actor.send(
          status === 'proposed'
            ? { type: 'TOOL_STARTED', turnId }
            : { type: 'TOOL_FINISHED', turnId },
        );
      }),
    );
    disposables.add(
      bus.on('policy.approval_pending', (event) => {
        if (event.turnId) actor.send({ type: 'APPROVAL_NEEDED', turnId: event.turnId });
      }),
    );
    disposables.add(
      bus.on('policy.approval_resolved', (event) => {
        if (event.turnId) actor.send({ type: 'APPROVAL_RESOLVED', turnId: event.turnId });
      }),
    );
  }

  return {
    start(): void {
      conversations.markInterrupted(deps.now());
      registerCommands();
      watchState();
      actor.start();
      disposables.addFn(() => actor.stop());
    },
    dispose: () => disposables.dispose(),
    state: () => actor.getSnapshot().value as TurnState,
    health: (): EngineHealth => ({ state: 'ok', detail: `turn ${actor.getSnapshot().value}` }),
  };
}

export type InteractionEngine = ReturnType<typeof createInteractionEngine>;

/** A conversation's title from its first message: the first line, cut at a word near 48 chars. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0].replace(/\s+/g, ' ');
  if (line.length <= 48) return line;
  const cut = line.slice(0, 48);
  const space = cut.lastIndexOf(' ');
  return `${(space > 24 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
