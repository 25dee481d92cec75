// The window comes back where it was, unless that place is no longer on any display.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState, restoreState, writeState } from './window-state.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const monitor = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  it('comes back where it was on a display that is still there', () => {
    const saved = { x: 2000, y: 100, width: 1400, height: 900, maximized: true };
    expect(restoreState(saved, [laptop, monitor])).toEqual(saved);
  });

  it('is centred when its display is gone, the file is bad or there is none', () => {
    const onMonitor = { x: 2000, y: 100, width: 1400, height: 900, maximized: false };
    expect(restoreState(onMonitor, [laptop])).toEqual({ ...onMonitor, x: 260, y: 90 });
    for (const saved of [null, 'junk', { x: 'a', y: 0, width: 1, height: 1 }])
      expect(restoreState(saved, [laptop])).toEqual({
        x: 320,
        y: 130,
        width: 1280,
        height: 820,
        maximized: false,
      });
  });

  it('never opens larger than its display, or smaller than the least usable size', () => {
    const huge = { x: 0, y: 0, width: 5000, height: 3000 };
    expect(restoreState(huge, [laptop])).toMatchObject({ width: 1920, height: 1080 });
    expect(restoreState({ x: 10, y: 10, width: 200, height: 100 }, [laptop])).toMatchObject({
      width: 900,
      height: 560,
    });
  });

  it('survives a round trip through its file, and a broken file reads as none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aether-window-')), 'window-state.json');
    const state = { x: 5, y: 6, width: 1000, height: 700, maximized: false };
    writeState(file, state);
    expect(readState(file)).toEqual(state);
    writeFileSync(file, '{ not json');
    expect(readState(file)).toBeNull();
  });
});
