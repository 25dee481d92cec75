// Opening exactly the object L5 checked. The path arrives canonical (every symlink resolved), so a
// symlink found on it now means something was swapped after the check. Each open refuses a
// symlink as the last component, then asks the kernel where the descriptor really points
// (/proc/self/fd on Linux; elsewhere a realpath plus a device+inode comparison) and re-applies the
// hard blocks to that object. Writes and deletes go through a descriptor of the parent folder
// (/proc/self/fd/N/name works like openat), so swapping the folder afterwards changes nothing.
import { constants, existsSync, fstatSync, readlinkSync, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { AetherError } from '../bus/index.ts';

/** Throws PolicyDenied when the object at `path` (with these stats) is protected. */
export type Guard = (path: string, info: Pick<Stats, 'dev' | 'ino' | 'nlink' | 'isFile'>) => void;

const PROC = process.platform === 'linux' && existsSync('/proc/self/fd');

const changed = (path: string, now: string) =>
  new AetherError(
    'PolicyDenied',
    `${path} changed after it was approved (it now leads to ${now}); nothing was done`,
  );

export type Exact = {
  handle: FileHandle;
  info: Stats;
  /** A path that reaches this very object. */ via: string;
};

export async function openExact(path: string, flags: number, guard?: Guard): Promise<Exact> {
  const handle = await open(path, flags | constants.O_NOFOLLOW).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOOP') throw changed(path, 'a symlink');
      if (error.code === 'ENOENT') throw new AetherError('NotFound', `${path} does not exist`);
      if (error.code === 'ENOTDIR') throw new AetherError('BadRequest', `${path} is not a folder`);
      throw new AetherError('ToolFailed', error.message);
    },
  );
  try {
    // Synchronous on purpose: two calls of a few microseconds each, where a trip through the
    // thread pool would cost more than the check itself (bench:policy atUseRecheck).
    const info = fstatSync(handle.fd);
    const real = PROC ? readlinkSync(`/proc/self/fd/${handle.fd}`) : await realpath(path);
    if (real !== path) throw changed(path, real);
    if (!PROC) {
      const now = await stat(real);
      if (now.dev !== info.dev || now.ino !== info.ino) throw changed(path, 'another file');
    }
    guard?.(real, info);
    return { handle, info, via: PROC ? `/proc/self/fd/${handle.fd}` : path };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The parent folder, held open: `via` + '/' + name reaches a child of exactly that folder. */
export const openFolder = (path: string, guard?: Guard) =>
  openExact(path, constants.O_RDONLY | constants.O_DIRECTORY, guard);
