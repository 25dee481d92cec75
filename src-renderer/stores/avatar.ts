// The 3D avatar: which one is set (the host checked it), its bytes once fetched, and the file
// the user picks — sent in pieces, then imported through L5 (an approval card may ask). When it
// cannot be drawn (no WebGL, a file three-vrm refuses) the 2D face stays and the reason shows.
import { AVATAR_CHUNK_BYTES, MAX_AVATAR_BYTES, type AvatarInfo } from '../../engines/bus/index.ts';
import { toBase64 } from '../ipc/base64.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, type Slice } from './bound.ts';

export type AvatarState = {
  avatar: AvatarInfo | null;
  /** The file's bytes, fetched for the avatar set now. */
  bytes: ArrayBuffer | null;
  /** What is happening (uploading, waiting for approval), or null. */
  busy: string | null;
  /** The last problem, in words; the 2D face is shown meanwhile. */
  message: string | null;
  /** The avatar (by hash) that could not be drawn here: the 2D face stays for it. */
  unusable: string | null;
  pick(file: File): Promise<void>;
  useFlat(): Promise<void>;
  cannotDraw(why: string): void;
  reload(): Promise<void>;
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function fetchBytes(client: AetherClient): Promise<ArrayBuffer> {
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (let total = 1; offset < total;) {
    const r = await client.invoke('presence.read_avatar', { offset });
    total = r.total;
    const piece = Uint8Array.from(atob(r.dataBase64), (c) => c.charCodeAt(0));
    if (piece.length === 0) break;
    pieces.push(piece);
    offset += piece.length;
  }
  const all = new Uint8Array(offset);
  let at = 0;
  for (const p of pieces) {
    all.set(p, at);
    at += p.length;
  }
  return all.buffer;
}

async function upload(client: AetherClient, file: File, progress: (pct: number) => void) {
  const uploadId = crypto.randomUUID();
  const bytes = new Uint8Array(await file.arrayBuffer());
  for (let offset = 0; offset < bytes.length; offset += AVATAR_CHUNK_BYTES) {
    progress(Math.round((offset / bytes.length) * 100));
    await client.invoke('presence.upload_avatar', {
      uploadId,
      fileName: file.name.slice(0, 255),
      total: bytes.length,
      offset,
      dataBase64: toBase64(bytes.subarray(offset, offset + AVATAR_CHUNK_BYTES)),
    });
  }
  return uploadId;
}

const picking: Slice<AvatarState, 'pick' | 'useFlat' | 'cannotDraw'> = (client, set, get) => ({
  async pick(file) {
    if (!/\.vrm$/i.test(file.name))
      return set({ message: `“${file.name}” is not a .vrm file; pick a VRM avatar.` });
    if (file.size > MAX_AVATAR_BYTES)
      return set({
        message: `“${file.name}” is ${mb(file.size)}; an avatar may be at most ${mb(MAX_AVATAR_BYTES)}. The 2D face stays.`,
      });
    try {
      set({ message: null, busy: 'Sending the file… 0%' });
      const id = await upload(client, file, (pct) => set({ busy: `Sending the file… ${pct}%` }));
      set({ busy: 'Waiting for your approval to use it…' });
      const r = await client.invoke('presence.import_avatar', { uploadId: id });
      set({ busy: null, message: r.reason ? `${r.reason} The 2D face stays.` : null });
      if (!r.reason) await get().reload();
    } catch (e) {
      set({ busy: null, message: `${say(e)} The 2D face stays.` });
    }
  },
  async useFlat() {
    try {
      await client.invoke('presence.clear_avatar', {});
      set({ avatar: null, bytes: null, message: null });
    } catch (e) {
      set({ message: say(e) });
    }
  },
  cannotDraw(why) {
    set({ unusable: get().avatar?.sha256 ?? null, message: why });
  },
});

export function createAvatarStore(client: AetherClient) {
  // An import's own reload and its avatar_changed event come together: one fetch serves both.
  let loading: Promise<void> | null = null;
  return boundStore<AvatarState>(
    (set, get) => ({
      avatar: null,
      bytes: null,
      busy: null,
      message: null,
      unusable: null,
      ...picking(client, set, get),
      reload() {
        loading ??= (async () => {
          const { avatar } = await client.invoke('presence.get_avatar', {});
          if (!avatar) return set({ avatar: null, bytes: null });
          if (avatar.sha256 === get().avatar?.sha256 && get().bytes) return;
          set({ avatar, bytes: await fetchBytes(client) });
        })().finally(() => (loading = null));
        return loading;
      },
    }),
    (get) => [client.on('presence.avatar_changed', () => void get().reload())],
  );
}
