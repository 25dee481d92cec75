// A speech pack from the catalog, downloaded from a real HTTP server on 127.0.0.1 through the
// policy gate like a model: its files land in DATA/speech/<pack>, its pack.json gets each file's
// SHA-256, the Models tab lists it, and the running speech process picks it up without a
// restart (the voice status says a recogniser is there). Removing it takes the folder away. A pack
// folder the user keeps on disk is added the same way (models.import) and left where it is. The
// bundled catalog's packs are ones the speech process accepts, and its Piper voice names enough of
// espeak-ng's data for sherpa to say a sentence.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../bus/index.ts';
import { createHost, forkSpeech, sourceResources, type Host } from './index.ts';
import { systemClock } from '../bus/index.ts';
import { BUNDLED_VAD, createSpeech, readPack, type Heard } from '../interaction/index.ts';
import { defaultCatalog } from '../router/index.ts';
import { approveEverything, nextEvent } from './testing.ts';
import { espeakData, testPack } from '../interaction/speech/speech.fixture.ts';
import { DEBIAN_ESPEAK_DATA } from '../../scripts/speech/make-pack.ts';
import { startModelServer, type ModelServer } from '../router/models/model-server.fixture.ts';

const made = testPack('hello there');
const FILES = ['stt/model.onnx', 'stt/tokens.txt'];
let server: ModelServer;
const hosts: Host[] = [];

beforeAll(async () => {
  server = await startModelServer(Object.fromEntries(FILES.map((f) => [`/${f}`, join(made, f)])));
});
afterAll(() => server.close());
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function entry(): CatalogEntry {
  const files = FILES.map((path) => ({
    path,
    url: `${server.base}/${path}`,
    sizeBytes: readFileSync(join(made, path)).length,
    sha256: null,
  }));
  return {
    id: 'speech-test',
    name: 'Speech recogniser: test',
    purpose: 'speech',
    url: files[0].url,
    file: 'speech-test',
    sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
    sha256: null,
    licence: 'MIT',
    minRamGb: 1,
    recommended: true,
    files,
    pack: {
      format: 1,
      name: 'Test recogniser',
      recogniser: { kind: 'zipformer-ctc', model: FILES[0], tokens: FILES[1] },
      voices: [],
    },
  };
}

const catalogPacks = () => defaultCatalog({}).filter((m) => m.purpose === 'speech');
const running: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const r of running.splice(0)) r.dispose();
});

describe('speech packs in the Models tab', () => {
  it('offers only packs the speech process accepts, a streaming recogniser first', async () => {
    for (const m of catalogPacks()) {
      // What a download leaves: the files (stand-ins here) and a pack.json with their SHA-256.
      const dir = mkdtempSync(join(tmpdir(), 'aether-catalog-pack-'));
      const sha256: Record<string, string> = {};
      for (const f of m.files ?? []) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.path);
        sha256[f.path] = createHash('sha256').update(f.path).digest('hex');
      }
      writeFileSync(join(dir, 'pack.json'), JSON.stringify({ ...m.pack, sha256 }));
      const pack = await readPack(dir);
      expect(pack.recogniser !== null || pack.voices.length > 0, m.id).toBe(true);
    }
    const recognisers = catalogPacks().filter((m) => m.recommended && m.pack?.recogniser);
    expect(recognisers.map((m) => (m.pack?.recogniser as { kind: string }).kind)).toEqual([
      'streaming-transducer',
    ]);
  });

  it.skipIf(espeakData)(
    'downloads just the espeak-ng data a catalog voice needs to say a sentence',
    async () => {
      const voice = catalogPacks().find((m) => (m.pack?.voices as unknown[] | undefined)?.length)!;
      // The catalog's espeak-ng-data files, taken from Debian's copy, and nothing else.
      const data = mkdtempSync(join(tmpdir(), 'aether-espeak-subset-'));
      for (const f of voice.files!.filter((f) => f.path.startsWith('espeak-ng-data/'))) {
        const name = f.path.slice('espeak-ng-data/'.length);
        mkdirSync(dirname(join(data, name)), { recursive: true });
        copyFileSync(join(DEBIAN_ESPEAK_DATA!, name), join(data, name));
      }
      const heard: Heard[] = [];
      const speech = createSpeech({
        spawn: forkSpeech(sourceResources.speechWorkerEntry),
        vad: { model: sourceResources.vadModel, ...BUNDLED_VAD },
        fliteWasm: sourceResources.fliteWasm,
        packs: [testPack('hello', { espeakData: data })],
        clock: systemClock(),
        onHeard: (h) => heard.push(h),
      });
      running.push(speech);
      await speech.start();
      speech.speak('one', 'Hello there, I found three notes.', {
        voice: 'beeper',
        speed: 1,
        pitch: 1,
      });
      await expect.poll(() => heard.find((h) => h.type === 'speak_done')).toBeTruthy();
      const done = heard.find((h) => h.type === 'speak_done');
      expect(done).toMatchObject({ cancelled: false });
      expect(done).not.toHaveProperty('error');
      expect(heard.filter((h) => h.type === 'spoken').length).toBeGreaterThan(0);
    },
  );

  it('downloads a pack through the gate and the voice uses it at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aether-speech-dl-'));
    const host = createHost({ mode: 'headless', dataDir, threads: 1, modelCatalog: [entry()] });
    hosts.push(host);
    approveEverything(host);
    expect((await host.bus.invoke('voice.set_output', { speak: true })).recogniser).toBe(false);
    const finished = nextEvent(host, 'models.download_finished');
    const recognises = nextEvent(host, 'voice.status_changed', (e) => e.payload.recogniser);
    await host.bus.invoke('models.download', { catalogId: 'speech-test' });
    expect((await finished).payload).toMatchObject({ ok: true });
    const folder = join(dataDir, 'speech', 'speech-test');
    const manifest = JSON.parse(readFileSync(join(folder, 'pack.json'), 'utf8'));
    expect(Object.keys(manifest.sha256)).toEqual(FILES);
    await recognises;
    const list = await host.bus.invoke('models.list', {});
    expect(list.installed).toMatchObject([{ id: 'speech-test', purpose: 'speech' }]);
    expect(await host.bus.invoke('models.remove', { id: 'speech-test' })).toEqual({
      removed: true,
    });
    await expect.poll(() => existsSync(folder)).toBe(false);
  });

  it('adds a pack folder from disk, refuses a folder that is not one, and leaves it on removal', async () => {
    const host = createHost({
      mode: 'headless',
      dataDir: mkdtempSync(join(tmpdir(), 'aether-speech-import-')),
      threads: 1,
    });
    hosts.push(host);
    approveEverything(host);
    expect((await host.bus.invoke('voice.set_output', { speak: true })).recogniser).toBe(false);
    const notPack = mkdtempSync(join(tmpdir(), 'aether-not-a-pack-'));
    const refused = await host.bus.invoke('models.import', { path: notPack });
    expect(refused).toMatchObject({
      model: null,
      reason: expect.stringMatching(/not a speech pack/),
    });
    const recognises = nextEvent(host, 'voice.status_changed', (e) => e.payload.recogniser);
    const { model } = await host.bus.invoke('models.import', { path: made });
    expect(model).toMatchObject({ purpose: 'speech', source: 'import', path: made });
    expect(model!.sizeBytes).toBeGreaterThan(0);
    await recognises;
    expect(await host.bus.invoke('models.remove', { id: model!.id })).toEqual({ removed: true });
    expect(existsSync(join(made, 'pack.json'))).toBe(true);
  });
});
