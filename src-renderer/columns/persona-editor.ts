// The Persona tab's editor: Monaco with the YAML schema, created the first time the tab is shown,
// holding the selected pack's text and showing the compiler's errors as markers.
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import type { PersonaError } from '../../engines/bus/index.ts';
import { useClient, useStores } from '../context.tsx';

type Editor = Monaco.editor.IStandaloneCodeEditor;

/** Monaco, created the first time the tab is shown (it is large and needs a visible box). */
export function useMonaco(visible: boolean, box: React.RefObject<HTMLDivElement | null>) {
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

type Loaded = ReturnType<typeof useMonaco>;

/** The host's text goes into the model named after the pack's file, so the schema applies to it. */
export function useEditorText(loaded: Loaded, selected: string | null, loadedAt: number) {
  const { usePersona } = useStores();
  useEffect(() => {
    if (!loaded || !selected) return;
    const { monaco, editor } = loaded;
    const text = usePersona.getState().text;
    const uri = monaco.Uri.parse(`file:///personas/${selected}/persona.yaml`);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, 'yaml', uri);
    if (model.getValue() !== text) model.setValue(text);
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
  }, [loaded, selected, loadedAt]);
}

/** The compiler's errors, where it found them. */
export function useErrorMarkers(loaded: Loaded, errors: PersonaError[]) {
  useEffect(() => {
    const model = loaded?.editor.getModel();
    if (!loaded || !model) return;
    const lineEnd = (line: number) => model.getLineMaxColumn(Math.min(line, model.getLineCount()));
    loaded.monaco.editor.setModelMarkers(
      model,
      'aether',
      errors.map((e) => ({
        startLineNumber: e.line,
        startColumn: e.column,
        endLineNumber: e.line,
        endColumn: Math.max(e.column + 1, lineEnd(e.line)),
        message: e.message,
        severity: loaded.monaco.MarkerSeverity.Error,
      })),
    );
  }, [loaded, errors]);
}
