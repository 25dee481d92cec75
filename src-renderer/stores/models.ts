// Models: installed, offered, downloading — as the host's model manager reports them.
import type { CommandOutput, ErrorInfo, InstalledModel } from '../../engines/bus/index.ts';
import type { AetherClient } from '../ipc/client.ts';
import { boundStore, type Slice } from './bound.ts';

type Download = { received: number; total: number | null; bytesPerSecond: number };

export type ModelsState = {
  installed: InstalledModel[];
  catalog: CommandOutput<'models.list'>['catalog'];
  defaultChat: string | null;
  smallChat: string | null;
  downloads: Record<string, Download>;
  errors: Record<string, string>;
  message: string | null;
  refresh(): Promise<void>;
  reload(): Promise<void>;
  download(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  importFile(path: string): Promise<void>;
  remove(id: string): Promise<void>;
  setDefault(id: string): Promise<void>;
  setSmall(id: string | null): Promise<void>;
  progress(id: string, d: Download): void;
  finished(id: string, ok: boolean, error: ErrorInfo | null): void;
};

const PLAIN: Partial<Record<ErrorInfo['code'], string>> = {
  Offline: 'You seem to be offline (the model host cannot be reached).',
  ChecksumMismatch: 'The file that arrived is not the published one, so it was deleted.',
  DiskFull: 'There is not enough free disk space for this model.',
};

const listing: Slice<
  ModelsState,
  | 'installed'
  | 'catalog'
  | 'defaultChat'
  | 'smallChat'
  | 'message'
  | 'refresh'
  | 'reload'
  | 'importFile'
  | 'remove'
  | 'setDefault'
  | 'setSmall'
> = (client, set, get) => ({
  installed: [],
  catalog: [],
  defaultChat: null,
  smallChat: null,
  message: null,
  async refresh() {
    const r = await client.invoke('models.list', {});
    const downloads = Object.fromEntries(r.downloads.map((d) => [d.id, d]));
    set({
      installed: r.installed,
      catalog: r.catalog,
      defaultChat: r.defaultChat,
      smallChat: r.smallChat,
      downloads: { ...get().downloads, ...downloads },
    });
  },
  reload: () => get().refresh(),
  async importFile(path) {
    const r = await client.invoke('models.import', { path });
    set({ message: r.model ? `Added ${r.model.name}.` : `Not added: ${r.reason}` });
    await get().refresh();
  },
  async remove(id) {
    await client.invoke('models.remove', { id });
    await get().refresh();
  },
  async setDefault(id) {
    await client.invoke('models.set_default', { id });
    await get().refresh();
  },
  async setSmall(id) {
    await client.invoke('models.set_small', { id });
    await get().refresh();
  },
});

const downloading: Slice<
  ModelsState,
  'downloads' | 'errors' | 'download' | 'cancel' | 'progress' | 'finished'
> = (client, set, get) => ({
  downloads: {},
  errors: {},
  async download(id) {
    set({ errors: { ...get().errors, [id]: '' } });
    const r = await client.invoke('models.download', { catalogId: id });
    if (!r.started) set({ errors: { ...get().errors, [id]: r.reason ?? 'not started' } });
  },
  async cancel(id) {
    await client.invoke('models.cancel_download', { catalogId: id });
  },
  progress: (id, d) => set({ downloads: { ...get().downloads, [id]: d } }),
  finished(id, ok, error) {
    const { [id]: _done, ...downloads } = get().downloads;
    set({
      downloads,
      errors: {
        ...get().errors,
        [id]: ok ? '' : ((error && PLAIN[error.code]) ?? error?.message ?? 'failed'),
      },
    });
    void get().refresh();
  },
});

export function createModelsStore(client: AetherClient) {
  return boundStore<ModelsState>(
    (set, get) => ({
      ...listing(client, set, get),
      ...downloading(client, set, get),
    }),
    (get) => [
      client.on('models.download_progress', (e) => get().progress(e.payload.id, e.payload)),
      client.on('models.download_finished', ({ payload: p }) =>
        get().finished(p.id, p.ok, p.error),
      ),
      client.on('models.changed', () => void get().refresh()),
    ],
  );
}
