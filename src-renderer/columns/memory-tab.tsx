// What Aether remembers about you — and the controls to question, correct and erase it.
import { useEffect, useState } from 'react';
import type { MemoryHit, MemoryItem, MemorySettings } from '../../engines/bus/index.ts';
import { day, type MemoryState } from '../stores/memory.ts';
import { useStores } from '../context.tsx';

type Shown = Pick<MemoryItem, 'id' | 'kind' | 'content' | 'privacy' | 'occurredAt'> & {
  status?: string;
  contradicts?: string | null;
};

/** Why Aether knows it: what was said and where it came from, with a way back to the chat. */
function Why({ why }: { why: NonNullable<MemoryState['why']> }) {
  const { useConversations } = useStores();
  return (
    <ul className="why" data-testid="memory-why-text">
      {why.lines.map((l, i) => (
        <li key={i}>{l}</li>
      ))}
      {why.conversations.map((c) => (
        <li key={c}>
          <button className="link" onClick={() => useConversations.getState().select(c)}>
            Open the conversation
          </button>
        </li>
      ))}
    </ul>
  );
}

function Buttons({ item, m, onEdit }: { item: Shown; m: MemoryState; onEdit: () => void }) {
  if (item.status === 'proposed')
    return (
      <span className="row-buttons">
        <button
          className="primary"
          data-testid="memory-confirm"
          onClick={() => void m.confirm(item.id)}
        >
          Keep
        </button>
        <button onClick={() => void m.reject(item.id)}>No</button>
      </span>
    );
  return (
    <span className="row-buttons">
      <button
        data-testid="memory-why"
        onClick={() => void m.explain(item.id)}
        title="Why do you know this?"
      >
        Why?
      </button>
      <button onClick={onEdit}>Edit</button>
      <button className="danger" data-testid="memory-forget" onClick={() => void m.forget(item.id)}>
        Forget
      </button>
    </span>
  );
}

function Item({ item }: { item: Shown }) {
  const { useMemory } = useStores();
  const m = useMemory();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(item.content);
  return (
    <li
      className="row column-row"
      data-testid="memory-item"
      data-kind={item.kind}
      data-status={item.status ?? 'active'}
    >
      <div>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void m.edit(item.id, draft).then(() => setEditing(false));
            }}
          >
            <input
              className="memory-edit"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-label="Memory text"
              autoFocus
            />
          </form>
        ) : (
          <span>{item.content}</span>
        )}
        <span className="muted">
          {item.kind} · {item.privacy} · {day(item.occurredAt)}
          {item.status === 'proposed' ? ' · waiting for you' : ''}
          {item.contradicts ? ' · contradicts an earlier memory' : ''}
        </span>
        {m.why?.itemId === item.id && <Why why={m.why} />}
      </div>
      <Buttons item={item} m={m} onEdit={() => setEditing(!editing)} />
    </li>
  );
}

// Conversation memories repeat the chat itself, so they have a view of their own; what was said
// word for word is found by searching.
const KINDS: Array<['' | Exclude<MemoryItem['kind'], 'turn'>, string]> = [
  ['', 'Kept for later'],
  ['fact', 'Facts'],
  ['preference', 'Preferences'],
  ['artifact', 'Files and pages'],
  ['session', 'Conversations'],
];

function Settings({ m, settings }: { m: MemoryState; settings: MemorySettings }) {
  return (
    <div className="tab-toolbar memory-settings">
      <label title="Expiry, merging duplicates, fading and conversation summaries run when Aether is idle">
        <input
          type="checkbox"
          data-testid="memory-pause"
          checked={settings.consolidationPaused}
          onChange={(e) => void m.setSettings({ consolidationPaused: e.target.checked })}
        />{' '}
        Pause background upkeep
      </label>
      <label title="When a local model is installed, it reads what you say for facts worth keeping; you confirm them here">
        <input
          type="checkbox"
          data-testid="memory-model-extraction"
          checked={settings.modelExtraction}
          onChange={(e) => void m.setSettings({ modelExtraction: e.target.checked })}
        />{' '}
        Let the model suggest memories
      </label>
    </div>
  );
}

type ToolbarProps = {
  text: string;
  setText: (text: string) => void;
  kind: string;
  setKind: (kind: string) => void;
  m: MemoryState;
};

function Toolbar({ text, setText, kind, setKind, m }: ToolbarProps) {
  return (
    <div className="tab-toolbar memory-toolbar">
      <input
        className="memory-search"
        data-testid="memory-search"
        placeholder="Search what Aether remembers"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label="Search memory"
      />
      <select
        data-testid="memory-kind"
        value={kind}
        onChange={(e) => setKind(e.target.value)}
        aria-label="Show"
      >
        {KINDS.map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      <button data-testid="memory-export" onClick={() => void m.exportAll()}>
        Export
      </button>
    </div>
  );
}

export function MemoryTab() {
  const { useMemory } = useStores();
  const m = useMemory();
  const [text, setText] = useState(m.query);
  const [kind, setKind] = useState('');
  // Loaded when the tab mounts; memory.changed events keep it current after that.
  useEffect(() => {
    void m.refresh();
  }, []);
  // Searched once typing pauses, not on every keystroke.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (text !== m.query) void m.search(text);
    }, 150);
    return () => clearTimeout(timer);
  }, [text]);
  const shown: Array<MemoryItem | MemoryHit> = m.results
    ? m.results.filter((i) => !kind || i.kind === kind)
    : m.items.filter((i) => (kind ? i.kind === kind : i.kind !== 'session'));
  return (
    <div className="tab-body">
      <Toolbar text={text} setText={setText} kind={kind} setKind={setKind} m={m} />
      {m.settings && <Settings m={m} settings={m.settings} />}
      {m.message && (
        <p className="notice" role="status">
          {m.message}
        </p>
      )}
      <ul className="rows" data-testid="memory-list">
        {shown.map((item) => (
          <Item key={item.id} item={item} />
        ))}
        {shown.length === 0 && (
          <li className="empty">
            {m.results || kind
              ? 'Nothing matches.'
              : 'Nothing remembered yet. Say “remember that …” to keep something.'}
          </li>
        )}
      </ul>
    </div>
  );
}
