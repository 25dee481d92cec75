// The model manager: what can be downloaded (the catalog), what is installed, which model is
// the default, and the downloads in progress. Downloads and imports are actions the policy gate
// runs (through the executors below); removal is Aether tidying its own folder, and is audited.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  AetherError,
  toErrorInfo,
  type Bus,
  type CatalogEntry,
  type InstalledModel,
  type ToolExecutor,
  type NewId,
} from '../../bus/index.ts';
import type { Db } from '../../storage/index.ts';
import { downloadPack } from './download-pack.ts';
import { readPackFolder } from './import-pack.ts';
import { download, type Progress } from './download.ts';
import { readGgufHeader } from './gguf-header.ts';

export type ModelManagerDeps = {
  bus: Bus;
  db: Db;
  modelsDir: string;
  /** Where speech packs are installed, one folder each (L1 loads them from there). */
  speechDir: string;
  catalog: CatalogEntry[];
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  /** Wall-clock ms (installedAt). */
  now: () => number;
  newId: NewId;
  /** Called when the default chat model changes (the router switches to it). */
  onDefaultChat: (model: InstalledModel | null) => void;
};

type Row = {
  id: string;
  name: string;
  purpose: InstalledModel['purpose'];
  path: string;
  sha256: string | null;
  size_bytes: number;
  source: 'catalog' | 'import';
  installed_at: number;
};
const toModel = (r: Row): InstalledModel => ({
  id: r.id,
  name: r.name,
  purpose: r.purpose,
  path: r.path,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  source: r.source,
  installedAt: r.installed_at,
});

export class ModelManager {
  private readonly d: ModelManagerDeps;
  private readonly active = new Map<string, { abort: AbortController; progress: Progress }>();

  constructor(deps: ModelManagerDeps) {
    this.d = deps;
    mkdirSync(deps.modelsDir, { recursive: true });
  }

  installed(): InstalledModel[] {
    return (this.d.db.prepare('SELECT * FROM models ORDER BY installed_at').all() as Row[]).map(
      toModel,
    );
  }

  get(id: string): InstalledModel | null {
    const r = this.d.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Row | undefined;
    return r ? toModel(r) : null;
  }

  /** The embedding model: the one chosen, or else the first installed. */
  defaultEmbedding(): InstalledModel | null {
    const id = this.d.settings.get<string>('router.embedding_model');
    return (
      (id ? this.get(id) : null) ?? this.installed().find((m) => m.purpose === 'embedding') ?? null
    );
  }

  /** A second, smaller chat model for quick replies (optional). */
  smallChat(): InstalledModel | null {
    const id = this.d.settings.get<string>('router.small_model');
    const model = id ? this.get(id) : null;
    return model && model.purpose === 'chat' ? model : null;
  }

  setSmall(id: string | null): InstalledModel | null {
    const model = id ? this.get(id) : null;
    if (id && (!model || model.purpose !== 'chat'))
      throw new AetherError('BadRequest', 'the quick-reply model must be an installed chat model');
    this.d.settings.set('router.small_model', id);
    this.d.bus.emit('models.changed', { reason: 'small' }, { source: 'router' });
    return model;
  }

  defaultChat(): InstalledModel | null {
    const id = this.d.settings.get<string>('router.default_model');
    return id ? this.get(id) : null;
  }

  list() {
    const have = new Set(this.installed().map((m) => m.id));
    return {
      installed: this.installed(),
      catalog: this.d.catalog.map((e) => ({
        ...e,
        installed: have.has(e.id),
        partialBytes: have.has(e.id) || this.active.has(e.id) ? 0 : this.partialBytes(e),
      })),
      downloads: [...this.active].map(([id, a]) => ({ id, ...a.progress })),
      defaultChat: this.d.settings.get<string>('router.default_model') ?? null,
      smallChat: this.smallChat()?.id ?? null,
    };
  }

  /** What a cut-off download left on disk (download.ts keeps it next to the file). */
  private partialBytes(e: CatalogEntry): number {
    if (e.purpose === 'speech') return 0;
    const partial = `${join(this.d.modelsDir, e.file)}.partial`;
    return existsSync(partial) ? statSync(partial).size : 0;
  }

  entry(catalogId: string): CatalogEntry {
    const e = this.d.catalog.find((c) => c.id === catalogId);
    if (!e) throw new AetherError('NotFound', `no model ${catalogId} in the catalog`);
    return e;
  }

  cancel(catalogId: string): boolean {
    const a = this.active.get(catalogId);
    a?.abort.abort();
    return Boolean(a);
  }

  /** `later`: where work outside the database goes until the change (and its audit row) committed. */
  setDefault(id: string, later: (fn: () => void) => void = (fn) => fn()): InstalledModel {
    const model = this.get(id);
    if (!model) throw new AetherError('NotFound', `no installed model ${id}`);
    if (model.purpose !== 'chat')
      throw new AetherError('BadRequest', `${model.name} is an embedding model, not a chat model`);
    this.d.settings.set('router.default_model', id);
    later(() => this.d.onDefaultChat(model));
    this.d.bus.emit('models.changed', { reason: 'default' }, { source: 'router' });
    return model;
  }

