// Checks that a file starts like a GGUF model before it is offered (a damaged or foreign file
// must not reach llama.cpp, which can abort on one).
import { open } from 'node:fs/promises';
import { AetherError } from '../../bus/index.ts';

export type GgufHeader = { version: number; tensors: number; metadata: number };

export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const handle = await open(path, 'r').catch(() => {
    throw new AetherError('NotFound', `no file at ${path}`);
  });
  try {
    const buf = Buffer.alloc(24);
    const { bytesRead } = await handle.read(buf, 0, 24, 0);
    if (bytesRead < 24 || buf.toString('ascii', 0, 4) !== 'GGUF')
      throw new AetherError('ModelLoadFailed', `${path} is not a GGUF model file`);
    const version = buf.readUInt32LE(4);
    const tensors = Number(buf.readBigUInt64LE(8));
    const metadata = Number(buf.readBigUInt64LE(16));
    if (version < 2 || version > 3)
      throw new AetherError(
        'ModelLoadFailed',
        `${path} is GGUF version ${version}; Aether reads versions 2 and 3`,
      );
    if (tensors === 0 || tensors > 1_000_000 || metadata > 100_000)
      throw new AetherError('ModelLoadFailed', `${path} has an implausible GGUF header`);
    return { version, tensors, metadata };
  } finally {
    await handle.close();
  }
}
