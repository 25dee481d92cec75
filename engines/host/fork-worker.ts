// Starts the model and speech processes with child_process.fork (headless mode and tests).
import { fork, type ChildProcess } from 'node:child_process';
import type { SpawnSpeech } from '../interaction/index.ts';
import type { SpawnWorker } from '../router/index.ts';

/** The handle both processes are driven through: send, hear, see it exit, stop it. */
function handleOf<T>(child: ChildProcess) {
  return {
    send: (message: T) => {
      if (child.connected) child.send(message as object);
    },
    onMessage: (listener: (message: unknown) => void) => {
      child.on('message', listener);
    },
    onExit: (listener: (code: number | null) => void) => {
      child.on('exit', (code, signal) => listener(code ?? (signal ? 128 : null)));
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

export function forkWorker(entry: string): SpawnWorker {
  return () => {
    // execArgv is cleared so a parent's loaders or inspector flags do not leak into the child.
    const child = fork(entry, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    return { ...handleOf(child), lastError: () => stderrTail.trim().split('\n').at(-1) };
  };
}

/** The speech process: audio crosses as typed arrays (advanced serialization). */
export function forkSpeech(entry: string): SpawnSpeech {
  return () => {
    const stdio = ['ignore', 'ignore', 'ignore', 'ipc'] as const;
    return handleOf(
      fork(entry, [], { execArgv: [], stdio: [...stdio], serialization: 'advanced' }),
    );
  };
}