  remove(id: string, later: (fn: () => void) => void = (fn) => fn()): boolean {
    const model = this.get(id);
    if (!model) return false;
    this.d.db.prepare('DELETE FROM models WHERE id = ?').run(id);
    // Only files Aether downloaded are deleted; an imported model stays where the user keeps it.
    if (model.source === 'catalog')
      later(() => rmSync(model.path, { force: true, recursive: model.purpose === 'speech' }));
    if (this.d.settings.get<string>('router.default_model') === id) {
      this.d.settings.set('router.default_model', null);
      later(() => this.d.onDefaultChat(null));
    }
    this.d.bus.emit('models.changed', { reason: 'removed' }, { source: 'router' });
    return true;
  }

  private register(model: InstalledModel): InstalledModel {
    this.d.db
      .prepare(
        `INSERT INTO models (id, name, purpose, path, sha256, size_bytes, source, installed_at) VALUES (@id, @name, @purpose, @path, @sha256, @sizeBytes, @source, @installedAt)
      ON CONFLICT (id) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, size_bytes = excluded.size_bytes, installed_at = excluded.installed_at`,
      )
      .run(model);
    this.d.bus.emit('models.changed', { reason: 'installed' }, { source: 'router' });
    // The first chat model becomes the default, so a new user can talk at once.
    if (model.purpose === 'chat' && !this.defaultChat()) this.setDefault(model.id);
    return model;
  }

  /** L5's executor for models.download: starts the download and returns; progress and the end are events. */
  readonly downloadExecutor: ToolExecutor<'models.download'> = async (req) => {
    const entry = this.d.catalog.find((c) => c.url === req.url);
    if (!entry) throw new AetherError('NotFound', 'that URL is not in the model catalog');
    if (this.active.has(entry.id))
      return { summary: `${entry.name} is already downloading`, output: entry.id };
    const abort = new AbortController();
    const state = { abort, progress: { received: 0, total: entry.sizeBytes, bytesPerSecond: 0 } };
    this.active.set(entry.id, state);
    void this.run(entry, state);
    return { summary: `started downloading ${entry.name}`, output: entry.id };
  };

  private async run(
    entry: CatalogEntry,
    state: { abort: AbortController; progress: Progress },
  ): Promise<void> {
    const speech = entry.purpose === 'speech';
    const dest = join(speech ? this.d.speechDir : this.d.modelsDir, entry.file);
    const onProgress = (p: Progress) => {
      state.progress = p;
      this.d.bus.emit('models.download_progress', { id: entry.id, ...p }, { source: 'router' });
    };
    const signal = state.abort.signal;
    try {
      const { sha256, bytes } = speech
        ? { sha256: null, ...(await downloadPack({ entry, dir: dest, signal, onProgress })) }
        : await download({
            url: entry.url,
            dest,
            expectedSha256: entry.sha256,
            expectedBytes: entry.sizeBytes,
            signal,
            onProgress,
          });
      if (!speech) await readGgufHeader(dest);
      this.register({
        id: entry.id,
        name: entry.name,
        purpose: entry.purpose,
        path: dest,
        sha256,
        sizeBytes: bytes,
        source: 'catalog',
        installedAt: this.d.now(),
      });
      this.d.bus.emit(
        'models.download_finished',
        { id: entry.id, ok: true, error: null, sha256 },
        { source: 'router' },
      );
      void this.d.bus
        .invoke('policy.record', {
          kind: 'models.downloaded',
          actor: 'user',
          resource: entry.url,
          // Catalog entries without a published checksum are pinned to what arrived (trust on first use).
          details: {
            sha256,
            bytes,
            checksum: entry.sha256 ? 'matched the catalog' : 'recorded on first download',
          },
        })
        .catch(() => {});
    } catch (error) {
      this.d.bus.emit(
        'models.download_finished',
        { id: entry.id, ok: false, error: toErrorInfo(error), sha256: null },
        { source: 'router' },
      );
    } finally {
      this.active.delete(entry.id);
    }
  }

  /**
   * L5's executor for models.import: a GGUF file (its header checked) or a speech pack folder,
   * offered where the user keeps it.
   */
  readonly importExecutor: ToolExecutor<'models.import'> = async (req) => {
    const path = req.path!;
    const model = this.register({
      id: `import-${this.d.newId().slice(0, 8)}`,
      ...(await importedFrom(path)),
      path,
      sha256: null,
      source: 'import',
      installedAt: this.d.now(),
    });
    const what = model.purpose === 'speech' ? `the speech pack ${model.name}` : model.name;
    return { summary: `imported ${what}`, output: model.id };
  };
}

/** What a file or folder the user offers is: its header or pack.json checked. */
async function importedFrom(
  path: string,
): Promise<Pick<InstalledModel, 'name' | 'purpose' | 'sizeBytes'>> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const pack = readPackFolder(path);
    return { name: pack.name, purpose: 'speech', sizeBytes: pack.sizeBytes };
  }
  await readGgufHeader(path);
  const name = basename(path);
  return {
    name,
    purpose: /embed/i.test(name) ? 'embedding' : 'chat',
    sizeBytes: statSync(path).size,
  };
}
