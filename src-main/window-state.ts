// The window's size and place, remembered between runs (DATA/window-state.json), and put back
// only where it can be seen: a saved place on a display that is gone comes back centred.
import { readFileSync, writeFileSync } from 'node:fs';

export type Rect = { x: number; y: number; width: number; height: number };
export type WindowState = Rect & { maximized: boolean };

export const DEFAULT_SIZE = { width: 1280, height: 820 };
const MIN = { width: 900, height: 560 };
/** At least this much of the window must lie on a display to count as visible. */
const VISIBLE = 100;

const overlap = (a: Rect, b: Rect) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) >= VISIBLE &&
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)) >= VISIBLE;

function parse(saved: unknown): WindowState | null {
  const s = saved as Partial<WindowState> | null;
  const n = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!s || ![s.x, s.y, s.width, s.height].every(n)) return null;
  return { x: s.x!, y: s.y!, width: s.width!, height: s.height!, maximized: s.maximized === true };
}

/** Where the window opens: the saved state if it is visible on a display (work areas), else centred. */
export function restoreState(saved: unknown, displays: Rect[]): WindowState {
  const primary = displays[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const s = parse(saved);
  const clamp = (w: number, h: number, area: Rect) => ({
    width: Math.max(MIN.width, Math.min(w, area.width)),
    height: Math.max(MIN.height, Math.min(h, area.height)),
  });
  if (s) {
    const on = displays.find((d) => overlap(s, d));
    if (on) return { ...s, ...clamp(s.width, s.height, on) };
  }
  const size = clamp(s?.width ?? DEFAULT_SIZE.width, s?.height ?? DEFAULT_SIZE.height, primary);
  return {
    x: Math.round(primary.x + (primary.width - size.width) / 2),
    y: Math.round(primary.y + (primary.height - size.height) / 2),
    ...size,
    maximized: s?.maximized ?? false,
  };
}

export function readState(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null; // none yet, or unreadable: the default place
  }
}

export function writeState(file: string, state: WindowState): void {
  writeFileSync(file, JSON.stringify(state));
}
