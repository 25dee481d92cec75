// File executors. Paths arrive canonical and already checked by L5. Writes replace atomically;
// deletes move to Aether's trash so they can be undone.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AetherError, type ToolExecutor } from '../bus/index.ts';

export const LIMITS = { readBytes: 1024 * 1024, writeBytes: 5 * 1024 * 1024, listEntries: 1000 };

const need = (path: string | undefined): string => {
  if (!path) throw new AetherError('BadRequest', 'no path given');
  return path;
};

export const readFile: ToolExecutor = async (req) => {
  const path = need(req.path);
  const info = await stat(path).catch(() => { throw new AetherError('NotFound', `${path} does not exist`); });
  if (!info.isFile()) throw new AetherError('BadRequest', `${path} is not a file`);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(info.size, LIMITS.readBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const cut = info.size > LIMITS.readBytes ? ` (first ${LIMITS.readBytes} of ${info.size} bytes)` : '';
    return { summary: `read ${path}, ${info.size} bytes${cut}`, output: text };
  } finally {
    await handle.close();
  }
};

export const listFolder: ToolExecutor = async (req) => {
  const path = need(req.path);
  const entries = await readdir(path, { withFileTypes: true }).catch(() => { throw new AetherError('NotFound', `${path} is not a folder`); });
  const shown = entries.slice(0, LIMITS.listEntries).map((e) => `${e.isDirectory() ? 'dir ' : 'file'}  ${e.name}`);
  const more = entries.length > shown.length ? `\n… and ${entries.length - shown.length} more` : '';
  return { summary: `listed ${path}: ${entries.length} entries`, output: shown.join('\n') + more };
};

export const writeFile: ToolExecutor = async (req) => {
  const path = need(req.path);
  const text = req.input ?? '';
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.writeBytes) throw new AetherError('BadRequest', `refusing to write ${bytes} bytes (limit ${LIMITS.writeBytes})`);
  const existing = await lstat(path).catch(() => null);
  if (existing?.isDirectory()) throw new AetherError('BadRequest', `${path} is a folder`);
  mkdirSync(dirname(path), { recursive: true });
  // Write beside, then rename over: a reader never sees half a file, a crash never leaves one.
  const temp = join(dirname(path), `.${basename(path)}.aether-${randomBytes(4).toString('hex')}`);
  writeFileSync(temp, text, { flag: 'wx' });
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return { summary: `wrote ${bytes} bytes to ${path}`, output: '' };
};

export function deleteToTrash(trashDir: string): ToolExecutor {
  return async (req) => {
    const path = need(req.path);
    const info = await lstat(path).catch(() => { throw new AetherError('NotFound', `${path} does not exist`); });
    const target = join(trashDir, `${Date.now()}-${randomBytes(3).toString('hex')}-${basename(path)}`);
    mkdirSync(trashDir, { recursive: true });
    try {
      renameSync(path, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV' || info.isDirectory()) throw error;
      copyFileSync(path, target);
      rmSync(path);
    }
    return { summary: `moved ${path} to Aether's trash`, output: target };
  };
}
