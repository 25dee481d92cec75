// Headless mode: `npm run serve -- [--port N] [--host ADDR] [--data-dir DIR] [--model FILE.gguf]
// [--workspace DIR] [--skip-first-run]`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AetherError } from '../bus/index.ts';
import { createHost, type Host } from './create-host.ts';
import { wipeData } from './everything.ts';
import { createLogger } from './logger.ts';
import { fileVault } from '../policy/index.ts';
import { createApiKey } from './transports/openai-api.ts';
import { defaultDataDir } from './paths.ts';
import { startServer, type RunningServer } from './transports/http-server.ts';

const DEFAULT_PORT = 8473;

function fail(message: string): never {
  console.error(`aether: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
    model: { type: 'string' },
    'max-tokens': { type: 'string' },
    workspace: { type: 'string' },
    'context-size': { type: 'string' },
    speech: { type: 'string', multiple: true },
    'skip-first-run': { type: 'boolean', default: false },
  },
  strict: true,
});

const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a number from 0 to 65535, not '${values.port}'`);
const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0))
  fail('--max-tokens must be a positive whole number');
const contextSize =
  values['context-size'] === undefined ? undefined : Number(values['context-size']);
if (contextSize !== undefined && !(Number.isInteger(contextSize) && contextSize >= 512))
  fail('--context-size must be a whole number of at least 512 tokens');
const dataDir = resolve(values['data-dir'] ?? process.env.AETHER_DATA_DIR ?? defaultDataDir());
const modelArg = values.model ?? process.env.AETHER_MODEL;
const modelPath = modelArg ? resolve(modelArg) : null;
if (modelPath && !existsSync(modelPath)) fail(`model file not found: ${modelPath}`);

if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
  console.warn(
    `aether: WARNING: binding to ${values.host} makes Aether reachable from other machines on that network. ` +
      'Anyone with the token can talk to your companion. Use the default (127.0.0.1) unless you mean it.',
  );
}

// Tuning for slow machines (and tests): how long memory waits for quiet before the model looks
// for facts, and how long an answer it may write.
const positive = (name: string) => {
  const raw = process.env[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n > 0))
    fail(`${name} must be a positive whole number, not '${raw}'`);
  return n;
};
const memory = {
  extractIdleMs: positive('AETHER_EXTRACT_IDLE_MS'),
  extractMaxTokens: positive('AETHER_EXTRACT_MAX_TOKENS'),
};

const speechPacks = (values.speech ?? []).map((dir) => resolve(dir));
for (const dir of speechPacks)
  if (!existsSync(resolve(dir, 'pack.json'))) fail(`--speech ${dir}: no pack.json there`);

const log = createLogger({ dir: resolve(dataDir, 'logs') });
const makeHost = (skipFirstRun: boolean): Host =>
  createHost({
    mode: 'headless',
    dataDir,
    modelPath,
    maxTokens,
    contextSize,
    log,
    workspace: values.workspace ? resolve(values.workspace) : undefined,
    memory,
    speechPacks,
    skipFirstRun,
    onDeleteEverything: () => void startAfresh(),
  });

let host: Host;
try {
  host = makeHost(values['skip-first-run']);
} catch (error) {
  fail(
    error instanceof AetherError ? error.message : `could not start: ${(error as Error).message}`,
  );
}

// The API key persists (other apps are configured with it once); it lives with the other secrets.
function apiKeyOf(): string {
  const vault = fileVault(resolve(dataDir, 'keys'));
  const existing = vault.read('api-key');
  if (existing) return existing;
  const k = createApiKey();
  vault.write('api-key', k);
  return k;
}
const apiKey = apiKeyOf();

/** Delete everything: this host stops, the data and keys go, a fresh host (and API key) takes over. */
async function startAfresh(): Promise<void> {
  const old = host;
  const { head } = await old.bus.invoke('policy.get_state', {});
  await old.dispose();
  const removed = wipeData(dataDir, Date.now(), head);
  host = makeHost(false);
  server.replaceHost(host, apiKeyOf());
  log.info('host.deleted_everything', { removed: removed.length });
  console.log('Everything was deleted; Aether started again with a new data folder and API key.');
}

let server: RunningServer;
try {
  server = await startServer({ host, port, bindHost: values.host, log, apiKey });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' && values.port === undefined) {
    server = await startServer({ host, port: 0, bindHost: values.host, log, apiKey });
  } else {
    await host.dispose();
    fail(
      code === 'EADDRINUSE'
        ? `port ${port} is already in use; pick another with --port`
        : (error as Error).message,
    );
  }
}

console.log(`Aether is running at ${server.url}`);
console.log(
  `OpenAI-compatible API: ${new URL(server.url).origin}/v1 (key in ${resolve(dataDir, 'keys', 'api-key')})`,
);
console.log(
  `data: ${dataDir}${modelPath ? `  model: ${modelPath}` : '  (no model: run with --model FILE.gguf)'}`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  await host.dispose();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
