// Row encoders for the ggml types we generate. Random rows are written straight as bytes
// (fast for 0.5B-parameter files); rows with chosen values are quantized from floats.
import { GgmlType, rowBytes, type GgmlTypeId } from './gguf-file.ts';

/** Deterministic 32-bit PRNG (mulberry32): the same seed always yields the same file. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  nextU32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Approximately normal(0, 1): sum of four uniforms, rescaled. */
  nextGaussian(): number {
    let s = 0;
    for (let i = 0; i < 4; i++) s += this.nextU32() / 4294967296;
    return (s - 2) * Math.sqrt(3);
  }
  fill(bytes: Uint8Array): void {
    const whole = bytes.length & ~3;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < whole; i += 4) view.setUint32(i, this.nextU32(), true);
    for (let i = whole; i < bytes.length; i++) bytes[i] = this.nextU32() & 0xff;
  }
}

export function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 binary32 → binary16 bits, round to nearest. */
export function toHalf(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign; // underflow to signed zero: fine for weights this small
  if (exp >= 31) return sign | 0x7c00;
  const half = sign | (exp << 10) | (mant >>> 13);
  return (mant & 0x1000) !== 0 ? half + 1 : half;
}

/** Encodes one row of floats in a ggml type. */
export function encodeRow(type: GgmlTypeId, values: Float32Array): Uint8Array {
  const out = new Uint8Array(rowBytes(type, values.length));
  const view = new DataView(out.buffer);
  if (type === GgmlType.F32) {
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  } else if (type === GgmlType.F16) {
    values.forEach((v, i) => view.setUint16(i * 2, toHalf(v), true));
  } else if (type === GgmlType.Q8_0) {
    for (let b = 0; b < values.length / 32; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const amax = block.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const d = amax / 127;
      view.setUint16(b * 34, toHalf(d), true);
      block.forEach((v, i) => view.setInt8(b * 34 + 2 + i, d === 0 ? 0 : Math.round(v / d)));
    }
  } else {
    // Q4_0 as in ggml's quantize_row_q4_0_ref: d = signed max / -8, nibbles offset by 8,
    // element j in the low nibble of byte j, element j + 16 in its high nibble.
    for (let b = 0; b < values.length / 32; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      let max = 0;
      for (const v of block) if (Math.abs(v) > Math.abs(max)) max = v;
      const d = max / -8;
      const id = d === 0 ? 0 : 1 / d;
      view.setUint16(b * 18, toHalf(d), true);
      for (let j = 0; j < 16; j++) {
        const lo = Math.min(15, Math.trunc(block[j] * id + 8.5));
        const hi = Math.min(15, Math.trunc(block[j + 16] * id + 8.5));
        out[b * 18 + 2 + j] = lo | (hi << 4);
      }
    }
  }
  return out;
}

/** Writes `rows` random rows with standard deviation ≈ sigma, straight as quantized bytes. */
export function randomRows(
  type: GgmlTypeId,
  rowLength: number,
  rows: number,
  sigma: number,
  rng: Rng,
): Uint8Array {
  const out = new Uint8Array(rowBytes(type, rowLength) * rows);
  if (type === GgmlType.F32 || type === GgmlType.F16) {
    const values = new Float32Array(rowLength);
    const size = rowBytes(type, rowLength);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < rowLength; i++) values[i] = rng.nextGaussian() * sigma;
      out.set(encodeRow(type, values), r * size);
    }
    return out;
  }
  rng.fill(out);
  // Uniform int8 has std ≈ 73.6; uniform nibble - 8 has std ≈ 4.6. Pick the scale for sigma.
  const [blockSize, scale] = type === GgmlType.Q8_0 ? [34, sigma / 73.6] : [18, sigma / 4.6];
  const halfScale = toHalf(scale);
  for (let o = 0; o < out.length; o += blockSize) {
    out[o] = halfScale & 0xff;
    out[o + 1] = halfScale >>> 8;
  }
  return out;
}
