// What verification checks the chain against: the signed checkpoints in the file, and the last
// one kept in the key store too (breach 7: a removed or shortened checkpoint file is an error).
import { checkOne, readCheckpoints } from './checkpoints.ts';
import type { CheckpointInput } from './verify.ts';

export function checkpointInput(
  file: string,
  pinnedKey: string,
  anchorText: string | null,
): CheckpointInput {
  const parsed = readCheckpoints(file, pinnedKey);
  const invalid = parsed.bad
    ? `checkpoint file line ${parsed.bad.line}: ${parsed.bad.reason}`
    : null;
  if (!anchorText) return { list: parsed.checkpoints, invalid };
  const anchor = checkOne(anchorText, pinnedKey);
  if (!anchor)
    return {
      list: parsed.checkpoints,
      invalid: invalid ?? 'the checkpoint kept in the key store is not signed by the pinned key',
    };
  const furthest = Math.max(0, ...parsed.checkpoints.map((c) => c.size));
  if (furthest < anchor.size) {
    const problem = `the checkpoint file is missing or shortened: it reaches row ${furthest}, but the key store holds a checkpoint at row ${anchor.size}`;
    return { list: [...parsed.checkpoints, anchor], invalid: invalid ?? problem };
  }
  const known = parsed.checkpoints.some((c) => c.size === anchor.size && c.head === anchor.head);
  return { list: known ? parsed.checkpoints : [...parsed.checkpoints, anchor], invalid };
}
