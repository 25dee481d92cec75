// The remote model: an OpenAI-compatible server (Ollama, LM Studio, vLLM, a hosted API). The key
// goes to the host once and never comes back; only its fingerprint is shown.
import { useEffect, useState } from 'react';
import type { RemoteView as View } from '../../engines/bus/index.ts';
import { say } from '../ipc/client.ts';
import { useClient } from '../context.tsx';

type Save = (patch?: { enabled?: boolean; prefer?: 'local' | 'remote' }) => Promise<void>;

function Switches({ view, disabled, save }: { view: View | null; disabled: boolean; save: Save }) {
  return (
    <>
      <div className="row-buttons">
        <button type="submit" disabled={disabled}>
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
    </>
  );
}

function Notes({ view, message }: { view: View | null; message: string | null }) {
  return (
    <>
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
    </>
  );
}

type Fields = { baseUrl: string; model: string; key: string; prompt: string; completion: string };

/** Cents per 1,000 tokens when both are numbers; undefined keeps the price set before. */
function priceOf(f: Fields) {
  const prompt = Number(f.prompt);
  const completion = Number(f.completion);
  if (f.prompt.trim() === '' || f.completion.trim() === '') return undefined;
  return prompt >= 0 && completion >= 0 ? { prompt, completion } : undefined;
}

function Inputs({
  fields,
  change,
  fingerprint,
}: {
  fields: Fields;
  change: (patch: Partial<Fields>) => void;
  fingerprint: string | null | undefined;
}) {
  return (
    <>
      <input
        placeholder="http://127.0.0.1:11434/v1"
        value={fields.baseUrl}
        onChange={(e) => change({ baseUrl: e.target.value })}
        aria-label="Server URL"
      />
      <input
        placeholder="model name"
        value={fields.model}
        onChange={(e) => change({ model: e.target.value })}
        aria-label="Model"
      />
      <input
        type="password"
        placeholder={fingerprint ? `key ${fingerprint}… (type to replace)` : 'API key (optional)'}
        value={fields.key}
        onChange={(e) => change({ key: e.target.value })}
        aria-label="API key"
        autoComplete="off"
      />
      <input
        placeholder="¢ per 1k prompt tokens"
        value={fields.prompt}
        onChange={(e) => change({ prompt: e.target.value })}
        aria-label="Cents per 1,000 prompt tokens"
        inputMode="decimal"
      />
      <input
        placeholder="¢ per 1k reply tokens"
        value={fields.completion}
        onChange={(e) => change({ completion: e.target.value })}
        aria-label="Cents per 1,000 reply tokens"
        inputMode="decimal"
      />
    </>
  );
}

export function RemoteSettings() {
  const client = useClient();
  const [view, setView] = useState<View | null>(null);
  const [fields, setFields] = useState<Fields>({
    baseUrl: '',
    model: '',
    key: '',
    prompt: '',
    completion: '',
  });
  const change = (patch: Partial<Fields>) => setFields((f) => ({ ...f, ...patch }));
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void client.invoke('router.get_remote', {}).then((v) => {
      setView(v);
      const price = v.centsPer1kTokens;
      change({
        baseUrl: v.baseUrl ?? '',
        model: v.model ?? '',
        prompt: price ? String(price.prompt) : '',
        completion: price ? String(price.completion) : '',
      });
    });
  }, []);

  const save: Save = async (patch = {}) => {
    const { baseUrl, model, key } = fields;
    try {
      const v = await client.invoke('router.set_remote', {
        baseUrl,
        model,
        enabled: patch.enabled ?? view?.enabled ?? true,
        prefer: patch.prefer ?? view?.prefer ?? 'local',
        ...(key ? { apiKey: key } : {}),
        centsPer1kTokens: priceOf(fields),
      });
      setView(v);
      change({ key: '' });
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
      <Inputs fields={fields} change={change} fingerprint={view?.keyFingerprint} />
      <Switches view={view} disabled={!fields.baseUrl || !fields.model} save={save} />
      <Notes view={view} message={message} />
    </form>
  );
}
