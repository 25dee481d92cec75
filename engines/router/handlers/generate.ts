// router.generate: background work, tools passed through for API clients, or the model (with the
// agent loop for the companion's own turns). Replies that need no model are L1's (its reflex
// tier). Tokens are streamed as events; time to first token counts from the request.
import type {
  Bus,
  ChatMessage,
  Clock,
  CommandContext,
  CommandHandler,
  GenerationResult,
  ParsedInput,
} from '../../bus/index.ts';
import { runAgent } from '../agent/agent-loop.ts';
import { passThrough, type Generator } from '../generate.ts';
import { isQuick } from '../quick.ts';
import type { LocalTiers } from '../local-tiers.ts';
import type { RemoteTier } from '../remote/remote-tier.ts';

export type GenerateParts = {
  bus: Bus;
  local: LocalTiers;
  remote: RemoteTier;
  generator: Generator;
  clock: Clock;
  maxTokens?: number;
  temperature?: number;
};

type Input = ParsedInput<'router.generate'>;

/** The temperature a reply is sampled at: the caller's, else this host's, else 0.7. */
export const temperatureOf = (p: Pick<GenerateParts, 'temperature'>, asked?: number) =>
  asked ?? p.temperature ?? 0.7;
type Meta = { source: 'router'; changeId: string; turnId: string };

/** Streams tokens as events; the first one also says how long the user waited for it. */
function tokenStream(p: GenerateParts, turnId: string, meta: Meta) {
  // Measured from the request, so it includes any wait for the model (and, in the agent loop,
  // for tools): it is the time until the user sees words.
  const startedAt = p.clock.monotonic();
  let ttftMs: number | null = null;
  let visible = 0;
  return {
    onToken(text: string): void {
      if (visible === 0) {
        ttftMs = p.clock.monotonic() - startedAt;
        p.bus.emit('router.first_token', { turnId, ttftMs }, meta);
      }
      p.bus.emit('router.token', { turnId, text, index: visible++ }, meta);
    },
    ttftMs: () => ttftMs,
  };
}

async function fromModel(
  p: GenerateParts,
  input: Input,
  ctx: CommandContext,
  quick: boolean,
  onToken: (text: string) => void,
) {
  const options = {
    maxTokens: input.maxTokens ?? p.maxTokens ?? 512,
    temperature: temperatureOf(p, input.temperature),
    jsonSchema: input.jsonSchema,
  };
  const viaApi = ctx.origin === 'api';
  const once = (messages: ChatMessage[], sink: (text: string) => void) =>
    p.generator.generateOnce(
      input.turnId,
      messages,
      { ...options, quick, hints: input.route, viaApi },
      sink,
      ctx.changeId,
    );
  if (input.tools?.length) return passThrough(input.tools, input.messages, once, onToken);
  const agent = input.agent;
  if (!agent) return once(input.messages, onToken);
  const { bus } = p;
  const { actor, maxSteps } = agent;
  const run = { bus, turnId: input.turnId, changeId: ctx.changeId, actor, maxSteps };
  return runAgent({ ...run, generate: once, onToken }, input.messages);
}

export function generateHandler(p: GenerateParts): CommandHandler<'router.generate'> {
  return async (input, ctx): Promise<GenerationResult> => {
    const { turnId } = input;
    if (input.background) return p.generator.runBackground(input);
    p.generator.cancelBackground();
    const meta: Meta = { source: 'router', changeId: ctx.changeId, turnId };
    const stream = tokenStream(p, turnId, meta);
    const lastUser = [...input.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
    const quick = !input.tools?.length && isQuick(lastUser);
    const result = await fromModel(p, input, ctx, quick, stream.onToken);
    return { ...result, ttftMs: stream.ttftMs() };
  };
}
