// Starts the model and speech processes with child_process.fork (headless mode and tests).
import { fork } from 'node:child_process';
import type { SpawnSpeech } from '../interaction/index.ts';
import type { SpawnWorker } from '../router/index.ts';

export function forkWorker(entry: string): SpawnWorker {
  return () => {
    // execArgv is cleared so a parent's loaders or inspector flags do not leak into the child.
    const child = fork(entry, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code, signal) => listener(code ?? (signal ? 128 : null)));
      },
      kill: () => {
        child.kill('SIGKILL');
      },
      lastError: () => stderrTail.trim().split('\n').at(-1),
    };
  };
}

/** Starts the speech process the same way; audio crosses as typed arrays (advanced serialization). */
export function forkSpeech(entry: string): SpawnSpeech {
  return () => {
    const child = fork(entry, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code, signal) => listener(code ?? (signal ? 128 : null)));
      },
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
