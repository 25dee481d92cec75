// L4's commands: generate (reflex, agent loop, API tools, background), embed, cancel, status,
// and the remote server's settings (a router.configure action).
import {
  AetherError,
  type Bus,
  type ChatMessage,
  type Clock,
  type HandlersFor,
} from '../../bus/index.ts';
import { runAgent } from '../agent/agent-loop.ts';
import { passThrough, type Generator } from '../generate.ts';
import { classify } from '../intent.ts';
import type { LocalTiers } from '../local-tiers.ts';
import type { ModelManager } from '../models/model-manager.ts';
import type { RemoteTier } from '../remote/remote-tier.ts';

type Parts = {
  bus: Bus;
  local: LocalTiers;
  remote: RemoteTier;
  models: ModelManager;
  generator: Generator;
  clock: Clock;
  maxTokens?: number;
  temperature?: number;
};

export function routerHandlers(p: Parts): HandlersFor<'router'> {
  const { bus, local, remote, generator } = p;
  let reflexCount = 0;
  return {
    'router.generate': async (input, ctx) => {
      const { turnId } = input;
      if (input.background) return generator.runBackground(input);
      generator.cancelBackground();
      const meta = { source: 'router' as const, changeId: ctx.changeId, turnId };
      // Time to first token is measured from the request, so it includes any wait for the model
      // (and, in the agent loop, for tools): it is the time until the user sees words.
      const startedAt = p.clock.monotonic();
      let ttftMs: number | null = null;
      let visible = 0;
      const onToken = (text: string) => {
        if (visible === 0) {
          ttftMs = p.clock.monotonic() - startedAt;
          bus.emit('router.first_token', { turnId, ttftMs }, meta);
        }
        bus.emit('router.token', { turnId, text, index: visible++ }, meta);
      };
      const options = {
        maxTokens: input.maxTokens ?? p.maxTokens ?? 512,
        temperature: input.temperature ?? p.temperature ?? 0.7,
        jsonSchema: input.jsonSchema,
      };
      let quick = false;
      const viaApi = ctx.origin === 'api';
      const once = (messages: ChatMessage[], sink: (text: string) => void) =>
        generator.generateOnce(
          turnId,
          messages,
          { ...options, quick, hints: input.route, viaApi },
          sink,
          ctx.changeId,
        );
      if (input.tools?.length)
        return { ...(await passThrough(input.tools, input.messages, once, onToken)), ttftMs };
      const lastUser = [...input.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
      const intent = classify(
        lastUser,
        new Date(p.clock.now()),
        input.phrases && { ...input.phrases, turn: reflexCount },
      );
      if (intent.kind === 'reflex') reflexCount++;
      // The companion's own turns may be answered by reflex (no model, well under 100 ms).
      if (input.agent && intent.kind === 'reflex') {
        const note =
          local.main() || remote.available()
            ? ''
            : ' (No model is installed yet: open the Models tab to add one.)';
        bus.emit(
          'router.route_decided',
          {
            turnId,
            tier: 'reflex',
            provider: 'aether',
            model: null,
            rationale: 'needs no model',
            fallbacks: [],
          },
          meta,
        );
        onToken(intent.reply + note);
        return {
          text: intent.reply + note,
          stopReason: 'end' as const,
          model: 'reflex',
          tokens: 0,
          promptTokens: 0,
          ttftMs,
          tokensPerSecond: null,
        };
      }
      quick = intent.kind === 'quick';
      const agent = input.agent;
      const result = agent
        ? await runAgent(
            {
              bus,
              turnId,
              changeId: ctx.changeId,
              actor: agent.actor,
              maxSteps: agent.maxSteps,
              generate: once,
              onToken,
            },
            input.messages,
          )
        : await once(input.messages, onToken);
      return { ...result, ttftMs };
    },
    'router.embed': async (input) => {
      const model = p.models.defaultEmbedding();
      if (!model)
        throw new AetherError(
          'ModelNotInstalled',
          'No embedding model is installed; memory search uses words only until one is.',
        );
      const vectors = await local.embedderFor(model).embed(input.texts);
      return { model: model.name, dims: vectors[0]?.length ?? 0, vectors };
    },
    'router.cancel': (input) => ({
      cancelled: remote.cancel(input.turnId) || (local.main()?.cancel(input.turnId) ?? false),
    }),
    'router.get_status': () => local.status(),
    'router.get_remote': () => remote.view(),
    // Where replies may be sent is L5's to allow: a new server or key is a router.configure action.
    'router.set_remote': async (input, ctx) => {
      const why = `send replies to ${input.model} at ${input.baseUrl} when allowed`;
      const outcome = await bus.invoke(
        'policy.perform',
        { capability: 'router.configure', ...remote.configure.request(input), actor: 'user', why },
        { changeId: ctx.changeId },
      );
      if (outcome.status !== 'done')
        throw new AetherError('PolicyDenied', outcome.error?.message ?? outcome.explanation);
      return remote.view();
    },
  };
}
