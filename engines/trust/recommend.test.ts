// The first run's model recommender as a table: hardware in, the pick, its alternatives and
// their labels out — with no GPU, a GPU, tiny memory, a full disk, and detection failing.
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../bus/index.ts';
import { memoryNeeded, recommend, type Hardware } from './recommend.ts';

const GB = 1e9;
const model = (
  id: string,
  gb: number,
  purpose: CatalogEntry['purpose'] = 'chat',
): CatalogEntry => ({
  id,
  name: id,
  purpose,
  url: `http://127.0.0.1:9/${id}.gguf`,
  file: `${id}.gguf`,
  sizeBytes: gb * GB,
  sha256: null,
  licence: 'MIT',
  minRamGb: 1,
  recommended: purpose === 'embedding',
});
const CATALOG = [
  model('large-7b', 4.7),
  model('tiny-0.5b', 0.5),
  model('small-1.5b', 1.1),
  model('embed', 0.15, 'embedding'),
  model('voice', 0.1, 'speech'),
];

const hw = (freeGb: number, patch: Partial<Hardware> = {}): Hardware => ({
  totalRamBytes: 16 * GB,
  freeRamBytes: freeGb * GB,
  cores: 8,
  gpu: { none: 'none found' },
  freeDiskBytes: 100 * GB,
  ...patch,
});

describe('the model recommender', () => {
  it.each([
    // free RAM (GB), extra, pick, smaller, larger, pick's label
    [12, {}, 'large-7b', 'small-1.5b', null, 'fits'],
    [7, {}, 'small-1.5b', 'tiny-0.5b', 'large-7b', 'fits'],
    // A model that fits beats a larger one that is tight.
    [2.2, {}, 'tiny-0.5b', null, 'small-1.5b', 'fits'],
    [1.4, {}, 'tiny-0.5b', null, 'small-1.5b', 'fits'],
    [1.1, {}, 'tiny-0.5b', null, 'small-1.5b', 'tight'],
    [0.5, {}, 'tiny-0.5b', null, 'small-1.5b', 'too big'],
    [3, { gpu: { name: 'RTX 4060', vramBytes: 8 * GB } }, 'large-7b', 'small-1.5b', null, 'fits'],
    [12, { freeDiskBytes: 2 * GB }, 'small-1.5b', 'tiny-0.5b', 'large-7b', 'fits'],
  ] as const)('%d GB free %o → %s', (free, extra, pick, smaller, larger, fit) => {
    const r = recommend(hw(free, extra as Partial<Hardware>), CATALOG);
    expect(r.pick?.entry.id).toBe(pick);
    expect(r.smaller?.entry.id ?? null).toBe(smaller);
    expect(r.larger?.entry.id ?? null).toBe(larger);
    expect(r.pick?.fit).toBe(fit);
    // Every pick obeys the rule: it needs at most 85 % of the memory there is, unless none does.
    if (fit !== 'too big') {
      const gpu = (extra as Partial<Hardware>).gpu;
      const vram = gpu && 'vramBytes' in gpu ? gpu.vramBytes : 0;
      expect(memoryNeeded(r.pick!.entry)).toBeLessThanOrEqual((free * GB + vram) * 0.85);
    }
    expect(r.sentence).toContain(pick);
  });

  it('labels every chat model before anything is downloaded, smallest first', () => {
    const r = recommend(hw(2.2, { freeDiskBytes: 2 * GB }), CATALOG);
    expect(r.chat.map((o) => [o.entry.id, o.fit])).toEqual([
      ['tiny-0.5b', 'fits'],
      ['small-1.5b', 'tight'],
      ['large-7b', 'no room on disk'],
    ]);
    expect(r.embedding?.entry.id).toBe('embed');
    expect(r.sentence).toMatch(/16 GB of memory \(2\.2 GB free\), 8 cores, no GPU \(none found\)/);
  });

  it('falls back to the smallest model when the hardware could not be read', () => {
    const r = recommend(null, CATALOG);
    expect(r.pick).toMatchObject({ entry: { id: 'tiny-0.5b' }, fit: 'unknown' });
    expect(r.sentence).toMatch(/could not read this computer's memory/);
  });

  it('says so when nothing fits on disk, or there is no chat model at all', () => {
    expect(recommend(hw(12, { freeDiskBytes: 0.1 * GB }), CATALOG).pick).toBeNull();
    const none = recommend(hw(12), [model('embed', 0.15, 'embedding')]);
    expect(none.pick).toBeNull();
    expect(none.sentence).toMatch(/no chat model Aether offers fits/);
  });
});
