// How many threads the local model gets. node-llama-cpp's own default oversubscribes small
// machines and collapses generation (MACHINE-FACTS: 4 threads on 2 cores → 0.1–0.3 tok/s).
import { availableParallelism } from 'node:os';

export function defaultThreads(
  cores: number = availableParallelism(),
  env: NodeJS.ProcessEnv = process.env,
): number {
  const override = Number(env.AETHER_THREADS);
  if (Number.isInteger(override) && override > 0) return override;
  // Half the logical cores approximates the physical ones, and leaves room for the UI and speech.
  return Math.max(1, Math.min(8, Math.floor(cores / 2)));
}
