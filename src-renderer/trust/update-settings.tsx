// Updates in settings: check automatically or not, stable or beta, where the updater is, and
// "restart when you like" once an update is ready. Only the installed desktop app updates itself.
import { useEffect, useState } from 'react';
import type { UpdateView } from '../../engines/bus/index.ts';
import { useClient } from '../context.tsx';
import { say } from '../ipc/client.ts';

function stateWords(s: UpdateView['state']): string {
  if (!s) return '';
  switch (s.state) {
    case 'checking':
      return 'Looking for an update…';
    case 'up-to-date':
      return 'Aether is up to date.';
    case 'downloading':
      return `Downloading Aether ${s.version ?? ''} (${s.percent ?? 0} %)…`;
    case 'ready':
      return s.waitingFor
        ? `Aether ${s.version} restarts as soon as this has ended: ${s.waitingFor}.`
        : `Aether ${s.version} is ready — restart when you like (or it is installed when you quit).`;
    case 'refused':
    case 'failed':
      return `No update: ${s.reason}.`;
    default:
      return '';
  }
}

export function UpdateSettings() {
  const client = useClient();
  const [view, setView] = useState<UpdateView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void client.invoke('trust.get_updates', {}).then(setView, (e) => setProblem(say(e)));
    return client.on('trust.updates_changed', (e) => setView(e.payload));
  }, [client]);
  if (!view) return problem ? <p className="deny">{problem}</p> : null;
  if (!view.available)
    return (
      <p className="muted" data-testid="settings-updates">
        This copy of Aether does not update itself (only the installed desktop app does).
      </p>
    );
  const set = (input: { auto?: boolean; channel?: 'stable' | 'beta' }) =>
    void client.invoke('trust.set_updates', input).then(setView, (e) => setProblem(say(e)));
  return (
    <div data-testid="settings-updates">
      <label>
        <input
          type="checkbox"
          checked={view.auto}
          onChange={(e) => set({ auto: e.target.checked })}
        />{' '}
        Check for updates automatically
      </label>{' '}
      <select
        aria-label="Update channel"
        value={view.channel}
        onChange={(e) => set({ channel: e.target.value as 'stable' })}
      >
        <option value="stable">Stable</option>
        <option value="beta">Beta (earlier, less tested)</option>
      </select>
      <p role="status">{stateWords(view.state)}</p>
      {view.state?.state === 'ready' && !view.state.waitingFor && (
        <button onClick={() => void client.invoke('trust.restart_to_update', {})}>
          Restart now
        </button>
      )}
    </div>
  );
}
