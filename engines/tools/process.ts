// Runs a program: argv only (never a shell), a scrubbed environment, a working folder inside the
// workspace, and limits on time and output.
import { spawn } from 'node:child_process';
import { AetherError, type ToolExecutor } from '../bus/index.ts';

export const PROCESS_LIMITS = { ms: 30_000, outputBytes: 256 * 1024 };

export function runProcess(
  workspace: () => string,
  env: NodeJS.ProcessEnv = process.env,
): ToolExecutor<'process.exec'> {
  return (req) =>
    new Promise((resolve, reject) => {
      const argv = req.argv;
      if (!argv?.length) return reject(new AetherError('BadRequest', 'no command given'));
      // Only what programs need to run; no tokens, keys or proxies from Aether's own environment.
      const clean = {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: env.HOME ?? workspace(),
        LANG: env.LANG ?? 'C.UTF-8',
        TERM: 'dumb',
      };
      const child = spawn(argv[0], argv.slice(1), {
        cwd: workspace(),
        env: clean,
        shell: false,
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: req.signal,
      });
      let out = '';
      let truncated = false;
      const take = (chunk: Buffer) => {
        if (out.length >= PROCESS_LIMITS.outputBytes) {
          truncated = true;
          return;
        }
        out += chunk.toString('utf8').slice(0, PROCESS_LIMITS.outputBytes - out.length);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMITS.ms);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(
          new AetherError(
            'ToolFailed',
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? `no program called ${argv[0]}`
              : error.message,
          ),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const how = signal ? `stopped by ${signal}` : `exit code ${code}`;
        resolve({
          summary: `ran ${argv.join(' ')}: ${how}`,
          output: out + (truncated ? '\n… (output cut)' : ''),
        });
      });
    });
}
