// The Persona tab: pick a pack, edit its YAML in Monaco with the compiler's errors as markers while
// typing, save with Ctrl/Cmd+S (through L5), start a new one, duplicate, import a character card.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useStores } from '../context.tsx';
import type { PersonaState } from '../stores/persona.ts';
import { useEditorText, useErrorMarkers, useMonaco } from './persona-editor.ts';

function NewForm({ from, onDone }: { from: string; onDone: () => void }) {
  const { usePersona } = useStores();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  return (
    <form
      className="tab-toolbar persona-new"
      onSubmit={(e) => {
        e.preventDefault();
        void usePersona.getState().create(from, id, name).then(onDone);
      }}
    >
      <input
        placeholder="id (e.g. my-coach)"
        value={id}
        onChange={(e) => setId(e.target.value.toLowerCase())}
        aria-label="New persona id"
        pattern="[a-z0-9][a-z0-9-]*"
        required
      />
      <input
        placeholder="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-label="New persona name"
        required
      />
      <button className="primary" type="submit">
        Create
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

type Listed = PersonaState['personas'][number];

function Toolbar({ p, onCreate }: { p: PersonaState; onCreate: (from: string) => void }) {
  const file = useRef<HTMLInputElement>(null);
  const selected = p.personas.find((x) => x.id === p.selected);
  return (
    <div className="tab-toolbar">
      <select
        data-testid="persona-picker"
        value={p.selected ?? ''}
        onChange={(e) => void p.open(e.target.value)}
        aria-label="Persona"
      >
        {p.personas.map((x) => (
          <option key={x.id} value={x.id}>
            {x.displayName}
            {x.active ? ' (in use)' : ''}
            {x.source === 'user' ? ' · yours' : ''}
          </option>
        ))}
      </select>
      {selected && !selected.active && (
        <button data-testid="persona-activate" onClick={() => void p.activate()}>
          Use
        </button>
      )}
      <button onClick={() => onCreate('default')} title="A new persona from the default template">
        New
      </button>
      <button onClick={() => p.selected && onCreate(p.selected)} title="A copy of this persona">
        Duplicate
      </button>
      <button
        onClick={() => file.current?.click()}
        title="SillyTavern / Character Card V2 or V3, JSON or PNG"
      >
        Import card
      </button>
      <input
        ref={file}
        type="file"
        accept=".json,.png"
        hidden
        data-testid="persona-import"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void p.importCard(f);
          e.target.value = '';
        }}
      />
      <button
        className="primary"
        data-testid="persona-save"
        onClick={() => void p.save()}
        title="Ctrl/Cmd+S"
      >
        Save
      </button>
    </div>
  );
}

/** Where the pack comes from, whether its policy is trusted, and what it means for the user. */
function Trust({ selected, p }: { selected: Listed; p: PersonaState }) {
  return (
    <>
      <p className="muted persona-trust" data-testid="persona-trust">
        {selected.source === 'bundled' ? 'Bundled: saving keeps your own copy. ' : 'Your copy. '}
        {/* The persona in use says this in its summary below. */}
        {selected.active
          ? ''
          : selected.signed
            ? 'Signed by a key you trust.'
            : 'Not signed: its policy defaults can only make Aether more careful.'}
        {p.pending ? ` “${p.pending}” takes over when the reply ends.` : ''}
      </p>
      {selected.active && p.summary.length > 0 && (
        <ul className="persona-summary muted" data-testid="persona-summary">
          {p.summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** What the last save said, and what the compiler found. */
function Problems({ p }: { p: PersonaState }) {
  return (
    <>
      {p.message && (
        <p className="notice" role="status">
          {p.message}
        </p>
      )}
      <div
        className="persona-error"
        data-testid="persona-error"
        role="alert"
        hidden={p.errors.length === 0}
      >
        {p.errors.map((e) => (
          <div key={`${e.line}:${e.column}`}>
            Line {e.line}, column {e.column}: {e.message}
          </div>
        ))}
      </div>
      {p.warnings.length > 0 && (
        <ul className="persona-warnings muted">
          {p.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </>
  );
}

export function PersonaTab({ visible }: { visible: boolean }) {
  const { usePersona } = useStores();
  const p = usePersona();
  const box: RefObject<HTMLDivElement | null> = useRef<HTMLDivElement>(null);
  const [creating, setCreating] = useState<string | null>(null);
  const loaded = useMonaco(visible, box);
  useEffect(() => {
    if (visible) void p.refresh();
  }, [visible]);
  useEditorText(loaded, p.selected, p.loadedAt);
  useErrorMarkers(loaded, p.errors);

  const selected = p.personas.find((x) => x.id === p.selected);
  return (
    <div className="tab-body persona-tab">
      <Toolbar p={p} onCreate={setCreating} />
      {creating && <NewForm from={creating} onDone={() => setCreating(null)} />}
      {selected && <Trust selected={selected} p={p} />}
      <Problems p={p} />
      {!loaded && <p className="muted persona-loading">Loading the editor…</p>}
      <div className="persona-editor" data-testid="persona-editor" ref={box} />
    </div>
  );
}
