// Downloads against a real HTTP server on 127.0.0.1 serving a generated GGUF; the downloaded
// model then answers through the real host.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import type { CatalogEntry } from '../../bus/index.ts';
import { createHost, type Host } from '../../host/index.ts';
import { approveEverything, nextEvent } from '../../host/testing.ts';
import { startModelServer, type ModelServer } from './model-server.fixture.ts';

const SCRIPT = ['Downloaded', ' and', ' ready.'];
const modelFile = cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT });
const bytes = readFileSync(modelFile);
const sha = createHash('sha256').update(bytes).digest('hex');
let server: ModelServer;
const hosts: Host[] = [];

beforeAll(async () => {
  server = await startModelServer({ '/tiny.gguf': modelFile });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function entry(patch: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id: 'tiny',
    name: 'Tiny test model',
    purpose: 'chat',
    url: `${server.base}/tiny.gguf`,
    file: 'tiny.gguf',
    sizeBytes: bytes.length,
    sha256: sha,
    licence: 'MIT',
    minRamGb: 1,
    recommended: true,
    ...patch,
  };
}

function start(catalog: CatalogEntry[], dataDir = mkdtempSync(join(tmpdir(), 'aether-models-'))) {
  const host = createHost({
    mode: 'headless',
    dataDir,
    threads: 1,
    modelCatalog: catalog,
  });
  hosts.push(host);
  // The user approves every download request in these tests.
  approveEverything(host);
  return host;
}

describe('model manager', () => {
  it('downloads with progress, checks the SHA-256, installs, and the model answers', async () => {
    const host = start([entry()]);
    const progress: number[] = [];
    host.bus.on('models.download_progress', (e) => progress.push(e.payload.received));
    const finished = nextEvent(host, 'models.download_finished');
    expect(await host.bus.invoke('models.download', { catalogId: 'tiny' })).toEqual({
      started: true,
      reason: null,
    });
    expect((await finished).payload).toMatchObject({ ok: true, sha256: sha });
    expect(progress.at(-1)).toBe(bytes.length);
    const list = await host.bus.invoke('models.list', {});
    expect(list.installed).toHaveLength(1);
    expect(list.defaultChat).toBe('tiny');
    expect(list.catalog[0].installed).toBe(true);
    // The first chat model became the default, and the router switched to it.
    const c = await host.bus.invoke('chat.create_conversation', {});
    const done = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId: c.id, text: 'how are you doing' });
    expect((await done).payload.turn.assistantText).toBe('Downloaded and ready.');
  });

  it('resumes an interrupted download with a Range request, after a restart too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aether-models-'));
    let host = start([entry()], dataDir);
    server.breakNext('/tiny.gguf', 300_000);
    const first = nextEvent(host, 'models.download_finished');
    await host.bus.invoke('models.download', { catalogId: 'tiny' });
    expect((await first).payload).toMatchObject({ ok: false, error: { code: 'DownloadFailed' } });
    // Quit, start again: the list says how far it got, and Download goes on from there.
    await hosts.pop()!.dispose();
    host = start([entry()], dataDir);
    const [offered] = (await host.bus.invoke('models.list', {})).catalog;
    expect(offered).toMatchObject({ installed: false, partialBytes: 300_000 });
    const second = nextEvent(host, 'models.download_finished');
    await host.bus.invoke('models.download', { catalogId: 'tiny' });
    expect((await second).payload).toMatchObject({ ok: true, sha256: sha });
    expect(server.requests.at(-1)?.range).toBe('bytes=300000-');
    expect((await host.bus.invoke('models.list', {})).catalog[0].partialBytes).toBe(0);
  });

  it('deletes a download whose checksum does not match, and says so', async () => {
    const host = start([entry({ sha256: '0'.repeat(64) })]);
    const finished = nextEvent(host, 'models.download_finished');
    await host.bus.invoke('models.download', { catalogId: 'tiny' });
    expect((await finished).payload).toMatchObject({
      ok: false,
      error: { code: 'ChecksumMismatch' },
    });
    expect((await host.bus.invoke('models.list', {})).installed).toEqual([]);
  });

  it('reports offline, missing files and a full disk in plain words', async () => {
    const host = start([
      entry({ id: 'offline', url: 'http://127.0.0.1:9/tiny.gguf' }),
      entry({ id: 'missing', url: `${server.base}/nope.gguf`, file: 'nope.gguf' }),
      entry({
        id: 'huge',
        url: `${server.base}/tiny.gguf?huge`,
        file: 'huge.gguf',
        sizeBytes: 1e15,
      }),
    ]);
    for (const [id, code] of [
      ['offline', 'Offline'],
      ['missing', 'DownloadFailed'],
      ['huge', 'DiskFull'],
    ] as const) {
      const finished = nextEvent(host, 'models.download_finished');
      await host.bus.invoke('models.download', { catalogId: id });
      const { payload } = await finished;
      expect(payload).toMatchObject({ id, ok: false, error: { code } });
      expect(payload.error?.message.length).toBeGreaterThan(10);
      // The trust center says offline after the first, and not once a download reached a server.
      const badges = (await host.bus.invoke('trust.get_view', {})).posture.map((b) => b.id);
      expect(badges.includes('offline')).toBe(id === 'offline');
    }
  });

  it('imports a GGUF file after checking its header, and refuses anything else', async () => {
    const host = start([]);
    const imported = await host.bus.invoke('models.import', { path: modelFile });
    expect(imported.model).toMatchObject({ source: 'import', path: modelFile });
    const fake = join(mkdtempSync(join(tmpdir(), 'aether-fake-')), 'model.gguf');
    writeFileSync(fake, 'not a model at all, just text');
    const refused = await host.bus.invoke('models.import', { path: fake });
    expect(refused.model).toBeNull();
    expect(refused.reason).toMatch(/not a GGUF/);
    // Removing an imported model forgets it but leaves the user's file alone.
    expect(await host.bus.invoke('models.remove', { id: imported.model!.id })).toEqual({
      removed: true,
    });
    expect(existsSync(modelFile)).toBe(true);
  });

  it('serves embeddings from an installed embedding model, and says when there is none', async () => {
    const host = start([]);
    await expect(host.bus.invoke('router.embed', { texts: ['hi'] })).rejects.toMatchObject({
      code: 'ModelNotInstalled',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'aether-embed-')), 'tiny-embed.gguf');
    copyFileSync(cachedModel({ preset: 'tiny', type: 'q8_0' }), file);
    expect((await host.bus.invoke('models.import', { path: file })).model).toMatchObject({
      purpose: 'embedding',
    });
    const r = await host.bus.invoke('router.embed', { texts: ['my sister is Ada', 'the weather'] });
    expect(r).toMatchObject({ model: 'tiny-embed.gguf', dims: 128 });
    expect(r.vectors).toHaveLength(2);
    // An embedding model never becomes the chat model.
    expect((await host.bus.invoke('models.list', {})).defaultChat).toBeNull();
  });
});
