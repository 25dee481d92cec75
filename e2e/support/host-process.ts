// Starts `engines/host/cli.ts` as its own process, exactly as `npm run serve` does after the
// build, and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../engines/host/cli.ts', import.meta.url));

export type HostProcess = {
  url: string;
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
};

export function startHost(args: {
  dataDir: string;
  model?: string;
  maxTokens?: number;
  workspace?: string;
  /** Speech pack folders (`--speech DIR`). */
  speech?: string[];
  env?: Record<string, string>;
  /** Show the first run (a fresh data folder's wizard); other suites start past it. */
  firstRun?: boolean;
}): Promise<HostProcess> {
  const argv = [cli, '--port', '0', '--data-dir', args.dataDir];
  if (args.workspace) argv.push('--workspace', args.workspace);
  if (args.model) argv.push('--model', args.model);
  if (args.maxTokens) argv.push('--max-tokens', String(args.maxTokens));
  for (const dir of args.speech ?? []) argv.push('--speech', dir);
  if (!args.firstRun) argv.push('--skip-first-run');
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AETHER_THREADS: '1', ...args.env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Aether is running at (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const url = match[1];
      resolve({
        url,
        origin: new URL(url).origin,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${output}`));
    });
  });
}
