export {
  createRouterEngine,
  NO_MODEL_MESSAGE,
  type RouterEngine,
  type RouterDeps,
} from './router-engine.ts';
export {
  LocalProvider,
  type LocalGeneration,
  type LocalProviderOptions,
} from './local/local-provider.ts';
export type { SpawnWorker, WorkerHandle } from './local/protocol.ts';
export { defaultThreads } from './threads.ts';
export { defaultCatalog, loadCatalog } from './models/catalog.ts';
export { readGgufHeader } from './models/gguf-header.ts';
