// Models: what is installed (and which one answers), what can be downloaded, and progress.
import { useEffect, useState } from 'react';
import { RemoteSettings } from '../components/remote-settings.tsx';
import { useStores } from '../context.tsx';

const size = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;

export function ModelsTab() {
  const { useModels } = useStores();
  const m = useModels();
  const [path, setPath] = useState('');
  // Loaded once when the tab mounts; events keep it current after that.
  useEffect(() => {
    void m.refresh();
  }, []);
  return (
    <div className="tab-body">
      <h3 className="section">Installed</h3>
      <ul className="rows" data-testid="models-list">
        {m.installed.map((model) => (
          <li key={model.id} className="row" data-testid="model-installed">
            <div>
              <b>{model.name}</b>
              <span className="muted">
                {model.purpose} · {size(model.sizeBytes)}
                {model.id === m.defaultChat ? ' · answers your messages' : ''}
                {model.id === m.smallChat ? ' · quick replies' : ''}
              </span>
            </div>
            <span className="row-buttons">
              {model.purpose === 'chat' && model.id !== m.defaultChat && (
                <button onClick={() => void m.setDefault(model.id)}>Use</button>
              )}
              {model.purpose === 'chat' && model.id !== m.defaultChat && (
                <button
                  onClick={() => void m.setSmall(model.id === m.smallChat ? null : model.id)}
                  title="A smaller model that answers short messages faster"
                >
                  {model.id === m.smallChat ? 'No quick replies' : 'Quick replies'}
                </button>
              )}
              <button onClick={() => void m.remove(model.id)} aria-label={`Remove ${model.name}`}>
                Remove
              </button>
            </span>
          </li>
        ))}
        {m.installed.length === 0 && (
          <li className="empty">No model yet: download one below, or add a GGUF file you have.</li>
        )}
      </ul>
      <h3 className="section">Download</h3>
      <ul className="rows">
        {m.catalog.map((entry) => {
          const d = m.downloads[entry.id];
          const pct = d ? Math.round((d.received / (d.total ?? entry.sizeBytes)) * 100) : 0;
          return (
            <li
              key={entry.id}
              className="row column-row"
              data-testid="model-catalog-item"
              data-id={entry.id}
            >
              <div>
                <b>{entry.name}</b>
                <span className="muted">
                  {entry.purpose} · {size(entry.sizeBytes)} · {entry.licence} · needs{' '}
                  {entry.minRamGb} GB RAM{entry.recommended ? ' · recommended' : ''}
                </span>
                {d && (
                  <div
                    className="progress"
                    data-testid="model-progress"
                    data-percent={pct}
                    role="progressbar"
                    aria-valuenow={pct}
                    aria-valuemin={0}
                    aria-valuemax={100}
                  >
                    <span style={{ width: `${pct}%` }} />
                    <em>
                      {pct}% · {size(d.received)} · {size(d.bytesPerSecond)}/s
                    </em>
                  </div>
                )}
                {m.errors[entry.id] && (
                  <span className="deny" role="alert" data-testid="model-error">
                    {m.errors[entry.id]}
                  </span>
                )}
              </div>
              {entry.installed ? (
                <span className="muted">installed</span>
              ) : d ? (
                <button onClick={() => void m.cancel(entry.id)}>Cancel</button>
              ) : (
                <button
                  className="primary"
                  data-testid="model-download"
                  onClick={() => void m.download(entry.id)}
                >
                  Download
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <h3 className="section">Add a model file</h3>
      <form
        className="import"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void m.importFile(path.trim());
        }}
      >
        <input
          placeholder="/path/to/model.gguf"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="model-import-path"
          aria-label="Model file path"
        />
        <button type="submit">Add</button>
      </form>
      {m.message && (
        <p className="notice" role="status">
          {m.message}
        </p>
      )}
      <h3 className="section">Remote model (OpenAI-compatible)</h3>
      <RemoteSettings />
    </div>
  );
}
