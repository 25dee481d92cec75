// One generation through the tiers planRoute chose, falling back when one is refused or fails;
// engine work in the background on this machine's model; and API clients' own tools.
import { AetherError, type Bus, type ChatMessage, type GenerationResult } from '../bus/index.ts';
import {
  callerToolInstructions,
  holdToolCalls,
  parseCallerCall,
  type CallerTool,
} from './agent/tool-protocol.ts';
import type { LocalTiers } from './local-tiers.ts';
import type { LocalProvider } from './local/local-provider.ts';
import type { ModelManager } from './models/model-manager.ts';
import { planRoute, type RouteFacts, type Tier } from './plan-route.ts';
import type { RemoteTier } from './remote/remote-tier.ts';

export const NO_MODEL_MESSAGE =
  'No model is installed, so I cannot answer yet. Open the Models tab to download one, or start Aether with ' +
  '`npm run serve -- --model /path/to/model.gguf` (or set AETHER_MODEL=/path/to/model.gguf). ' +
  'To try Aether without downloading anything, generate a small test model with ' +
  '`npm run make-test-model -- --preset tiny --type q8_0 --out tiny.gguf`.';

export type GenerateOptions = {
  maxTokens: number;
  temperature: number;
  jsonSchema?: Record<string, unknown>;
  quick?: boolean;
  viaApi?: boolean;
  hints?: RouteFacts['hints'];
};

type Parts = {
  bus: Bus;
  local: LocalTiers;
  remote: RemoteTier;
  models: ModelManager;
  monotonic: () => number;
};

type Call = {
  turnId: string;
  messages: ChatMessage[];
  options: GenerateOptions;
  onToken: (text: string) => void;
  changeId: string;
};
type Step = { tier: Tier; why: string; fallbacks: Tier[] };
const metaOf = (c: Call) => ({ source: 'router' as const, changeId: c.changeId, turnId: c.turnId });

function planFor(p: Parts, options: GenerateOptions) {
  const small = p.local.smallFor(p.models.smallChat());
  const view = p.remote.view();
  const plan = planRoute({
    quick: options.quick ?? false,
    hasSmall: small !== null,
    hasLocal: p.local.main() !== null,
    hints: options.hints,
    remote: {
      configured: Boolean(view.baseUrl),
      available: p.remote.available(),
      prefer: p.remote.prefer(),
      userChose: p.remote.userChosePreference(),
      breaker: view.breaker,
    },
  });
  return { plan, small };
}

async function onLocal(
  p: Parts,
  c: Call,
  step: Step,
  provider: LocalProvider,
): Promise<GenerationResult> {
  const { turnId, messages, options } = c;
  const shown = step.tier === 'local' ? p.local.status().model : p.local.smallName();
  const { tier, why: rationale, fallbacks } = step;
  const decided = { turnId, tier, provider: 'local', model: shown, rationale, fallbacks };
  p.bus.emit('router.route_decided', decided, metaOf(c));
  const model = await provider.load();
  p.bus.emit('router.generation_started', { turnId, model }, metaOf(c));
  const r = await provider.generate({ id: turnId, messages, ...options }, (t) => c.onToken(t));
  const { promptTokens, cachedTokens, aheadTokens } = r;
  p.bus.emit('router.prompt_read', { turnId, promptTokens, cachedTokens, aheadTokens }, metaOf(c));
  return { ...r, model };
}

/** The remote model, through L5; the reason it was not used when it was not. */
async function onRemote(p: Parts, c: Call, step: Step): Promise<GenerationResult | string> {
  const { turnId, messages, options } = c;
  const started = p.monotonic();
  const v = p.remote.view();
  const provider = new URL(v.baseUrl!).host;
  const { tier, why: rationale, fallbacks } = step;
  const decided = { turnId, tier, provider, model: v.model, rationale, fallbacks };
  p.bus.emit('router.route_decided', decided, metaOf(c));
  p.bus.emit('router.generation_started', { turnId, model: v.model! }, metaOf(c));
  const r = await p.remote.generate({ turnId, messages, ...options }, c.onToken, c.changeId);
  if (!r.ok) return r.reason ?? 'refused';
  const ms = p.monotonic() - started;
  const tokensPerSecond = r.tokens > 1 && ms > 0 ? (r.tokens * 1000) / ms : null;
  const { text, stopReason, model, tokens, promptTokens } = r;
  return { text, stopReason, model, tokens, promptTokens, ttftMs: null, tokensPerSecond };
}

