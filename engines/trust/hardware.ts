// What this computer has, read before the first run offers any model: memory (what is available,
// not merely free), cores, a GPU the model could use, and free disk in the models folder.
import { mkdirSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Hardware } from './recommend.ts';

/** NVIDIA's driver lists its GPUs here on Linux (no process needs to start to ask). */
function nvidiaGpu(root = '/proc/driver/nvidia/gpus'): { name: string; vramBytes: number } | null {
  try {
    const first = readdirSync(root)[0];
    if (!first) return null;
    const info = readFileSync(join(root, first, 'information'), 'utf8');
    const name = /Model:\s*(.+)/.exec(info)?.[1]?.trim() ?? 'NVIDIA GPU';
    // The driver does not say its memory here; count none rather than guess.
    return { name, vramBytes: 0 };
  } catch {
    return null;
  }
}

function gpuOf(): Hardware['gpu'] {
  if (process.platform === 'darwin' && process.arch === 'arm64')
    // Apple silicon's GPU shares the same memory: nothing to add to the RAM.
    return { name: 'Apple GPU (Metal, shared memory)', vramBytes: 0 };
  return nvidiaGpu() ?? { none: 'no GPU this build can use was found; models run on the CPU' };
}

export function detectHardware(modelsDir: string): Hardware & { modelsDir: string } {
  mkdirSync(modelsDir, { recursive: true });
  const fs = statfsSync(modelsDir);
  // process.availableMemory honours a container's limit; freemem is the OS's "available".
  const available = Math.min(freemem(), process.availableMemory?.() ?? Infinity);
  return {
    totalRamBytes: totalmem(),
    freeRamBytes: available,
    cores: availableParallelism(),
    gpu: gpuOf(),
    freeDiskBytes: Number(fs.bavail) * Number(fs.bsize),
    modelsDir,
  };
}
