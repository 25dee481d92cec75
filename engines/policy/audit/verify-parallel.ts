// verifyChain on worker threads: a large log split into ranges, each verified on its own
// read-only connection (each row's check needs only its own row and the one before).
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Db } from '../../storage/index.ts';
import type { Keyring } from './keys.ts';
import {
  finish,
  headsBySize,
  PARALLEL_FROM,
  unreadable,
  verifyChain,
  type CheckpointInput,
  type RangeResult,
  type VerifyResult,
} from './verify.ts';

/**
 * The same verification, with large logs split across worker threads, each on its own read-only
 * connection. `workerEntry` is verify-worker's file (a bundled path in the desktop app).
 */
export async function verifyChainParallel(
  db: Db,
  keyring: Keyring,
  checkpoints: CheckpointInput | undefined,
  workerEntry: string,
  threads = 2,
): Promise<VerifyResult> {
  const max = db.prepare('SELECT max(seq) FROM audit_log').pluck().get();
  if (checkpoints?.invalid || typeof max !== 'number' || max < PARALLEL_FROM || threads < 2)
    return verifyChain(db, keyring, checkpoints);
  try {
    const step = Math.ceil(max / threads);
    const heads = [...headsBySize(checkpoints?.list ?? []).entries()];
    const ranges = await Promise.all(
      Array.from(
        { length: threads },
        (_, i) =>
          new Promise<RangeResult>((resolve, reject) => {
            const from = i * step + 1;
            const to = i === threads - 1 ? Number.MAX_SAFE_INTEGER : (i + 1) * step;
            const worker = new Worker(workerEntry, {
              workerData: { file: db.name, keyring, from, to, heads },
            });
            worker.once('message', (r: RangeResult) => {
              resolve(r);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    // A range that stopped early hides nothing: the first problem in seq order is reported.
    for (let i = 0; i < ranges.length - 1; i++) {
      if (!ranges[i].problem && ranges[i].lastSeq !== (i + 1) * step) {
        ranges[i].problem = {
          kind: 'gap',
          seq: ranges[i].lastSeq + 1,
          message: `row ${ranges[i].lastSeq + 1} is missing`,
        };
      }
    }
    return finish(db, ranges, checkpoints);
  } catch (error) {
    return unreadable(error);
  }
}

/** Opens the ledger's file read-only, for a worker. */
export function openReadOnly(file: string): Db {
  return new Database(file, { readonly: true, fileMustExist: true });
}
