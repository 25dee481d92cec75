export { createMemoryEngine, type MemoryEngine, type MemoryDeps } from './memory-engine.ts';
export { retrieve, queryTerms } from './retrieve.ts';
export { MemoryStore } from './store.ts';
export { VectorIndex } from './vectors.ts';
