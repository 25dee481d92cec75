// The trust center and settings take the place of the conversation and the right column;
// closing them brings the workspace back.
import { useStores } from '../context.tsx';
import { SettingsView } from './settings-view.tsx';
import { TrustCenter } from './trust-center.tsx';

export function TrustPanel() {
  const { useTrust } = useStores();
  const panel = useTrust((s) => s.panel);
  const open = useTrust((s) => s.open);
  return (
    <main className="trust-panel" data-testid={panel === 'trust' ? 'trust-center' : undefined}>
      <header className="column-header">
        <nav className="tabs" role="tablist">
          <button
            role="tab"
            aria-selected={panel === 'trust'}
            data-testid="panel-trust"
            onClick={() => open('trust')}
          >
            Trust center
          </button>
          <button
            role="tab"
            aria-selected={panel === 'settings'}
            data-testid="panel-settings"
            onClick={() => open('settings')}
          >
            Settings
          </button>
        </nav>
        <button
          data-testid="panel-close"
          onClick={() => open(null)}
          aria-label="Back to the conversation"
        >
          Back to the conversation
        </button>
      </header>
      {panel === 'trust' ? <TrustCenter /> : <SettingsView />}
    </main>
  );
}
