export { createHost, VERSION, type Host, type HostOptions } from './create-host.ts';
export { createLogger, silentLogger, type Logger } from './logger.ts';
export { defaultDataDir, sourceResources, type Resources } from './paths.ts';
export { forkSpeech, forkWorker } from './fork-worker.ts';
export { dispatch } from './transports/dispatch.ts';
export { startServer, type RunningServer } from './transports/http-server.ts';
export type { SpawnWorker, WorkerHandle } from '../router/index.ts';
export type { SpawnSpeech } from '../interaction/index.ts';
export { fileVault, type KeyVault } from '../policy/index.ts';
