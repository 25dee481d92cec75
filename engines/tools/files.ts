// File executors. Paths arrive canonical and already checked by L5; each executor opens exactly
// that object (exact-fs.ts) and lets L5 check it again at the moment of use. Writes replace
// atomically; deletes move to Aether's trash so they can be undone.
import { createHash, randomBytes } from 'node:crypto';
import { constants, mkdirSync } from 'node:fs';
import {
  copyFile,
  lstat,
  readdir,
  readFile as readWhole,
  rename,
  rm,
  writeFile as write,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AetherError, type ToolExecutor, type ToolRequest } from '../bus/index.ts';
import { openExact, openFolder } from './exact-fs.ts';

export const LIMITS = { readBytes: 1024 * 1024, writeBytes: 5 * 1024 * 1024, listEntries: 1000 };

const need = (path: string | undefined): string => {
  if (!path) throw new AetherError('BadRequest', 'no path given');
  return path;
};

export const readFile: ToolExecutor<'files.read'> = async (req) => {
  const path = need(req.path);
  const { handle, info } = await openExact(path, constants.O_RDONLY, req.guard);
  try {
    if (!info.isFile()) throw new AetherError('BadRequest', `${path} is not a file`);
    const buffer = Buffer.alloc(Math.min(info.size, LIMITS.readBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const cut =
      info.size > LIMITS.readBytes ? ` (first ${LIMITS.readBytes} of ${info.size} bytes)` : '';
    return { summary: `read ${path}, ${info.size} bytes${cut}`, output: text };
  } finally {
    await handle.close();
  }
};

export const listFolder: ToolExecutor<'files.list'> = async (req) => {
  const path = need(req.path);
  const folder = await openFolder(path, req.guard);
  try {
    const entries = await readdir(folder.via, { withFileTypes: true });
    const shown = entries
      .slice(0, LIMITS.listEntries)
      .map((e) => `${e.isDirectory() ? 'dir ' : 'file'}  ${e.name}`);
    const more =
      entries.length > shown.length ? `\n… and ${entries.length - shown.length} more` : '';
    return {
      summary: `listed ${path}: ${entries.length} entries`,
      output: shown.join('\n') + more,
    };
  } finally {
    await folder.handle.close();
  }
};

/** The child `name` of the held-open parent: refused when it is a symlink now or protected. */
async function existingChild(req: Pick<ToolRequest, 'guard'>, via: string, path: string) {
  const info = await lstat(join(via, basename(path))).catch(() => null);
  if (info?.isSymbolicLink())
    throw new AetherError(
      'PolicyDenied',
      `${path} changed after it was approved (it is a symlink now); nothing was done`,
    );
  if (info) req.guard?.(path, info);
  return info;
}

/** A name in Aether's trash for a copy of `path`. */
const trashName = (trashDir: string, path: string) =>
  join(trashDir, `${Date.now()}-${randomBytes(3).toString('hex')}-${basename(path)}`);

/** Replaces atomically; what was there before is kept in Aether's trash, so it can be undone. */
export function writeKeeping(trashDir: string): ToolExecutor<'files.write'> {
  return async (req) => {
    const path = need(req.path);
    const text = req.input ?? '';
    const bytes = Buffer.byteLength(text);
    if (bytes > LIMITS.writeBytes)
      throw new AetherError(
        'BadRequest',
        `refusing to write ${bytes} bytes (limit ${LIMITS.writeBytes})`,
      );
    mkdirSync(dirname(path), { recursive: true });
    const folder = await openFolder(dirname(path), req.guard);
    try {
      const existing = await existingChild(req, folder.via, path);
      if (existing?.isDirectory()) throw new AetherError('BadRequest', `${path} is a folder`);
      const here = join(folder.via, basename(path));
      let kept: string | null = null;
      if (existing) {
        kept = trashName(trashDir, path);
        mkdirSync(trashDir, { recursive: true });
        await copyFile(here, kept);
      }
      // Write beside, then rename over: a reader never sees half a file, a crash never leaves one.
      await replace(folder.via, here, text);
      const writtenSha256 = createHash('sha256').update(text).digest('hex');
      return {
        summary: `wrote ${bytes} bytes to ${path}${kept ? " (the previous content is kept in Aether's trash)" : ''}`,
        output: '',
        ...(kept ? { undo: { trashed: kept, writtenSha256 } } : {}),
      };
    } finally {
      await folder.handle.close();
    }
  };
}

async function replace(via: string, target: string, content: string | Buffer): Promise<void> {
  const temp = join(via, `.${basename(target)}.aether-${randomBytes(4).toString('hex')}`);
  await write(temp, content, { flag: 'wx' });
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const gone = (why: string) => new AetherError('ToolFailed', `this can no longer be undone: ${why}`);

/** Puts back what a write replaced or a delete moved away — only if nothing changed since. */
export function restoreFromTrash(trashDir: string): ToolExecutor<'files.restore'> {
  return async (req) => {
    const path = need(req.path);
    const trashed = req.input?.trashed;
    if (!trashed || dirname(trashed) !== trashDir) throw gone("Aether's copy is not in its trash");
    const copy = await lstat(trashed).catch(() => null);
    if (!copy?.isFile() && !copy?.isDirectory())
      throw gone("Aether's copy is gone (already undone, or the trash was emptied)");
    const folder = await openFolder(dirname(path), req.guard);
    try {
      const now = await existingChild(req, folder.via, path);
      const here = join(folder.via, basename(path));
      const written = req.input?.writtenSha256 ?? null;
      if (written === null) {
        if (now) throw gone(`something else is at ${path} now`);
        await rename(trashed, here);
        return { summary: `put ${path} back from Aether's trash`, output: path };
      }
      const current = now?.isFile()
        ? createHash('sha256')
            .update(await readWhole(here))
            .digest('hex')
        : null;
      if (current !== written) throw gone(`${path} changed after Aether wrote it`);
      await replace(folder.via, here, await readWhole(trashed));
      await rm(trashed);
      return { summary: `gave ${path} its previous content back`, output: path };
    } finally {
      await folder.handle.close();
    }
  };
}

export function deleteToTrash(trashDir: string): ToolExecutor<'files.delete'> {
  return async (req) => {
    const path = need(req.path);
    const folder = await openFolder(dirname(path), req.guard);
    try {
      const info = await existingChild(req, folder.via, path);
      if (!info) throw new AetherError('NotFound', `${path} does not exist`);
      const source = join(folder.via, basename(path));
      const target = trashName(trashDir, path);
      mkdirSync(trashDir, { recursive: true });
      try {
        await rename(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV' || info.isDirectory()) throw error;
        await copyFile(source, target);
        await rm(source);
      }
      return {
        summary: `moved ${path} to Aether's trash`,
        output: target,
        undo: { trashed: target, writtenSha256: null },
      };
    } finally {
      await folder.handle.close();
    }
  };
}
