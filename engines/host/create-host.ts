// The composition root: storage, the bus and the engines, built with plain constructor
// injection and disposed in reverse order. Desktop and headless modes both start here.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  createBus,
  DisposableSet,
  type BehaviorFrame,
  randomId,
  systemClock,
  type Bus,
  type CatalogEntry,
  type Clock,
  type Executors,
  type Health,
  type NewId,
} from '../bus/index.ts';
import { createInteractionEngine, type SpawnSpeech } from '../interaction/index.ts';
import { createMemoryEngine, type MemoryDeps } from '../memory/index.ts';
import { createPersonaEngine } from '../persona/index.ts';
import {
  createPolicyEngine,
  fileVault,
  vaultDir,
  type KeyVault,
  type WorkspaceFolder,
} from '../policy/index.ts';
import { createToolset, type Clipboard } from '../tools/index.ts';
import { createPresenceEngine, type FrameOptions } from '../presence/index.ts';
import {
  createRouterEngine,
  defaultCatalog,
  defaultThreads,
  type SpawnWorker,
} from '../router/index.ts';
import { openStorage, type Storage } from '../storage/index.ts';
import { createTrustEngine } from '../trust/index.ts';
import {
  everythingExecutors,
  everythingHandlers,
  recordDeletion,
  type EverythingDeps,
} from './everything.ts';
import { forkWorker } from './fork-worker.ts';
import { logEvents } from './log-events.ts';
import { createMetrics } from './metrics.ts';
import { speechOf } from './speech-of.ts';
import { silentLogger, type Logger } from './logger.ts';
import { workspaceFolder } from './workspace-folder.ts';
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
  /** Starts the speech process (forked from the source tree unless given; null: no voice). */
  spawnSpeech?: SpawnSpeech | null;
  /** Speech pack folders loaded besides those installed in the data folder (`--speech DIR`). */
  speechPacks?: string[];
  /** Stops this host, wipes the data and starts a fresh one (the desktop relaunches; headless swaps hosts). */
  onDeleteEverything?: () => void;
  /** A host started for scripts and tests needs no first run: it is marked skipped if never started. */
  skipFirstRun?: boolean;
  /** Executors of the shell around the host (the desktop's update check), run only through L5. */
  executors?: Executors;
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
  /** A binary audio frame from a transport (16 kHz mono int16); throws a typed error. */
  audio(frame: Uint8Array): void;
  /** Spoken pieces of replies (binary frames, engines/bus/speech-frame.ts); returns the unsubscribe. */
  onSpeech(listener: (frame: Uint8Array) => void): () => void;
  /** What the host has done since it started, in Prometheus's text format (`/metrics`). */
  metrics(): Promise<string>;
  /** The avatar's behaviour frames for one renderer, at the rate it asks; returns the stop. */
  onPresence(options: FrameOptions, listener: (frame: BehaviorFrame) => void): () => void;
  dispose(): Promise<void>;
};

/** What every engine is built on. */
type Base = {
  options: HostOptions;
  resources: Resources;
  clock: Clock;
  newId: NewId;
  storage: Storage;
  bus: Bus;
  workspace: WorkspaceFolder;
  keyVault: KeyVault;
};

/** L5 first: every other engine's side effects go through it. */
function createPolicy(b: Base) {
  const { options, resources, clock, newId, storage, bus, keyVault } = b;
  const { dataDir } = options;
  const { db, settings } = storage;
  return createPolicyEngine({
    bus,
    db,
    settings,
    dataDir,
    workspace: b.workspace,
    keyVault,
    clock,
    newId,
    sessionId: newId(),
    executors: createToolset({
      workspace: b.workspace.get,
      trashDir: join(dataDir, 'trash'),
      clipboard: options.clipboard,
    }),
    verifyWorkerEntry: resources.auditWorkerEntry,
    approvalTimeoutMs: options.approvalTimeoutMs,
    bundledPersonasDir: resources.personasDir,
  });
}

