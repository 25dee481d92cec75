// What L2's handlers share: the base (memory-base.ts), the model extractor, and the ways a fact
// is written (through L5), proposed (waiting for the user) or forgotten (facts.ts).
import type { FactWrite } from '../bus/index.ts';
import { createModelExtractor } from './extract-model.ts';
import {
  askToWrite,
  forgetAll,
  propose,
  writeExtracted,
  writeFact,
  type AskOptions,
} from './facts.ts';
import { createBase, type MemoryDeps } from './memory-base.ts';
import type { StoredItem } from './store.ts';

export { DAY, type MemoryBase, type MemoryDeps } from './memory-base.ts';

export function createMemoryCore(deps: MemoryDeps) {
  const b = createBase(deps);
  const extractor = createModelExtractor({
    bus: deps.bus,
    enabled: () => b.settingsView().modelExtraction,
    clock: deps.clock,
    idleMs: deps.extractIdleMs ?? 20_000,
    maxTokens: deps.extractMaxTokens ?? 160,
    write: (c, found, by) => writeExtracted(b, c, found, by),
  });
  return {
    ...b,
    extractor,
    writeFact: (w: FactWrite) => writeFact(b, w),
    askToWrite: (w: FactWrite, changeId: string | undefined, o: AskOptions) =>
      askToWrite(b, w, changeId, o),
    propose: (w: FactWrite) => propose(b, w),
    forgetAll: (items: StoredItem[], at: number) => forgetAll(b, items, at),
  };
}

export type MemoryCore = ReturnType<typeof createMemoryCore>;
