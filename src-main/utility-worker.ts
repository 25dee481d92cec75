// Starts the model process as an Electron utility process, so a native abort in llama.cpp
// takes down only that process.
import { utilityProcess } from 'electron';
import type { SpawnWorker } from '../engines/host/index.ts';

export function utilityWorker(entry: string): SpawnWorker {
  return () => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Aether model runtime',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code) => listener(code));
      },
      kill: () => {
        child.kill();
      },
      lastError: () => stderrTail.trim().split('\n').at(-1),
    };
  };
}
