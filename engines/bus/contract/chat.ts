// L1 interaction's piece of the contract: conversations, turns and the turn state.
import { z } from 'zod';
import { command } from '../define.ts';
import { errorInfoSchema } from '../errors.ts';
import { agentStepSchema } from './router.ts';

// The turn machine's states (ARCHITECTURE §5; engines/interaction/turn-machine.ts).
export const turnStates = [
  'idle',
  'listening',
  'transcribing',
  'classifying',
  'reflex',
  'thinking',
  'streaming',
  'executing_tool',
  'awaiting_approval',
  'speaking',
  'barged_in',
  'repairing',
  'error',
] as const;
export const turnStateSchema = z.enum(turnStates);
export type TurnState = z.infer<typeof turnStateSchema>;

const id = z.string().min(1).max(64);

export const conversationSchema = z.object({
  id,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const turnStatuses = ['streaming', 'complete', 'stopped', 'error'] as const;

export const turnSchema = z.object({
  id,
  conversationId: id,
  userText: z.string(),
  assistantText: z.string(),
  status: z.enum(turnStatuses),
  error: errorInfoSchema.nullable(),
  model: z.string().nullable(),
  ttftMs: z.number().nullable(),
  tokens: z.number().int().nonnegative(),
  tokensPerSecond: z.number().nullable(),
  createdAt: z.number(),
  completedAt: z.number().nullable(),
  /** Tool calls the model made during the turn, in order. */
  steps: z.array(agentStepSchema),
});
export type Turn = z.infer<typeof turnSchema>;

export const MAX_MESSAGE_CHARS = 32_000;
const title = z.string().trim().min(1).max(200);

export const chatCommands = {
  'chat.list_conversations': command(
    z.object({}),
    z.object({ conversations: z.array(conversationSchema) }),
    { reads: true },
  ),
  'chat.create_conversation': command(z.object({ title: title.optional() }), conversationSchema, {
    conversation: true,
  }),
  'chat.rename_conversation': command(z.object({ id, title }), conversationSchema, {
    audit: 'chat.conversation_renamed',
  }),
  'chat.delete_conversation': command(z.object({ id }), z.object({ deleted: z.literal(true) }), {
    audit: 'chat.conversation_deleted',
  }),
  'chat.get_conversation': command(
    z.object({ id }),
    z.object({ conversation: conversationSchema, turns: z.array(turnSchema) }),
    { reads: true },
  ),
  'chat.send_message': command(
    z.object({ conversationId: id, text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }),
    z.object({ turnId: id }),
    { conversation: true },
  ),
  /** The words being typed or spoken so far: the model reads them ahead of the turn. */
  'chat.preload': command(
    z.object({
      conversationId: id,
      text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
      /** The speaker paused: these are likely the final words; the reply's start is generated too. */
      pause: z.boolean().optional(),
    }),
    z.object({ preloaded: z.boolean() }),
    { reads: true },
  ),
  'chat.cancel_turn': command(
    z.object({ turnId: id.optional() }),
    z.object({ cancelled: z.boolean() }),
    { conversation: true },
  ),
  'turn.get_state': command(
    z.object({}),
    z.object({ state: turnStateSchema, turnId: id.nullable() }),
    { reads: true },
  ),
};

export const chatEvents = {
  'turn.state_changed': z.object({
    turnId: id.nullable(),
    conversationId: id.nullable(),
    state: turnStateSchema,
    previous: turnStateSchema,
  }),
  'chat.turn_started': z.object({ turn: turnSchema }),
  'chat.turn_finished': z.object({ turn: turnSchema }),
  'chat.conversations_changed': z.object({
    reason: z.enum(['created', 'renamed', 'deleted', 'updated']),
    id,
  }),
  /** The memories put into this turn's prompt, so the user can see what was used. */
  'chat.memory_used': z.object({
    turnId: id,
    items: z.array(z.object({ id: z.string(), content: z.string(), privacy: z.string() })),
  }),
};
