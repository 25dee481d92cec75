// L4's commands: generate (agent loop, API tools, background), embed, cancel, status,
// and the remote server's settings (a router.configure action).
import { AetherError, type HandlersFor } from '../../bus/index.ts';
import { withInstructions } from '../agent/agent-loop.ts';
import type { ModelManager } from '../models/model-manager.ts';
import { generateHandler, temperatureOf, type GenerateParts } from './generate.ts';

type Parts = GenerateParts & { models: ModelManager };

/** The ids in an OpenAI-style model list ({ data: [{ id }] }), or why there are none. */
function modelsOf(body: string): { models: string[]; problem: string | null } {
  try {
    const data = (JSON.parse(body) as { data?: Array<{ id?: unknown }> }).data ?? [];
    const models = data.flatMap((m) => (typeof m.id === 'string' ? [m.id] : []));
    return { models, problem: models.length ? null : 'the server lists no models' };
  } catch {
    return { models: [], problem: 'the server did not answer with an OpenAI-style model list' };
  }
}

export function routerHandlers(p: Parts): HandlersFor<'router'> {
  const { bus, local, remote } = p;
  return {
    'router.generate': generateHandler(p),
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
    'router.preload': (input) => {
      const messages = input.agent ? withInstructions(input.messages) : input.messages;
      // Sampled as the turn will be, so the words generated ahead could have been its own.
      const o = { speculate: input.speculate, temperature: temperatureOf(p, input.temperature) };
      return { preloaded: local.main()?.preload(messages, o) ?? false };
    },
    'router.cancel': (input) => ({
      cancelled: remote.cancel(input.turnId) || (local.main()?.cancel(input.turnId) ?? false),
    }),
    'router.get_status': () => local.status(),
    'router.get_remote': () => remote.view(),
    'router.probe_remote': async (input, ctx) => {
      const target = `${input.baseUrl.replace(/\/+$/, '')}/models`;
      const why = 'see which models this server offers before connecting to it';
      const o = await bus.invoke(
        'policy.perform',
        { capability: 'web.fetch', target, actor: 'user', why },
        { changeId: ctx.changeId },
      );
      if (o.status !== 'done') return { models: [], problem: o.error?.message ?? o.explanation };
      return modelsOf(String(o.result && (o.result as { output?: string }).output));
    },
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
