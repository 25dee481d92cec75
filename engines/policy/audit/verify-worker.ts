// Worker thread for verifyChainParallel: verifies one range of rows on its own connection.
import { parentPort, workerData } from 'node:worker_threads';
import type { Keyring } from './keys.ts';
import { verifyRange } from './verify.ts';
import { openReadOnly } from './verify-parallel.ts';

const { file, keyring, from, to, heads } = workerData as {
  file: string;
  keyring: { current: string; keys: Record<string, Uint8Array> };
  from: number;
  to: number;
  heads: Array<[number, string[]]>;
};
const ring: Keyring = {
  current: keyring.current,
  keys: Object.fromEntries(Object.entries(keyring.keys).map(([id, k]) => [id, Buffer.from(k)])),
};
const db = openReadOnly(file);
try {
  parentPort!.postMessage(verifyRange(db, ring, from, to, new Map(heads)));
} finally {
  db.close();
}
