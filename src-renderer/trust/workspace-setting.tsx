// The workspace folder, and moving it: a policy.change (an approval card asks first); the new
// folder is also the one used at the next start.
import { useState } from 'react';
import { useStores } from '../context.tsx';
import { usePolicyChange } from './policy-change.ts';

export function WorkspaceSetting() {
  const { useTrust } = useStores();
  const workspace = useTrust((s) => s.view?.modes.workspace ?? '');
  const { change, said } = usePolicyChange();
  const [path, setPath] = useState('');
  return (
    <form
      data-testid="settings-workspace"
      onSubmit={(e) => {
        e.preventDefault();
        void change({ op: 'set_workspace', path: path.trim() }).then((done) => {
          if (done) setPath('');
        });
      }}
    >
      Workspace folder: <code data-testid="settings-workspace-now">{workspace}</code> — automatic
      file actions stay inside it.{' '}
      <input
        aria-label="New workspace folder (full path)"
        placeholder="/full/path/to/a/folder"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        size={30}
      />{' '}
      <button type="submit" disabled={path.trim() === ''}>
        Move it
      </button>
      {said && <span role="status"> {said}</span>}
    </form>
  );
}
