// The model manager's commands: list, download and import (L5 actions), cancel, remove, and the
// default and quick-reply models (audited: the row commits with the change; files and model
// loads wait for the commit).
import type { Bus, HandlersFor } from '../../bus/index.ts';
import type { ModelManager } from './model-manager.ts';

export function modelHandlers(bus: Bus, models: ModelManager): HandlersFor<'models'> {
  return {
    'models.list': () => models.list(),
    'models.download': async (input, ctx) => {
      const entry = models.entry(input.catalogId);
      const why = `download ${entry.name} (${(entry.sizeBytes / 1e9).toFixed(2)} GB, ${entry.licence})`;
      const outcome = await bus.invoke(
        'policy.perform',
        { capability: 'models.download', target: entry.url, actor: 'user', why },
        { changeId: ctx.changeId },
      );
      return outcome.status === 'done'
        ? { started: true, reason: null }
        : { started: false, reason: outcome.error?.message ?? outcome.explanation };
    },
    'models.cancel_download': (input, ctx) => {
      ctx.note?.({ resource: input.catalogId });
      return { cancelled: models.cancel(input.catalogId) };
    },
    'models.import': async (input, ctx) => {
      const outcome = await bus.invoke(
        'policy.perform',
        {
          capability: 'models.import',
          target: input.path,
          actor: 'user',
          why: 'use this model file',
        },
        { changeId: ctx.changeId },
      );
      if (outcome.status !== 'done')
        return { model: null, reason: outcome.error?.message ?? outcome.explanation };
      return { model: models.get((outcome.result as { output: string }).output), reason: null };
    },
    'models.remove': (input, ctx) => {
      ctx.note?.({ resource: input.id });
      return { removed: models.remove(input.id, ctx.afterCommit) };
    },
    'models.set_default': (input, ctx) => {
      ctx.note?.({ resource: input.id, details: { role: 'default' } });
      return { model: models.setDefault(input.id, ctx.afterCommit) };
    },
    'models.set_small': (input, ctx) => {
      ctx.note?.({ resource: input.id ?? 'none', details: { role: 'small' } });
      return { model: models.setSmall(input.id) };
    },
  };
}
