// Starts the model and speech processes as Electron utility processes, so a native abort in
// llama.cpp or onnxruntime takes down only that process.
import { utilityProcess, type UtilityProcess } from 'electron';
import type { SpawnSpeech, SpawnWorker } from '../engines/host/index.ts';

/** The handle both processes are driven through: send, hear, see it exit, stop it. */
function handleOf<T>(child: UtilityProcess) {
  return {
    send: (message: T) => child.postMessage(message),
    onMessage: (listener: (message: unknown) => void) => {
      child.on('message', listener);
    },
    onExit: (listener: (code: number | null) => void) => {
      child.on('exit', (code) => listener(code));
    },
    kill: () => {
      child.kill();
    },
  };
}

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
    return { ...handleOf(child), lastError: () => stderrTail.trim().split('\n').at(-1) };
  };
}

/** The speech process as a utility process too: a model sherpa cannot use kills only it. */
export function utilitySpeech(entry: string): SpawnSpeech {
  return () =>
    handleOf(
      utilityProcess.fork(entry, [], {
        serviceName: 'Aether speech',
        stdio: ['ignore', 'ignore', 'ignore'],
      }),
    );
}
