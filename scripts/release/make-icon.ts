// Draws build/icon.png (512×512), the favicon's face: a ring, two eyes and a smile. A script,
// not a design tool, so the icon is rebuilt from this file exactly. `node scripts/release/make-icon.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const RING = [0x7a, 0xa2, 0xff];
const FACE = [0x16, 0x1a, 0x21];
const FEATURE = [0xe6, 0xe8, 0xec];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** The colour at (x, y) in the favicon's 100-unit box, or null for transparent. */
function colourAt(x: number, y: number): number[] | null {
  const r = Math.hypot(x - 50, y - 50);
  if (r > 47) return null;
  if (r > 41) return RING;
  const eye = (cx: number) => ((x - cx) / 6) ** 2 + ((y - 42) / 7) ** 2 <= 1;
  if (eye(36) || eye(64)) return FEATURE;
  // The smile: a band under the curve y = 64 + 10·(1 − ((x − 50)/14)²) between x 36 and 64.
  const t = (x - 50) / 14;
  const curve = 64 + 10 * (1 - t * t) * 0.5;
  if (Math.abs(t) <= 1 && Math.abs(y - curve) <= 2.5) return FEATURE;
  return FACE;
}

export function iconPng(): Buffer {
  const rows: Buffer[] = [];
  for (let py = 0; py < SIZE; py++) {
    const row = Buffer.alloc(1 + SIZE * 4);
    for (let px = 0; px < SIZE; px++) {
      const c = colourAt(((px + 0.5) * 100) / SIZE, ((py + 0.5) * 100) / SIZE);
      if (c) row.set([...c, 255], 1 + px * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = deflateSync(Buffer.concat(rows), { level: 9 });
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync('build', { recursive: true });
  writeFileSync('build/icon.png', iconPng());
}
