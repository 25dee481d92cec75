// Models: what is installed (and which one answers), what can be downloaded, and progress.
import { useEffect, useState } from 'react';
import { RemoteSettings } from '../components/remote-settings.tsx';
import { size } from '../components/units.ts';
import { useStores } from '../context.tsx';
import type { ModelsState } from '../stores/models.ts';

type Installed = ModelsState['installed'][number];
type Offered = ModelsState['catalog'][number];

function InstalledRow({ model, m }: { model: Installed; m: ModelsState }) {
  const other = model.purpose === 'chat' && model.id !== m.defaultChat;
  return (
    <li className="row" data-testid="model-installed">
      <div>
        <b>{model.name}</b>
        <span className="muted">
          {model.purpose} · {size(model.sizeBytes)}
          {model.id === m.defaultChat ? ' · answers your messages' : ''}
          {model.id === m.smallChat ? ' · quick replies' : ''}
        </span>
      </div>
      <span className="row-buttons">
        {other && <button onClick={() => void m.setDefault(model.id)}>Use</button>}
        {other && (
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
  );
}

function Progress({ d, pct }: { d: ModelsState['downloads'][string]; pct: number }) {
  return (
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
  );
}

export function OfferedRow({ entry, m }: { entry: Offered; m: ModelsState }) {
  const d = m.downloads[entry.id];
  const pct = d ? Math.round((d.received / (d.total ?? entry.sizeBytes)) * 100) : 0;
  return (
    <li className="row column-row" data-testid="model-catalog-item" data-id={entry.id}>
      <div>
        <b>{entry.name}</b>
        <span className="muted">
          {entry.purpose} · {size(entry.sizeBytes)} · {entry.licence} · needs {entry.minRamGb} GB
          RAM{entry.recommended ? ' · recommended' : ''}
        </span>
        {d && <Progress d={d} pct={pct} />}
        {!d && entry.partialBytes > 0 && (
          <span className="muted" data-testid="model-partial">
            stopped at {size(entry.partialBytes)} of {size(entry.sizeBytes)}; it goes on from there
          </span>
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
          {entry.partialBytes > 0 ? 'Resume' : 'Download'}
        </button>
      )}
    </li>
  );
}

export function ImportForm({ m }: { m: ModelsState }) {
  const [path, setPath] = useState('');
  return (
    <form
      className="import"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) void m.importFile(path.trim());
      }}
    >
      <input
        placeholder="/path/to/model.gguf or a speech pack folder"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        data-testid="model-import-path"
        aria-label="Model file or speech pack folder"
      />
      <button type="submit">Add</button>
    </form>
  );
}

export function ModelsTab() {
  const { useModels } = useStores();
  const m = useModels();
  // Loaded once when the tab mounts; events keep it current after that.
  useEffect(() => {
    void m.refresh();
  }, []);
  return (
    <div className="tab-body">
      <h3 className="section">Installed</h3>
      <ul className="rows" data-testid="models-list">
        {m.installed.map((model) => (
          <InstalledRow key={model.id} model={model} m={m} />
        ))}
        {m.installed.length === 0 && (
          <li className="empty">No model yet: download one below, or add a GGUF file you have.</li>
        )}
      </ul>
      <h3 className="section">Download</h3>
      <ul className="rows">
        {m.catalog.map((entry) => (
          <OfferedRow key={entry.id} entry={entry} m={m} />
        ))}
      </ul>
      <h3 className="section">Add a model file</h3>
      <ImportForm m={m} />
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
