// The Persona tab: pick a pack, edit its YAML in Monaco with the compiler's errors as markers while
// typing, save with Ctrl/Cmd+S (through L5), start a new one, duplicate, import a character card.
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import { useClient, useStores } from '../context.tsx';

type Editor = Monaco.editor.IStandaloneCodeEditor;

/** Monaco, created the first time the tab is shown (it is large and needs a visible box). */
function useMonaco(visible: boolean, box: React.RefObject<HTMLDivElement | null>) {
  const { usePersona } = useStores();
  const client = useClient();
  const [loaded, setLoaded] = useState<{ monaco: typeof Monaco; editor: Editor } | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (!visible || started.current) return;
    started.current = true;
    let editor: Editor | null = null;
    void (async () => {
      const [{ setUpYaml }, { schema }] = await Promise.all([
        import('../components/monaco-setup.ts'),
        client.invoke('persona.get_schema', {}),
      ]);
      if (!box.current) return;
      const monaco = setUpYaml(schema);
      editor = monaco.editor.create(box.current, {
        language: 'yaml',
        theme: 'vs-dark',
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 12,
        tabSize: 2,
        scrollBeyondLastLine: false,
        wordWrap: 'on',
        wordBasedSuggestions: 'off',
        quickSuggestions: { other: true, strings: true, comments: false },
      });
      editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
        void usePersona.getState().save();
      });
      setLoaded({ monaco, editor });
    })();
  }, [visible]);
  useEffect(() => () => loaded?.editor.dispose(), [loaded]);
  return loaded;
}

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

export function PersonaTab({ visible }: { visible: boolean }) {
  const { usePersona } = useStores();
  const p = usePersona();
  const box = useRef<HTMLDivElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState<string | null>(null);
  const loaded = useMonaco(visible, box);
  useEffect(() => {
    if (visible) void p.refresh();
  }, [visible]);

  // The host's text goes into the model named after the pack's file, so the schema applies to it.
  useEffect(() => {
    if (!loaded || !p.selected) return;
    const { monaco, editor } = loaded;
    const uri = monaco.Uri.parse(`file:///personas/${p.selected}/persona.yaml`);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(p.text, 'yaml', uri);
    if (model.getValue() !== p.text) model.setValue(p.text);
    editor.setModel(model);
    // Checked once typing pauses, not on every keystroke.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sub = model.onDidChangeContent(() => {
      usePersona.getState().edited(model.getValue());
      clearTimeout(timer);
      timer = setTimeout(() => {
        void usePersona.getState().validate();
      }, 250);
    });
    return () => {
      sub.dispose();
      clearTimeout(timer);
    };
  }, [loaded, p.selected, p.loadedAt]);

  // The compiler's errors, where it found them.
  useEffect(() => {
    const model = loaded?.editor.getModel();
    if (!loaded || !model) return;
    loaded.monaco.editor.setModelMarkers(
      model,
      'aether',
      p.errors.map((e) => ({
        startLineNumber: e.line,
        startColumn: e.column,
        endLineNumber: e.line,
        endColumn: Math.max(
          e.column + 1,
          model.getLineMaxColumn(Math.min(e.line, model.getLineCount())),
        ),
        message: e.message,
        severity: loaded.monaco.MarkerSeverity.Error,
      })),
    );
  }, [loaded, p.errors]);

  const selected = p.personas.find((x) => x.id === p.selected);
  return (
    <div className="tab-body persona-tab">
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
        <button
          onClick={() => setCreating('default')}
          title="A new persona from the default template"
        >
          New
        </button>
        <button
          onClick={() => p.selected && setCreating(p.selected)}
          title="A copy of this persona"
        >
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
      {creating && <NewForm from={creating} onDone={() => setCreating(null)} />}
      {selected && (
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
      )}
      {selected?.active && p.summary.length > 0 && (
        <ul className="persona-summary muted" data-testid="persona-summary">
          {p.summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
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
      {!loaded && <p className="muted persona-loading">Loading the editor…</p>}
      <div className="persona-editor" data-testid="persona-editor" ref={box} />
    </div>
  );
}
