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
import type { ModelManager } from './models/model-manager.ts';
import { planRoute, type RouteFacts } from './plan-route.ts';
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

export function createGenerator(p: Parts) {
  const { bus, local, remote } = p;

  async function generateOnce(
    turnId: string,
    messages: ChatMessage[],
    options: GenerateOptions,
    onToken: (text: string) => void,
    changeId: string,
  ): Promise<GenerationResult> {
    const meta = { source: 'router' as const, changeId, turnId };
    const small = local.smallFor(p.models.smallChat());
    const view = remote.view();
    const plan = planRoute({
      quick: options.quick ?? false,
      hasSmall: small !== null,
      hasLocal: local.main() !== null,
      hints: options.hints,
      remote: {
        configured: Boolean(view.baseUrl),
        available: remote.available(),
        prefer: remote.prefer(),
        userChose: remote.userChosePreference(),
        breaker: view.breaker,
      },
    });
    let why = plan.why;
    let lastError: AetherError | null = null;
    for (const [i, tier] of plan.tiers.entries()) {
      const fallbacks = plan.tiers.slice(i + 1);
      const started = p.monotonic();
      if (tier === 'local' || tier === 'local-small') {
        const provider = tier === 'local' ? local.main()! : small!;
        const shown = tier === 'local' ? local.status().model : local.smallName();
        bus.emit(
          'router.route_decided',
          { turnId, tier, provider: 'local', model: shown, rationale: why, fallbacks },
          meta,
        );
        const model = await provider.load();
        bus.emit('router.generation_started', { turnId, model }, meta);
        const r = await provider.generate({ id: turnId, messages, ...options }, (text) =>
          onToken(text),
        );
        return { ...r, model };
      }
      const v = remote.view();
      bus.emit(
        'router.route_decided',
        {
          turnId,
          tier,
          provider: new URL(v.baseUrl!).host,
          model: v.model,
          rationale: why,
          fallbacks,
        },
        meta,
      );
      bus.emit('router.generation_started', { turnId, model: v.model! }, meta);
      const r = await remote.generate({ turnId, messages, ...options }, onToken, changeId);
      if (r.ok) {
        const ms = p.monotonic() - started;
        const tokensPerSecond = r.tokens > 1 && ms > 0 ? (r.tokens * 1000) / ms : null;
        return {
          text: r.text,
          stopReason: r.stopReason,
          model: r.model,
          tokens: r.tokens,
          promptTokens: r.promptTokens,
          ttftMs: null,
          tokensPerSecond,
        };
      }
      why = `the remote model was not used: ${r.reason}`;
      lastError = new AetherError(
        'RemoteUnavailable',
        `The remote model was not used: ${r.reason}`,
      );
    }
    throw lastError ?? new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
  }

  // Engine work (memory extraction, session summaries): this machine's model only, silent, and the
  // first to give way: a turn that starts cancels it, so it never delays a reply.
  const backgroundRuns = new Map<string, { cancelled: boolean }>();
  async function runBackground(input: {
    turnId: string;
    messages: ChatMessage[];
    maxTokens?: number;
    temperature?: number;
    jsonSchema?: Record<string, unknown>;
  }): Promise<GenerationResult> {
    const provider = local.main();
    if (!provider) throw new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
    const run = { cancelled: false };
    backgroundRuns.set(input.turnId, run);
    try {
      const model = await provider.load();
      // A turn may have started while the model loaded.
      if (run.cancelled)
        return {
          text: '',
          stopReason: 'cancelled',
          model,
          tokens: 0,
          promptTokens: 0,
          ttftMs: null,
          tokensPerSecond: null,
        };
      const request = {
        id: input.turnId,
        messages: input.messages,
        maxTokens: input.maxTokens ?? 256,
        temperature: input.temperature ?? 0,
        jsonSchema: input.jsonSchema,
      };
      const r = await provider.generate(request, () => {});
      return { ...r, model, ttftMs: null };
    } finally {
      backgroundRuns.delete(input.turnId);
    }
  }

  /** A turn is starting: background work gives way. */
  function cancelBackground(): void {
    for (const [id, run] of backgroundRuns) {
      run.cancelled = true;
      local.main()?.cancel(id);
    }
  }

  return { generateOnce, runBackground, cancelBackground };
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
