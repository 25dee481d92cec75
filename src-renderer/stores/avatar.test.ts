// @vitest-environment jsdom
// The avatar store against a test client: a file that is not a .vrm, or too big, is refused
// before a byte is sent; a good one goes in pieces, then the import; a refusal from the host is
// shown and the 2D face stays; the set avatar's bytes are fetched back in pieces.
import { describe, expect, it } from 'vitest';
import { AVATAR_CHUNK_BYTES, MAX_AVATAR_BYTES } from '../../engines/bus/index.ts';
import { createTestClient } from '../ipc/testing.ts';
import { createAvatarStore } from './avatar.ts';

const info = {
  name: 'Me',
  fileName: 'me.vrm',
  spec: '1.0' as const,
  sizeBytes: AVATAR_CHUNK_BYTES + 10,
  sha256: 'a'.repeat(64),
  expressions: ['aa'],
  warnings: [],
  importedAt: 1,
};

const base64 = (bytes: Uint8Array) =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));

function setUp(importReason: string | null) {
  let set = false;
  const file = new Uint8Array(info.sizeBytes).fill(7);
  const client = createTestClient({
    'presence.get_avatar': () => ({ avatar: set ? info : null }),
    'presence.upload_avatar': (i) => ({ received: i.offset }),
    'presence.import_avatar': () => {
      set = importReason === null;
      return { avatar: set ? info : null, reason: importReason };
    },
    'presence.read_avatar': ({ offset }) => {
      const piece = file.subarray(offset, offset + AVATAR_CHUNK_BYTES);
      return {
        dataBase64: base64(piece),
        total: file.length,
        sha256: info.sha256,
      };
    },
  });
  return { client, store: createAvatarStore(client) };
}

/** What a file input gives (jsdom's File cannot read itself back). */
const fileOf = (name: string, size: number) =>
  ({
    name,
    size,
    arrayBuffer: async () => new Uint8Array(size).buffer,
  }) as unknown as File;

describe('picking a 3D avatar in the page', () => {
  it('refuses a file that is not a .vrm, or too big, without sending it', async () => {
    const { client, store } = setUp(null);
    await store.getState().pick(fileOf('face.png', 10));
    expect(store.getState().message).toMatch(/not a \.vrm file/);
    await store.getState().pick(fileOf('big.vrm', MAX_AVATAR_BYTES + 1));
    expect(store.getState().message).toMatch(/at most 64\.0 MB/);
    expect(client.count('presence.upload_avatar')).toBe(0);
  });

  it('sends a good file in pieces, imports it, and fetches the bytes back', async () => {
    const { client, store } = setUp(null);
    await store.getState().pick(fileOf('me.vrm', info.sizeBytes));
    expect(client.count('presence.upload_avatar')).toBe(2);
    expect(client.count('presence.import_avatar')).toBe(1);
    expect(store.getState().avatar?.name).toBe('Me');
    expect(store.getState().bytes?.byteLength).toBe(info.sizeBytes);
    expect(new Uint8Array(store.getState().bytes!)[AVATAR_CHUNK_BYTES + 3]).toBe(7);
    expect(store.getState().message).toBeNull();
  });

  it('shows the host’s refusal and keeps the 2D face', async () => {
    const { store } = setUp('This is not a VRM avatar: it is not a glTF binary.');
    await store.getState().pick(fileOf('bad.vrm', 100));
    expect(store.getState().message).toMatch(/not a glTF binary\. The 2D face stays\./);
    expect(store.getState().avatar).toBeNull();
    expect(store.getState().busy).toBeNull();
  });
});
