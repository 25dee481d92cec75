// Starts the model and speech processes as Electron utility processes, so a native abort in
// llama.cpp or onnxruntime takes down only that process.
import { utilityProcess } from 'electron';
import type { SpawnSpeech, SpawnWorker } from '../engines/host/index.ts';

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

/** The speech process as a utility process too: a model sherpa cannot use kills only it. */
export function utilitySpeech(entry: string): SpawnSpeech {
  return () => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Aether speech',
      stdio: ['ignore', 'ignore', 'ignore'],
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
    };
  };
}
