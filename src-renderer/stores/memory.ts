// The Memory tab: what Aether remembers, proposals to confirm, search, why, edit, forget, export.
import type { MemoryHit, MemoryItem, MemorySettings } from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, coalesce, type Slice } from './bound.ts';

type Why = { itemId: string; lines: string[]; conversations: string[] };

export type MemoryState = {
  items: MemoryItem[];
  results: MemoryHit[] | null;
  query: string;
  why: Why | null;
  message: string | null;
  settings: MemorySettings | null;
  refresh(): Promise<void>;
  reload(): Promise<void>;
  setSettings(patch: Partial<MemorySettings>): Promise<void>;
  search(text: string): Promise<void>;
  explain(id: string): Promise<void>;
  confirm(id: string): Promise<void>;
  reject(id: string): Promise<void>;
  edit(id: string, content: string): Promise<void>;
  forget(id: string): Promise<void>;
  exportAll(): Promise<void>;
};

/** A date as the Memory tab shows it: 2026-11-21. */
export const day = (at: number) => new Date(at).toISOString().slice(0, 10);

const reading: Slice<
  MemoryState,
  'items' | 'results' | 'query' | 'why' | 'settings' | 'refresh' | 'reload' | 'search' | 'explain'
> = (client, set, get) => ({
  items: [],
  results: null,
  query: '',
  why: null,
  settings: null,
  async refresh() {
    const [{ items: durable }, { items: proposed }, settings] = await Promise.all([
      client.invoke('memory.list', { status: 'active', limit: 300 }),
      client.invoke('memory.list', { status: 'proposed', limit: 100 }),
      client.invoke('memory.get_settings', {}),
    ]);
    // The Memory tab shows what was kept on purpose; every turn is searchable but not listed.
    set({ items: [...proposed, ...durable.filter((i) => i.kind !== 'turn')], settings });
    if (get().query) await get().search(get().query);
  },
  reload: () => get().refresh(),
  async search(text) {
    set({ query: text });
    if (!text.trim()) {
      set({ results: null });
      return;
    }
    set({ results: (await client.invoke('memory.query', { text, k: 20 })).hits });
  },
  async explain(id) {
    const r = await client.invoke('memory.why', { id });
    const lines = [
      ...r.sources.map((s) => `You said on ${day(s.at)}: “${s.userText}”`),
      ...r.provenance.map((p) => `${p.extractor} from ${p.source} ${p.ref} (${day(p.at)})`),
      ...r.versions.map((v) => `Earlier version ${v.version}: ${v.content}`),
    ];
    set({
      why: {
        itemId: id,
        lines,
        conversations: [...new Set(r.sources.map((s) => s.conversationId))],
      },
    });
  },
});

const changing: Slice<
  MemoryState,
  'message' | 'confirm' | 'setSettings' | 'reject' | 'edit' | 'forget' | 'exportAll'
> = (client, set, get) => ({
  message: null,
  async confirm(id) {
    try {
      await client.invoke('memory.confirm', { id });
    } catch (e) {
      set({ message: say(e) });
    }
    await get().refresh();
  },
  async setSettings(patch) {
    // Shown at once; the host's answer then says what holds.
    const before = get().settings;
    if (before) set({ settings: { ...before, ...patch } });
    set({ settings: await client.invoke('memory.set_settings', patch) });
  },
  async reject(id) {
    await client.invoke('memory.reject', { id });
    await get().refresh();
  },
  async edit(id, content) {
    await client.invoke('memory.edit', { id, content });
    await get().refresh();
  },
  async forget(id) {
    await client.invoke('memory.forget', { id });
    await get().refresh();
  },
  async exportAll() {
    const r = await client.invoke('memory.export', {});
    set({ message: r.path ? `Exported to ${r.path}` : r.explanation });
  },
});

export function createMemoryStore(client: AetherClient) {
  return boundStore<MemoryState>(
    (set, get) => ({
      ...reading(client, set, get),
      ...changing(client, set, get),
    }),
    (get) => {
      // Memory changes come in bursts (a turn's extraction writes several): one refresh per burst.
      const refresh = coalesce(150, () => void get().refresh());
      return [client.on('memory.changed', refresh.schedule), refresh.cancel];
    },
  );
}