async function generateOnce(p: Parts, c: Call): Promise<GenerationResult> {
  const { plan, small } = planFor(p, c.options);
  let why = plan.why;
  let lastError: AetherError | null = null;
  for (const [i, tier] of plan.tiers.entries()) {
    const step = { tier, why, fallbacks: plan.tiers.slice(i + 1) };
    if (tier === 'local' || tier === 'local-small')
      return onLocal(p, c, step, tier === 'local' ? p.local.main()! : small!);
    const r = await onRemote(p, c, step);
    if (typeof r !== 'string') return r;
    why = `the remote model was not used: ${r}`;
    lastError = new AetherError('RemoteUnavailable', `The remote model was not used: ${r}`);
  }
  throw lastError ?? new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
}

type BackgroundInput = {
  turnId: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  jsonSchema?: Record<string, unknown>;
};
type Runs = Map<string, { cancelled: boolean }>;

// Engine work (memory extraction, session summaries): this machine's model only, silent, and the
// first to give way: a turn that starts cancels it, so it never delays a reply.
async function runBackground(
  p: Parts,
  runs: Runs,
  input: BackgroundInput,
): Promise<GenerationResult> {
  const provider = p.local.main();
  if (!provider) throw new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
  const run = { cancelled: false };
  runs.set(input.turnId, run);
  try {
    const model = await provider.load();
    const none = { tokens: 0, promptTokens: 0, ttftMs: null, tokensPerSecond: null };
    // A turn may have started while the model loaded.
    if (run.cancelled) return { text: '', stopReason: 'cancelled', model, ...none };
    const request = {
      id: input.turnId,
      messages: input.messages,
      maxTokens: input.maxTokens ?? 256,
      temperature: input.temperature ?? 0,
      jsonSchema: input.jsonSchema,
      lane: 'background' as const,
    };
    const r = await provider.generate(request, () => {});
    return { ...r, model, ttftMs: null };
  } finally {
    runs.delete(input.turnId);
  }
}

export function createGenerator(p: Parts) {
  const runs: Runs = new Map();
  return {
    generateOnce: (
      turnId: string,
      messages: ChatMessage[],
      options: GenerateOptions,
      onToken: (text: string) => void,
      changeId: string,
    ) => generateOnce(p, { turnId, messages, options, onToken, changeId }),
    runBackground: (input: BackgroundInput) => runBackground(p, runs, input),
    /** A turn is starting: background work gives way. */
    cancelBackground(): void {
      for (const [id, run] of runs) {
        run.cancelled = true;
        p.local.main()?.cancel(id);
      }
    },
  };
}

export type Generator = ReturnType<typeof createGenerator>;

/** API clients' own tools: the model may propose a call, which goes back to the caller to run. */
export async function passThrough(
  tools: CallerTool[],
  messages: ChatMessage[],
  once: (m: ChatMessage[], sink: (t: string) => void) => Promise<GenerationResult>,
  onToken: (t: string) => void,
): Promise<GenerationResult> {
  const doc = callerToolInstructions(tools);
  const [first, ...rest] = messages;
  const prompt: ChatMessage[] =
    first?.role === 'system'
      ? [{ ...first, text: `${first.text}\n\n${doc}` }, ...rest]
      : [{ role: 'system', text: doc }, ...messages];
  const stream = holdToolCalls(onToken);
  const result = await once(prompt, stream.push);
  const call = parseCallerCall(result.text, tools);
  if (!call) {
    stream.release();
    return result;
  }
  return {
    ...result,
    text: '',
    toolCalls: [{ id: `call_${Math.random().toString(36).slice(2, 10)}`, ...call }],
  };
}
