// The composition root: storage, the bus and the engines, built with plain constructor
// injection and disposed in reverse order. Desktop and headless modes both start here.
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  createBus,
  DisposableSet,
  randomId,
  systemClock,
  type Bus,
  type CatalogEntry,
  type Clock,
  type Health,
  type NewId,
} from '../bus/index.ts';
import { createInteractionEngine } from '../interaction/index.ts';
import { createMemoryEngine, type MemoryDeps } from '../memory/index.ts';
import { createPersonaEngine } from '../persona/index.ts';
import { createPolicyEngine, fileVault, vaultDir, type KeyVault } from '../policy/index.ts';
import { createToolset, type Clipboard } from '../tools/index.ts';
import { createPresenceEngine } from '../presence/index.ts';
import {
  createRouterEngine,
  defaultCatalog,
  defaultThreads,
  type SpawnWorker,
} from '../router/index.ts';
import { openStorage, type Storage } from '../storage/index.ts';
import { forkWorker } from './fork-worker.ts';
import { silentLogger, type Logger } from './logger.ts';
import { sourceResources, type Resources } from './paths.ts';

export const VERSION: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;

export type HostOptions = {
  mode: 'desktop' | 'headless';
  dataDir: string;
  modelPath?: string | null;
  resources?: Partial<Resources>;
  spawnWorker?: SpawnWorker;
  threads?: number;
  maxTokens?: number;
  /** The local model's context window in tokens (capped by what the model was trained with). */
  contextSize?: number;
  log?: Logger;
  /** Where file and process actions happen; relative paths resolve here. Defaults to home. */
  workspace?: string;
  /** Where the ledger's keys live: 0600 files headless, the OS keychain on the desktop. */
  keyVault?: KeyVault;
  clipboard?: Clipboard;
  approvalTimeoutMs?: number;
  /** The models offered for download (the bundled catalog unless given). */
  modelCatalog?: CatalogEntry[];
  /** Time for every engine: wall clock, monotonic clock and timers (the system's unless given). */
  clock?: Clock;
  /** Where ids come from (random UUIDs unless given). */
  newId?: NewId;
  /** Memory's background timing (tests shorten the quiet periods). */
  memory?: Pick<
    MemoryDeps,
    'extractIdleMs' | 'extractMaxTokens' | 'summarizeQuietMs' | 'consolidateEveryMs'
  >;
};

export type Host = {
  bus: Bus;
  storage: Storage;
  resources: Resources;
  health(): Health;
  dispose(): Promise<void>;
};

export function createHost(options: HostOptions): Host {
  const resources = { ...sourceResources, ...options.resources };
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock();
  const newId = options.newId ?? randomId;
  const storage = openStorage({ dataDir: options.dataDir, migrationsDir: resources.migrationsDir });
  const bus = createBus({ clock, newId });

  const workspace = options.workspace ?? homedir();
  const keyVault = options.keyVault ?? fileVault(vaultDir(options.dataDir));
  const policy = createPolicyEngine({
    bus,
    db: storage.db,
    settings: storage.settings,
    dataDir: options.dataDir,
    workspace,
    sessionId: newId(),
    keyVault,
    clock,
    newId,
    executors: createToolset({
      workspace,
      trashDir: join(options.dataDir, 'trash'),
      clipboard: options.clipboard,
    }),
    verifyWorkerEntry: resources.auditWorkerEntry,
    approvalTimeoutMs: options.approvalTimeoutMs,
    bundledPersonasDir: resources.personasDir,
  });
  const persona = createPersonaEngine({
    bus,
    personasDir: resources.personasDir,
    userDir: join(options.dataDir, 'personas'),
    settings: storage.settings,
    clock,
  });
  const presence = createPresenceEngine({ bus });
  const router = createRouterEngine({
    bus,
    clock,
    newId,
    modelPath: options.modelPath ?? null,
    maxTokens: options.maxTokens,
    contextSize: options.contextSize,
    db: storage.db,
    settings: storage.settings,
    dataDir: options.dataDir,
    catalog: options.modelCatalog ?? defaultCatalog(),
    secrets: keyVault,
    spawnWorker: options.spawnWorker ?? forkWorker(resources.workerEntry),
    threads: options.threads ?? defaultThreads(),
  });
  const memory = createMemoryEngine({
    bus,
    db: storage.db,
    dataDir: options.dataDir,
    clock,
    newId,
    settings: storage.settings,
    ...options.memory,
  });
  policy.registerExecutors({
    ...router.executors(),
    ...memory.executors(),
    ...persona.executors(),
  });
  const interaction = createInteractionEngine({
    bus,
    conversations: storage.conversations,
    clock,
    newId,
  });
  const engines = { policy, persona, presence, router, memory, interaction };

  const own = new DisposableSet();
  own.add(
    bus.on('router.status_changed', (e) =>
      log.info('router.status', {
        state: e.payload.state,
        model: e.payload.model,
        error: e.payload.error?.code,
      }),
    ),
  );
  own.add(
    bus.on('chat.turn_finished', (e) =>
      log.info('turn.finished', {
        turnId: e.payload.turn.id,
        status: e.payload.turn.status,
        error: e.payload.turn.error?.code,
        tokens: e.payload.turn.tokens,
        ttftMs: e.payload.turn.ttftMs,
      }),
    ),
  );
  for (const engine of Object.values(engines)) engine.start();
  log.info('host.started', {
    mode: options.mode,
    version: VERSION,
    schema: storage.migrations.current,
  });

  let disposed = false;
  const health = (): Health => ({
    name: 'aether',
    version: VERSION,
    mode: options.mode,
    uptimeMs: Math.round(clock.monotonic()),
    engines: {
      storage: { state: 'ok', detail: `schema ${storage.migrations.current}` },
      interaction: interaction.health(),
      presence: presence.health(),
      router: router.health(),
      persona: persona.health(),
      policy: policy.health(),
      memory: memory.health(),
    },
  });
  own.add(bus.handle('host.get_health', health));
  return {
    bus,
    storage,
    resources,
    health,
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const engine of Object.values(engines).reverse()) engine.dispose();
      own.dispose();
      storage.close();
      log.info('host.stopped', {});
    },
  };
}
