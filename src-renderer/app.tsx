// The three-column workspace.
import { useEffect, useState } from 'react';
import { ChatView } from './columns/chat-view.tsx';
import { ConversationList } from './columns/conversation-list.tsx';
import { RightColumn } from './columns/right-column.tsx';
import { useClient, useStores } from './context.tsx';
import type { ConnectionState } from './ipc/client.ts';
import { Wizard } from './onboarding/wizard.tsx';
import { startStores } from './stores/index.ts';
import { TrustPanel } from './trust/trust-panel.tsx';

/** The audit log's health and a persona that failed to compile: shown wherever the user is. */
function HostBanners() {
  const { usePersona, usePolicy } = useStores();
  const auditHealthy = usePolicy((s) => s.auditHealthy);
  const auditProblem = usePolicy((s) => s.auditProblem);
  const personaToast = usePersona((s) => s.toast);
  return (
    <>
      {!auditHealthy && (
        <div className="banner error" role="alert" data-testid="audit-broken-banner">
          Aether will not act on your computer: {auditProblem}
        </div>
      )}
      {personaToast && (
        <div className="toast" role="alert" data-testid="persona-toast">
          {personaToast}{' '}
          <button
            className="link"
            onClick={() => usePersona.setState({ toast: null })}
            aria-label="Dismiss"
          >
            ×
          </button>
        </div>
      )}
    </>
  );
}

export function App() {
  const client = useClient();
  const stores = useStores();
  const { useChat, useConversations } = stores;
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [startError, setStartError] = useState<string | null>(null);
  const activeId = useConversations((s) => s.activeId);
  const panel = stores.useTrust((s) => s.panel);
  // The first run takes the whole window until every step is done or skipped.
  const firstRun = stores.useTrust((s) => Boolean(s.onboarding?.current));

  useEffect(() => {
    const unwatch = client.onConnection(setConnection);
    const stop = startStores(client, stores, (e) => setStartError(e.message));
    return () => {
      stop();
      unwatch();
    };
  }, [client, stores]);
  useEffect(() => {
    void useChat.getState().load(activeId);
  }, [useChat, activeId]);

  return (
    <div className="workspace" data-connection={connection}>
      {connection !== 'open' && (
        <div className="banner" role="status">
          {connection === 'connecting'
            ? 'Connecting to Aether…'
            : 'Connection to Aether lost — reconnecting…'}
        </div>
      )}
      {startError && (
        <div className="banner error" role="alert">
          Could not load the workspace: {startError}
        </div>
      )}
      <HostBanners />
      {firstRun ? (
        <Wizard />
      ) : (
        <>
          <ConversationList />
          {panel ? <TrustPanel /> : <ChatView />}
          {!panel && <RightColumn />}
        </>
      )}
    </div>
  );
}
