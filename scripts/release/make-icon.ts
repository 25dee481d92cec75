// Draws build/icon.png (512×512), the favicon's face: a ring, two eyes and a smile. A script,
// not a design tool, so the icon is rebuilt from this file exactly. `node scripts/release/make-icon.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { png } from '../vrm/png.ts';

type Rgba = [number, number, number, number];

const SIZE = 512;
const RING: Rgba = [0x7a, 0xa2, 0xff, 255];
const FACE: Rgba = [0x16, 0x1a, 0x21, 255];
const FEATURE: Rgba = [0xe6, 0xe8, 0xec, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** The colour at (x, y) in the favicon's 100-unit box. */
function colourAt(x: number, y: number): Rgba {
  const r = Math.hypot(x - 50, y - 50);
  if (r > 47) return CLEAR;
  if (r > 41) return RING;
  const eye = (cx: number) => ((x - cx) / 6) ** 2 + ((y - 42) / 7) ** 2 <= 1;
  if (eye(36) || eye(64)) return FEATURE;
  // The smile: a band along y = 64 + 5·(1 − ((x − 50)/14)²) between x 36 and 64.
  const t = (x - 50) / 14;
  if (Math.abs(t) <= 1 && Math.abs(y - (64 + 5 * (1 - t * t))) <= 2.5) return FEATURE;
  return FACE;
}

export const iconPng = (): Buffer =>
  png(SIZE, SIZE, (px, py) => colourAt(((px + 0.5) * 100) / SIZE, ((py + 0.5) * 100) / SIZE));

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync('build', { recursive: true });
  writeFileSync('build/icon.png', iconPng());
}
