// Writing a glTF 2.0 binary (GLB): a JSON chunk and one binary buffer, each padded to four
// bytes as the format requires. Accessors are added with their bytes; the JSON refers to them
// by index.

const JSON_CHUNK = 0x4e4f534a;
const BIN_CHUNK = 0x004e4942;

type Accessor = {
  bufferView: number;
  componentType: number;
  count: number;
  type: 'SCALAR' | 'VEC2' | 'VEC3';
  min?: number[];
  max?: number[];
};

export const FLOAT = 5126;
export const UNSIGNED_SHORT = 5123;

/** The binary buffer and the bufferViews and accessors that index it. */
export class GlbBuilder {
  readonly bufferViews: { buffer: 0; byteOffset: number; byteLength: number; target?: number }[] =
    [];
  readonly accessors: Accessor[] = [];
  private parts: Buffer[] = [];
  private length = 0;

  /** Bytes of their own view (an image, say); returns the bufferView's index. */
  view(bytes: Buffer, target?: number): number {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad) this.push(Buffer.alloc(pad));
    this.bufferViews.push({
      buffer: 0,
      byteOffset: this.length,
      byteLength: bytes.length,
      ...(target ? { target } : {}),
    });
    this.push(bytes);
    return this.bufferViews.length - 1;
  }

  /** Floats of `size` components each (VEC3 positions carry min/max, as glTF requires). */
  floats(values: number[], size: 2 | 3): number {
    const view = this.view(Buffer.from(new Float32Array(values).buffer), 34962);
    const accessor: Accessor = {
      bufferView: view,
      componentType: FLOAT,
      count: values.length / size,
      type: size === 3 ? 'VEC3' : 'VEC2',
    };
    if (size === 3) {
      accessor.min = [0, 1, 2].map((k) => Math.min(...values.filter((_, i) => i % 3 === k)));
      accessor.max = [0, 1, 2].map((k) => Math.max(...values.filter((_, i) => i % 3 === k)));
    }
    this.accessors.push(accessor);
    return this.accessors.length - 1;
  }

  indices(values: number[]): number {
    const view = this.view(Buffer.from(new Uint16Array(values).buffer), 34963);
    this.accessors.push({
      bufferView: view,
      componentType: UNSIGNED_SHORT,
      count: values.length,
      type: 'SCALAR',
    });
    return this.accessors.length - 1;
  }

  /** The whole file for `json` (which gets this builder's buffer, views and accessors). */
  file(json: Record<string, unknown>): Buffer {
    const bin = Buffer.concat(this.parts);
    const full = {
      ...json,
      buffers: [{ byteLength: bin.length }],
      bufferViews: this.bufferViews,
      accessors: this.accessors,
    };
    return glb(Buffer.from(JSON.stringify(full)), bin);
  }

  private push(bytes: Buffer): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
}

function chunk(type: number, data: Buffer, fill: number): Buffer {
  const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4, fill);
  data.copy(padded);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(padded.length, 0);
  head.writeUInt32LE(type, 4);
  return Buffer.concat([head, padded]);
}

/** A GLB container of a JSON chunk and a binary chunk. */
export function glb(json: Buffer, bin: Buffer): Buffer {
  const body = Buffer.concat([chunk(JSON_CHUNK, json, 0x20), chunk(BIN_CHUNK, bin, 0)]);
  const header = Buffer.alloc(12);
  header.write('glTF', 0, 'latin1');
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(12 + body.length, 8);
  return Buffer.concat([header, body]);
}
