// Monaco with YAML, loaded only when the Persona tab opens (it is large). Completion and hover
// come from the persona JSON Schema through monaco-yaml; errors come from Aether's own compiler
// (persona.validate), so its validation here is off: one source of truth for markers.
// The editor core and YAML highlighting only, not every language Monaco knows.
import 'monaco-editor/esm/vs/editor/editor.all.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import { configureMonacoYaml } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import YamlWorker from 'monaco-yaml/yaml.worker.js?worker';

// Workers are bundled files of our own origin (CSP worker-src 'self'), never fetched from a CDN.
self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    label === 'yaml' ? new YamlWorker() : new EditorWorker(),
};

let configured = false;

export function setUpYaml(schema: Record<string, unknown>): typeof monaco {
  if (!configured) {
    configureMonacoYaml(monaco as never, {
      enableSchemaRequest: false,
      validate: false,
      completion: true,
      hover: true,
      schemas: [
        {
          uri: 'aether://persona.schema.json',
          fileMatch: ['**/persona.yaml'],
          schema: schema as never,
        },
      ],
    });
    configured = true;
  }
  return monaco;
}
