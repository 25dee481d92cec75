// Export everything as one archive, or delete everything (typed confirmation, then L5 asks).
import { useState } from 'react';
import { DELETE_EVERYTHING } from '../../engines/bus/index.ts';
import { useClient } from '../context.tsx';
import { say } from '../ipc/client.ts';

export function DataControls() {
  const client = useClient();
  const [said, setSaid] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const exportAll = async () => {
    setSaid('Exporting…');
    try {
      const r = await client.invoke('host.export_everything', {});
      setSaid(r.path ? `Exported to ${r.path}` : r.outcome.explanation);
    } catch (e) {
      setSaid(say(e));
    }
  };
  const deleteAll = async () => {
    try {
      const o = await client.invoke('host.delete_everything', { confirm: typed });
      setSaid(o.status === 'done' ? 'Deleting everything…' : o.explanation);
    } catch (e) {
      setSaid(say(e));
    }
  };
  return (
    <section className="trust-section">
      <h3>Your data</h3>
      <p>
        <button data-testid="export-all" onClick={() => void exportAll()}>
          Export everything
        </button>{' '}
        <span className="muted">
          conversations, memory, personas, grants and the audit log (with how to verify it), as one
          archive
        </span>
      </p>
      <p>
        <label>
          Type <b>{DELETE_EVERYTHING}</b> to remove all data and keys:{' '}
          <input
            data-testid="delete-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-label="Confirmation"
          />
        </label>{' '}
        <button
          className="danger"
          data-testid="delete-all"
          disabled={typed !== DELETE_EVERYTHING}
          onClick={() => void deleteAll()}
        >
          Delete everything
        </button>
      </p>
      {said && (
        <p role="status" data-testid="data-said">
          {said}
        </p>
      )}
    </section>
  );
}
