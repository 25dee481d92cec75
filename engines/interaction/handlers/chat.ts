// The conversation commands: list, create, rename, delete (audited), read, send, cancel, and the
// turn machine's state.
import {
  AetherError,
  type Bus,
  type Clock,
  type HandlersFor,
  type NewId,
  type TurnState,
} from '../../bus/index.ts';
import type { ConversationStore } from '../../storage/index.ts';
import { memoryPhrase } from '../memory-phrases.ts';
import { parseSlash } from '../slash.ts';
import { DEFAULT_TITLE, titleFrom } from '../title.ts';
import type { TurnRunner } from '../turn-runner.ts';

type Machine = {
  state(): TurnState;
  turnId(): string | null;
  conversationId(): string | null;
  busy(): boolean;
  send(
    event:
      | { type: 'SUBMIT'; turnId: string; conversationId: string; kind: 'action' | 'chat' }
      | { type: 'CANCEL' },
  ): void;
};

type Parts = {
  bus: Bus;
  conversations: ConversationStore;
  clock: Clock;
  newId: NewId;
  runner: TurnRunner;
  machine: Machine;
};

/** What several commands share: telling the workspace the list changed, and finding one. */
function helpers({ bus, conversations }: Parts) {
  return {
    changed: (reason: 'created' | 'renamed' | 'deleted', id: string, changeId: string) =>
      bus.emit('chat.conversations_changed', { reason, id }, { source: 'interaction', changeId }),
    requireConversation(id: string) {
      const conversation = conversations.get(id);
      if (!conversation) throw new AetherError('NotFound', `no conversation ${id}`);
      return conversation;
    },
  };
}

function conversationHandlers(
  p: Parts,
): Pick<
  HandlersFor<'chat'> & HandlersFor<'turn'>,
  | 'chat.list_conversations'
  | 'chat.create_conversation'
  | 'chat.rename_conversation'
  | 'chat.delete_conversation'
  | 'chat.get_conversation'
> {
  const { conversations, machine } = p;
  const { changed, requireConversation } = helpers(p);
  return {
    'chat.list_conversations': () => ({ conversations: conversations.list() }),
    'chat.create_conversation': (input, ctx) => {
      const conversation = conversations.create(
        p.newId(),
        input.title ?? DEFAULT_TITLE,
        p.clock.now(),
      );
      changed('created', conversation.id, ctx.changeId);
      return conversation;
    },
    'chat.rename_conversation': (input, ctx) => {
      requireConversation(input.id);
      ctx.note?.({ resource: input.id, details: { title: input.title } });
      conversations.rename(input.id, input.title, p.clock.now());
      changed('renamed', input.id, ctx.changeId);
      return requireConversation(input.id);
    },
    'chat.delete_conversation': (input, ctx) => {
      if (!conversations.remove(input.id))
        throw new AetherError('NotFound', `no conversation ${input.id}`);
      ctx.note?.({ resource: input.id });
      if (machine.conversationId() === input.id && machine.busy())
        ctx.afterCommit?.(() => machine.send({ type: 'CANCEL' }));
      changed('deleted', input.id, ctx.changeId);
      return { deleted: true as const };
    },
    'chat.get_conversation': (input) => ({
      conversation: requireConversation(input.id),
      turns: conversations.turns(input.id),
    }),
  };
}

function turnHandlers(
  p: Parts,
): Pick<
  HandlersFor<'chat'> & HandlersFor<'turn'>,
  'chat.send_message' | 'chat.cancel_turn' | 'turn.get_state' | 'chat.preload'
> {
  const { bus, conversations, runner, machine } = p;
  const { changed, requireConversation } = helpers(p);
  return {
    'chat.send_message': (input, ctx) => {
      const conversation = requireConversation(input.conversationId);
      if (machine.busy())
        throw new AetherError(
          'TurnInProgress',
          'Aether is still answering; stop the reply or wait for it to finish.',
        );
      const memoryAsk = memoryPhrase(bus, input.text);
      if (memoryAsk)
        return { turnId: runner.reply(conversation.id, input.text, ctx.changeId, memoryAsk) };
      const slash = parseSlash(input.text);
      if (slash?.kind === 'reply')
        return { turnId: runner.reply(conversation.id, input.text, ctx.changeId, slash.text) };
      const turnId = p.newId();
      const turn = conversations.startTurn(turnId, conversation.id, input.text, p.clock.now());
      if (conversation.title === DEFAULT_TITLE) {
        conversations.rename(conversation.id, titleFrom(input.text), p.clock.now());
        changed('renamed', conversation.id, ctx.changeId);
      }
      runner.changeOf.set(turnId, ctx.changeId);
      if (slash) runner.actions.set(turnId, slash.action);
      bus.emit(
        'chat.turn_started',
        { turn },
        { source: 'interaction', changeId: ctx.changeId, turnId },
      );
      machine.send({
        type: 'SUBMIT',
        turnId,
        conversationId: conversation.id,
        kind: slash ? 'action' : 'chat',
      });
      return { turnId };
    },
    'chat.cancel_turn': (input) => {
      if (!machine.busy() || (input.turnId && input.turnId !== machine.turnId()))
        return { cancelled: false };
      machine.send({ type: 'CANCEL' });
      return { cancelled: true };
    },
    'turn.get_state': () => ({ state: machine.state(), turnId: machine.turnId() }),
    // Only between turns: a preload must never slow the reply being generated.
    'chat.preload': async (input) => {
      const conversation = requireConversation(input.conversationId);
      if (machine.busy() || parseSlash(input.text)) return { preloaded: false };
      return { preloaded: await runner.preload(conversation.id, input.text, input.pause) };
    },
  };
}

export function chatHandlers(p: Parts): HandlersFor<'chat'> & HandlersFor<'turn'> {
  return {
    ...conversationHandlers(p),
    ...turnHandlers(p),
  };
}
