// Structured JSON logs in the data folder, rotated by size. Callers pass event names and small
// facts (ids, codes, timings); message contents and secrets are never passed in.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Fields = Record<string, string | number | boolean | null | undefined>;
export type Logger = {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
};

export type LoggerOptions = { dir: string; maxBytes?: number; keep?: number; echo?: boolean };

export function createLogger(options: LoggerOptions): Logger & { file: string } {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, 'aether.log');
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  let size = existsSync(file) ? statSync(file).size : 0;

  function rotate(): void {
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--)
      if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    renameSync(file, `${file}.1`);
    size = 0;
  }

  function write(level: 'info' | 'warn' | 'error', event: string, fields: Fields = {}): void {
    const line = `${JSON.stringify({ t: new Date().toISOString(), level, event, ...fields })}\n`;
    try {
      if (size + line.length > maxBytes && size > 0) rotate();
      appendFileSync(file, line);
      size += Buffer.byteLength(line);
    } catch {
      /* logging must never take the host down */
    }
    if (options.echo && level !== 'info') process.stderr.write(line);
  }

  return {
    file,
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
