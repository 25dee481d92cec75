// A plain POSIX (ustar) archive of a folder: what "export everything" hands the user, readable
// by tar on every desktop without an npm dependency. Regular files and folders only.
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: number, dir: boolean): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`a name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(dir ? 0o755 : 0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // the checksum counts its own field as spaces
  h.write(dir ? '5' : '0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    out.push(path);
    if (statSync(path).isDirectory()) walk(path, out);
  }
}

/** Writes every file under `dir` into `archive`, named relative to `dir` under `prefix/`. */
export function tarFolder(dir: string, archive: string, prefix: string): { files: number } {
  const paths: string[] = [];
  walk(dir, paths);
  const fd = openSync(archive, 'w', 0o600);
  let files = 0;
  try {
    writeSync(fd, header(`${prefix}/`, 0, Date.now(), true));
    for (const path of paths) {
      const st = statSync(path);
      const name = `${prefix}/${relative(dir, path).split('\\').join('/')}`;
      if (st.isDirectory()) {
        writeSync(fd, header(`${name}/`, 0, st.mtimeMs, true));
        continue;
      }
      const body = readFileSync(path);
      writeSync(fd, header(name, body.length, st.mtimeMs, false));
      writeSync(fd, body);
      const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
      if (pad) writeSync(fd, Buffer.alloc(pad));
      files += 1;
    }
    writeSync(fd, Buffer.alloc(BLOCK * 2));
  } finally {
    closeSync(fd);
  }
  return { files };
}
