// Undo of a file change: the outcome row of a write or a delete says where Aether kept what was
// there before; restoring is an action of its own (files.restore), asked and audited like any
// other. What the executor gets comes from the ledger, never from the request.
import { AetherError, type Bus, type HandlersFor, type ToolExecutor } from '../bus/index.ts';
import type { Ledger } from './audit/ledger.ts';

const UNDOABLE = new Set(['files.write', 'files.delete']);

function undoOf(ledger: Ledger, seq: number) {
  const row = ledger.get(seq);
  if (
    !row ||
    row.kind !== 'policy.outcome' ||
    row.decision !== 'done' ||
    !UNDOABLE.has(row.capability ?? '')
  )
    throw new AetherError('BadRequest', `audit row ${seq} is not a file change that can be undone`);
  const { undo } = JSON.parse(row.details) as {
    undo?: { trashed: string; writtenSha256: string | null };
  };
  return { row, undo: undo ?? null };
}

export function restoreExecutor(
  ledger: Ledger,
  inner: ToolExecutor<'files.restore'> | undefined,
): ToolExecutor<'files.restore'> {
  return async (req) => {
    if (!inner) throw new AetherError('Unsupported', 'nothing can restore files in this host');
    const { row, undo } = undoOf(ledger, req.input!.auditSeq);
    if (row.resource !== req.path)
      throw new AetherError('BadRequest', `audit row ${row.seq} changed another file`);
    if (!undo)
      throw new AetherError(
        'ToolFailed',
        'this can no longer be undone: nothing was kept (the file was new)',
      );
    return inner({ ...req, input: { auditSeq: row.seq, ...undo } });
  };
}

export function undoHandlers(bus: Bus, ledger: Ledger): Pick<HandlersFor<'policy'>, 'policy.undo'> {
  return {
    'policy.undo': async (input, c) => {
      let row;
      try {
        row = undoOf(ledger, input.auditSeq).row;
      } catch (error) {
        // Refused before the gate: still on record.
        const reason = (error as Error).message;
        await bus.invoke(
          'policy.record',
          { kind: 'files.restore_refused', actor: 'user', reason },
          { changeId: c.changeId },
        );
        throw error;
      }
      return bus.invoke(
        'policy.perform',
        {
          capability: 'files.restore',
          target: row.resource!,
          input: { auditSeq: row.seq },
          actor: 'user',
          why: `you asked to undo audit row ${row.seq}`,
        },
        { changeId: c.changeId },
      );
    },
  };
}