function createRouter(b: Base) {
  const { options, resources, storage } = b;
  return createRouterEngine({
    bus: b.bus,
    clock: b.clock,
    newId: b.newId,
    db: storage.db,
    settings: storage.settings,
    dataDir: options.dataDir,
    secrets: b.keyVault,
    modelPath: options.modelPath ?? null,
    maxTokens: options.maxTokens,
    contextSize: options.contextSize,
    catalog: options.modelCatalog ?? defaultCatalog(),
    spawnWorker: options.spawnWorker ?? forkWorker(resources.workerEntry),
    threads: options.threads ?? defaultThreads(),
  });
}

/** The engines, in start order (disposed in reverse). */
function createEngines(b: Base) {
  const { options, resources, clock, newId, storage, bus } = b;
  const { dataDir } = options;
  const { db, settings } = storage;
  const policy = createPolicy(b);
  const userDir = join(dataDir, 'personas');
  const persona = createPersonaEngine({
    bus,
    personasDir: resources.personasDir,
    userDir,
    settings,
    clock,
  });
  const presence = createPresenceEngine({ bus, clock, store: { dataDir, settings } });
  const router = createRouter(b);
  const memory = createMemoryEngine({
    bus,
    db,
    dataDir,
    clock,
    newId,
    settings,
    ...options.memory,
  });
  const memoryExecutors = memory.executors();
  const everything: EverythingDeps = {
    dataDir,
    clock,
    bus,
    storage,
    ledger: policy.ledger,
    memoryExport: memoryExecutors['memory.export'],
    onDeleteEverything: options.onDeleteEverything,
  };
  policy.registerExecutors({
    ...everythingExecutors(everything),
    ...router.executors(),
    ...memoryExecutors,
    ...persona.executors(),
    ...presence.executors(),
    ...options.executors,
  });
  const interaction = createInteractionEngine({
    bus,
    conversations: storage.conversations,
    clock,
    newId,
    speech: speechOf(b, () => router.importedSpeechPacks()),
  });
  const trust = createTrustEngine({ bus, clock, settings, dataDir });
  if (options.skipFirstRun) trust.skipFirstRun();
  return { engines: { policy, persona, presence, router, memory, interaction, trust }, everything };
}

function healthOf(b: Base, engines: ReturnType<typeof createEngines>['engines']): Health {
  const schema = b.storage.migrations.current;
  return {
    name: 'aether',
    version: VERSION,
    mode: b.options.mode,
    uptimeMs: Math.round(b.clock.monotonic()),
    engines: {
      storage: { state: 'ok', detail: `schema ${schema}` },
      interaction: engines.interaction.health(),
      presence: engines.presence.health(),
      router: engines.router.health(),
      persona: engines.persona.health(),
      policy: engines.policy.health(),
      memory: engines.memory.health(),
      trust: engines.trust.health(),
    },
  };
}

export function createHost(options: HostOptions): Host {
  const resources = { ...sourceResources, ...options.resources };
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock();
  const storage = openStorage({ dataDir: options.dataDir, migrationsDir: resources.migrationsDir });
  const newId = options.newId ?? randomId;
  const b: Base = {
    options,
    resources,
    clock,
    newId,
    storage,
    bus: createBus({ clock, newId }),
    workspace: workspaceFolder(options.workspace, storage.settings),
    keyVault: options.keyVault ?? fileVault(vaultDir(options.dataDir)),
  };
  const { bus } = b;
  const { engines, everything } = createEngines(b);
  const own = new DisposableSet();
  logEvents(bus, log, own);
  for (const engine of Object.values(engines)) engine.start();
  log.info('host.started', {
    mode: options.mode,
    version: VERSION,
    schema: storage.migrations.current,
  });
  const health = () => healthOf(b, engines);
  const metrics = createMetrics(bus);
  own.add(metrics);
  own.add(bus.handle('host.get_health', health));
  own.add(bus.handleAll(everythingHandlers(everything)));
  void recordDeletion(bus, options.dataDir).catch((error: Error) =>
    log.error('host.deletion_unrecorded', { error: error.message }),
  );
  let disposed = false;
  return {
    bus,
    storage,
    resources,
    health,
    metrics: () => metrics.render(),
    audio: (frame) => engines.interaction.audio(frame),
    onSpeech: (listener) => engines.interaction.onSpeech(listener),
    onPresence: (options, listener) => engines.presence.subscribe(options, listener),
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
