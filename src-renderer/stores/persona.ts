// The Persona tab: the packs, the one being edited, and what the compiler says about it.
import type { PersonaError } from '../../engines/bus/index.ts';
import type { FaceLook } from '../components/presence-face.tsx';
import { toBase64 } from '../ipc/base64.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, type Slice } from './bound.ts';

type Listed = {
  id: string;
  displayName: string;
  tagline: string;
  source: 'bundled' | 'user';
  signed: boolean;
  active: boolean;
  error: PersonaError | null;
  greeting: string | null;
  look: FaceLook | null;
};

export type PersonaState = {
  personas: Listed[];
  selected: string | null;
  text: string;
  /** Bumped whenever the text comes from the host (load, import), so the editor replaces its own. */
  loadedAt: number;
  errors: PersonaError[];
  warnings: string[];
  message: string | null;
  pending: string | null;
  /** What the persona in use means for the user (its L7 summary), line by line. */
  summary: string[];
  /** A pack that failed to compile on save (here or in another editor): shown wherever the user is. */
  toast: string | null;
  refresh(): Promise<void>;
  reload(): Promise<void>;
  open(id: string): Promise<void>;
  edited(text: string): void;
  validate(): Promise<void>;
  save(): Promise<void>;
  activate(): Promise<void>;
  create(from: string, id: string, displayName: string): Promise<void>;
  importCard(file: File): Promise<void>;
  failed(id: string, error: PersonaError): void;
};

const list: Slice<
  PersonaState,
  'personas' | 'pending' | 'summary' | 'toast' | 'reload' | 'refresh' | 'failed'
> = (client, set, get) => ({
  personas: [],
  pending: null,
  summary: [],
  toast: null,
  // The list is fetched when the Persona tab first opens; until then there is nothing to reload.
  reload: async () => {
    if (get().personas.length) await get().refresh();
  },
  async refresh() {
    const [{ personas, pending }, active] = await Promise.all([
      client.invoke('persona.list', {}),
      client.invoke('persona.get_active', {}),
    ]);
    set({ personas, pending, summary: active.summary });
    if (!get().selected) {
      const active = personas.find((p) => p.active) ?? personas[0];
      if (active) await get().open(active.id);
    }
  },
  failed(id, error) {
    if (id === get().selected) set({ errors: [error] });
    const toast = `Persona “${id}” was not applied (the one in use stays): line ${error.line}, column ${error.column}: ${error.message}`;
    set({ toast });
    setTimeout(() => {
      if (get().toast === toast) set({ toast: null });
    }, 10_000);
  },
});

const editor: Slice<
  PersonaState,
  | 'selected'
  | 'text'
  | 'loadedAt'
  | 'errors'
  | 'warnings'
  | 'message'
  | 'open'
  | 'edited'
  | 'validate'
  | 'save'
> = (client, set, get) => ({
  selected: null,
  text: '',
  loadedAt: 0,
  errors: [],
  warnings: [],
  message: null,
  async open(id) {
    const { text } = await client.invoke('persona.get_source', { id });
    set({ selected: id, text, loadedAt: Date.now(), errors: [], warnings: [], message: null });
    await get().validate();
  },
  edited(text) {
    set({ text });
  },
  async validate() {
    const { selected, text } = get();
    if (!selected) return;
    const r = await client.invoke('persona.validate', { id: selected, text });
    // Only if the text is still what was checked: a late answer must not mark newer text.
    if (get().text === text) set({ errors: r.errors, warnings: r.warnings });
  },
  async save() {
    const { selected, text } = get();
    if (!selected) return;
    try {
      const r = await client.invoke('persona.save', { id: selected, text });
      set({
        errors: r.errors,
        warnings: r.warnings,
        message:
          r.status !== 'done'
            ? r.explanation
            : r.errors.length
              ? 'Saved, but not used: fix the error below.'
              : 'Saved.',
      });
    } catch (e) {
      set({ message: say(e) });
    }
    await get().refresh();
  },
});

const changes: Slice<PersonaState, 'activate' | 'create' | 'importCard'> = (client, set, get) => ({
  async activate() {
    const { selected } = get();
    if (!selected) return;
    try {
      const r = await client.invoke('persona.activate', { id: selected });
      set({ message: r.pending ? 'It takes over when the current reply ends.' : null });
    } catch (e) {
      set({ message: say(e) });
    }
    await get().refresh();
  },
  async create(from, id, displayName) {
    try {
      await client.invoke('persona.create', { from, id, displayName });
      await get().refresh();
      await get().open(id);
    } catch (e) {
      set({ message: say(e) });
    }
  },
  async importCard(file) {
    try {
      const r = await client.invoke('persona.import_card', {
        fileName: file.name,
        dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())),
      });
      await get().refresh();
      await get().open(r.id);
      set({
        message: `Imported as “${r.id}”.${r.warnings.length ? ` ${r.warnings.join('; ')}.` : ''}`,
      });
    } catch (e) {
      set({ message: say(e) });
    }
  },
});

export function createPersonaStore(client: AetherClient) {
  return boundStore<PersonaState>(
    (set, get) => ({
      ...list(client, set, get),
      ...editor(client, set, get),
      ...changes(client, set, get),
    }),
    (get) => [
      client.on('persona.activated', () => void get().reload()),
      client.on('persona.failed', (e) => get().failed(e.payload.id, e.payload.error)),
    ],
  );
}
