// Writes GGUF v3 files: header, typed key/value metadata, tensor infos, aligned data.
// Layout reference: ggml's docs/gguf.md. Dimensions are written row length first (ne0).
import { closeSync, openSync, writeSync } from 'node:fs';

export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlTypeId = (typeof GgmlType)[keyof typeof GgmlType];

const ValueType = { U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

export type MetaValue =
  | { u32: number }
  | { f32: number }
  | { bool: boolean }
  | { str: string }
  | { strings: string[] }
  | { f32s: Float32Array }
  | { i32s: Int32Array };

export type TensorSpec = {
  name: string;
  dims: number[];
  type: GgmlTypeId;
  /** Writes the tensor's bytes, row by row, through `push`. */
  write: (push: (bytes: Uint8Array) => void) => void;
};

const ALIGNMENT = 32;

/** Bytes one row of `rowLength` values takes in a ggml type. */
export function rowBytes(type: GgmlTypeId, rowLength: number): number {
  switch (type) {
    case GgmlType.F32:
      return rowLength * 4;
    case GgmlType.F16:
      return rowLength * 2;
    case GgmlType.Q8_0:
      return (rowLength / 32) * 34;
    case GgmlType.Q4_0:
      return (rowLength / 32) * 18;
  }
}

export function tensorBytes(spec: Pick<TensorSpec, 'dims' | 'type'>): number {
  const rows = spec.dims.slice(1).reduce((a, b) => a * b, 1);
  return rowBytes(spec.type, spec.dims[0]) * rows;
}

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(sink: ByteSink, value: MetaValue): void {
  if ('u32' in value) {
    sink.u32(ValueType.U32);
    sink.u32(value.u32);
    return;
  }
  if ('f32' in value) {
    sink.u32(ValueType.F32);
    sink.f32(value.f32);
    return;
  }
  if ('bool' in value) {
    sink.u32(ValueType.BOOL);
    sink.push(Buffer.from([value.bool ? 1 : 0]));
    return;
  }
  if ('str' in value) {
    sink.u32(ValueType.STRING);
    sink.str(value.str);
    return;
  }
  sink.u32(ValueType.ARRAY);
  if ('strings' in value) {
    sink.u32(ValueType.STRING);
    sink.u64(value.strings.length);
    for (const s of value.strings) sink.str(s);
  } else if ('f32s' in value) {
    sink.u32(ValueType.F32);
    sink.u64(value.f32s.length);
    sink.push(Buffer.from(value.f32s.buffer, value.f32s.byteOffset, value.f32s.byteLength));
  } else {
    sink.u32(ValueType.I32);
    sink.u64(value.i32s.length);
    sink.push(Buffer.from(value.i32s.buffer, value.i32s.byteOffset, value.i32s.byteLength));
  }
}

const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Writes a complete GGUF file; tensor data is streamed so large models never sit in memory. */
export function writeGguf(
  path: string,
  metadata: Record<string, MetaValue>,
  tensors: TensorSpec[],
): void {
  const head = new ByteSink();
  head.push(Buffer.from('GGUF', 'ascii'));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    head.str(key);
    writeValue(head, value);
  }

  let offset = 0;
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(t.type);
    head.u64(offset);
    offset = align(offset + tensorBytes(t));
  }
  const headerBytes = head.bytes();
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, headerBytes);
    writeSync(fd, Buffer.alloc(align(headerBytes.length) - headerBytes.length));
    for (const t of tensors) {
      let written = 0;
      t.write((bytes) => {
        writeSync(fd, bytes);
        written += bytes.length;
      });
      const expected = tensorBytes(t);
      if (written !== expected)
        throw new Error(`tensor ${t.name}: wrote ${written} bytes, expected ${expected}`);
      writeSync(fd, Buffer.alloc(align(written) - written));
    }
  } finally {
    closeSync(fd);
  }
}
