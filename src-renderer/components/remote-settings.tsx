// The remote model: an OpenAI-compatible server (Ollama, LM Studio, vLLM, a hosted API). The key
// goes to the host once and never comes back; only its fingerprint is shown.
import { useEffect, useState } from 'react';
import type { RemoteView as View } from '../../engines/bus/index.ts';
import { say } from '../ipc/client.ts';
import { useClient } from '../context.tsx';

export function RemoteSettings() {
  const client = useClient();
  const [view, setView] = useState<View | null>(null);
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [key, setKey] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void client.invoke('router.get_remote', {}).then((v) => {
      setView(v);
      setBaseUrl(v.baseUrl ?? '');
      setModel(v.model ?? '');
    });
  }, []);

  const save = async (patch: { enabled?: boolean; prefer?: 'local' | 'remote' } = {}) => {
    try {
      const v = await client.invoke('router.set_remote', {
        baseUrl,
        model,
        enabled: patch.enabled ?? view?.enabled ?? true,
        prefer: patch.prefer ?? view?.prefer ?? 'local',
        ...(key ? { apiKey: key } : {}),
      });
      setView(v);
      setKey('');
      setMessage(
        'Saved. Every remote request still asks you first, showing exactly what would be sent.',
      );
    } catch (error) {
      setMessage(say(error));
    }
  };

  return (
    <form
      className="remote"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      data-testid="remote-settings"
    >
      <input
        placeholder="http://127.0.0.1:11434/v1"
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.target.value)}
        aria-label="Server URL"
      />
      <input
        placeholder="model name"
        value={model}
        onChange={(e) => setModel(e.target.value)}
        aria-label="Model"
      />
      <input
        type="password"
        placeholder={
          view?.keyFingerprint
            ? `key ${view.keyFingerprint}… (type to replace)`
            : 'API key (optional)'
        }
        value={key}
        onChange={(e) => setKey(e.target.value)}
        aria-label="API key"
        autoComplete="off"
      />
      <div className="row-buttons">
        <button type="submit" disabled={!baseUrl || !model}>
          Save
        </button>
        {view?.baseUrl && (
          <>
            <button type="button" onClick={() => void save({ enabled: !view.enabled })}>
              {view.enabled ? 'Turn off' : 'Turn on'}
            </button>
            <button
              type="button"
              onClick={() => void save({ prefer: view.prefer === 'remote' ? 'local' : 'remote' })}
            >
              Prefer {view.prefer === 'remote' ? 'local' : 'remote'}
            </button>
          </>
        )}
      </div>
      {view?.baseUrl && (
        <span className="muted">
          {view.enabled ? 'on' : 'off'} · prefers {view.prefer} ·{' '}
          {view.breaker === 'closed' ? 'healthy' : `circuit ${view.breaker}`}
        </span>
      )}
      {view?.keyWarning && (
        <span className="muted" data-testid="remote-key-warning">
          {view.keyWarning}
        </span>
      )}
      {message && (
        <span className="muted" role="status">
          {message}
        </span>
      )}
    </form>
  );
}
