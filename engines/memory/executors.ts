// L5's executors for memory: they run only once the gate allowed a durable write or an export.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AetherError, type Executors } from '../bus/index.ts';
import type { MemoryCore } from './memory-core.ts';

export function memoryExecutors(core: MemoryCore): Executors {
  const { store, queries, deps, changed } = core;
  return {
    'memory.write_durable': async (req) => {
      const w = req.input;
      if (!w) throw new AetherError('BadRequest', 'nothing to remember');
      if ('confirmId' in w) {
        const item = core.require(w.confirmId);
        queries.setStatus(item.id, 'active', deps.clock.now());
        store.index(item.rowid, item.content);
        changed('confirmed', item.id);
        return { summary: `remembered: ${item.content}`, output: item.id };
      }
      const item = core.writeFact(w);
      const note = item.contradicts ? ' (contradicts something remembered earlier)' : '';
      return { summary: `remembered: ${item.content}${note}`, output: item.id };
    },
    'memory.export': async (req) => {
      const items = queries.exportable();
      mkdirSync(dirname(req.path!), { recursive: true });
      const provenance = (id: string) => queries.provenance(id);
      const body = {
        exportedAt: new Date(deps.clock.now()).toISOString(),
        items: items.map((i) => ({ ...i, provenance: provenance(i.id) })),
      };
      writeFileSync(req.path!, JSON.stringify(body, null, 2), { mode: 0o600 });
      return { summary: `exported ${items.length} memories to ${req.path}`, output: req.path! };
    },
  };
}
