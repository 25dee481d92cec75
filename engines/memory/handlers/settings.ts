// Memory's settings (pause upkeep, model suggestions) and the export of everything it keeps.
import { join } from 'node:path';
import type { HandlersFor } from '../../bus/index.ts';
import type { MemoryCore } from '../memory-core.ts';

type Settings = Pick<
  HandlersFor<'memory'>,
  'memory.get_settings' | 'memory.set_settings' | 'memory.export'
>;

export function settingsHandlers(core: MemoryCore): Settings {
  const { deps, changed, settingsView } = core;
  return {
    'memory.get_settings': () => settingsView(),
    'memory.set_settings': (input, ctx) => {
      ctx.note?.({ details: { ...input } });
      if (input.consolidationPaused !== undefined)
        deps.settings.set('memory.consolidation_paused', input.consolidationPaused);
      if (input.modelExtraction !== undefined)
        deps.settings.set('memory.model_extraction', input.modelExtraction);
      if (input.keeping !== undefined) deps.settings.set('memory.keeping', input.keeping);
      changed('settings', null);
      return settingsView();
    },
    'memory.export': async (_input, ctx) => {
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
      const path = join(deps.dataDir, 'exports', `memory-${stamp}.json`);
      const o = await deps.bus.invoke(
        'policy.perform',
        {
          capability: 'memory.export',
          target: path,
          actor: 'user',
          why: 'you asked to export your memories',
        },
        { changeId: ctx.changeId },
      );
      return {
        status: o.status,
        path: o.status === 'done' ? path : null,
        explanation: o.explanation,
      };
    },
  };
}
