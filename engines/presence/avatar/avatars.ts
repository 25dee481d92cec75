// The 3D avatar the user picked. The file comes over in pieces (one upload at a time, held in
// memory), is checked (vrm-check.ts), and only L5's avatar.import writes it into the data
// folder and makes it the avatar; the renderer reads it back in pieces to draw it.
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  AetherError,
  AVATAR_CHUNK_BYTES,
  type AvatarInfo,
  type Bus,
  type Clock,
  type CommandInput,
  type HandlersFor,
  type ToolExecutor,
} from '../../bus/index.ts';
import { checkSize, checkVrm, megabytes } from './vrm-check.ts';

const KEY = 'presence.avatar';
/** An upload nobody finishes is dropped after this long without a piece. */
const UPLOAD_IDLE_MS = 60_000;

type Upload = { id: string; fileName: string; bytes: Buffer; received: number; at: number };

export type AvatarDeps = {
  bus: Bus;
  clock: Clock;
  dataDir: string;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const bad = (message: string) => new AetherError('BadRequest', message);

/** The one upload in progress, held in memory until it is imported or goes idle. */
function createUploads(clock: Clock) {
  let upload: Upload | null = null;
  function append(input: CommandInput<'presence.upload_avatar'>): { received: number } {
    checkSize(input.total);
    const now = clock.monotonic();
    const live = upload && upload.id === input.uploadId && now - upload.at < UPLOAD_IDLE_MS;
    if (!live) {
      if (input.offset !== 0)
        throw bad('This upload has expired or another replaced it; pick the file again.');
      const bytes = Buffer.alloc(input.total);
      upload = { id: input.uploadId, fileName: input.fileName, bytes, received: 0, at: now };
    }
    const u = upload!;
    if (input.offset !== u.received)
      throw bad(`Expected the piece at byte ${u.received}, got ${input.offset}.`);
    const piece = Buffer.from(input.dataBase64, 'base64');
    if (u.received + piece.length > u.bytes.length)
      throw bad('The upload has more bytes than it said.');
    piece.copy(u.bytes, u.received);
    u.received += piece.length;
    u.at = now;
    return { received: u.received };
  }
  function staged(uploadId: string): Upload {
    if (!upload || upload.id !== uploadId)
      throw bad('No such upload (it expired or was replaced); pick the file again.');
    if (upload.received !== upload.bytes.length)
      throw bad(`The upload is incomplete: ${upload.received} of ${upload.bytes.length} bytes.`);
    return upload;
  }
  return {
    append,
    staged,
    drop: () => (upload = null),
    /** The upload's file name, when there is one: what a refusal is recorded against. */
    nameOf: (uploadId: string) => (upload?.id === uploadId ? upload.fileName : uploadId),
  };
}

/** The avatar's file for reading; a file gone from the data folder is said so. */
function openAvatar(path: string, name: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    throw new AetherError(
      'NotFound',
      `The avatar file of ${name} is missing from the data folder; pick it again.`,
    );
  }
}

export function createAvatars(deps: AvatarDeps) {
  const dir = join(deps.dataDir, 'avatars');
  const fileOf = (info: AvatarInfo) => join(dir, `${info.sha256}.vrm`);
  const current = () => deps.settings.get<AvatarInfo | null>(KEY) ?? null;
  const uploads = createUploads(deps.clock);
  const { staged } = uploads;

  /** L5's executor: the checked file becomes the avatar (the old one's file is removed). */
  const importExecutor: ToolExecutor<'avatar.import'> = async (req) => {
    const u = staged(req.input!.uploadId);
    const sha = sha256(u.bytes);
    if (sha !== req.input!.sha256)
      throw new AetherError('ToolFailed', 'The upload changed after it was approved.');
    const summary = checkVrm(u.bytes, u.fileName);
    const info: AvatarInfo = {
      ...summary,
      fileName: u.fileName,
      sizeBytes: u.bytes.length,
      sha256: sha,
      importedAt: deps.clock.now(),
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${fileOf(info)}.part`, u.bytes);
    renameSync(`${fileOf(info)}.part`, fileOf(info));
    const previous = current();
    deps.settings.set(KEY, info);
    if (previous && previous.sha256 !== sha) rmSync(fileOf(previous), { force: true });
    uploads.drop();
    deps.bus.emit('presence.avatar_changed', { avatar: info }, { source: 'presence' });
    return { summary: `showing the avatar ${info.name} (VRM ${info.spec})`, output: sha };
  };

  function read(offset: number) {
    const info = current();
    if (!info) throw new AetherError('NotFound', 'No 3D avatar is set.');
    const fd = openAvatar(fileOf(info), info.name);
    try {
      const piece = Buffer.alloc(
        Math.max(0, Math.min(AVATAR_CHUNK_BYTES, info.sizeBytes - offset)),
      );
      readSync(fd, piece, 0, piece.length, offset);
      return { dataBase64: piece.toString('base64'), total: info.sizeBytes, sha256: info.sha256 };
    } finally {
      closeSync(fd);
    }
  }

  return {
    append: uploads.append,
    staged,
    uploadName: uploads.nameOf,
    importExecutor,
    read,
    current,
    fileOf,
    clearSetting: () => deps.settings.set(KEY, null),
  };
}

export type Avatars = ReturnType<typeof createAvatars>;

/** The avatar commands; importing is refused (and recorded) before L5 is asked when the file is bad. */
export function avatarHandlers(
  bus: Bus,
  avatars: Avatars,
): Omit<HandlersFor<'presence'>, 'presence.get_state'> {
  return {
    'presence.get_avatar': () => ({ avatar: avatars.current() }),
    'presence.upload_avatar': (input) => avatars.append(input),
    'presence.read_avatar': (input) => avatars.read(input.offset),
    'presence.import_avatar': async (input, ctx) => {
      let target: string;
      let hash: string;
      try {
        const u = avatars.staged(input.uploadId);
        const vrm = checkVrm(u.bytes, u.fileName);
        target = `${u.fileName} (${megabytes(u.bytes.length)}, VRM ${vrm.spec})`;
        hash = sha256(u.bytes);
      } catch (error) {
        const reason = (error as Error).message;
        await bus.invoke(
          'policy.record',
          {
            kind: 'presence.avatar_refused',
            actor: 'user',
            resource: avatars.uploadName(input.uploadId),
            reason,
          },
          { changeId: ctx.changeId },
        );
        return { avatar: null, reason };
      }
      const outcome = await bus.invoke(
        'policy.perform',
        {
          capability: 'avatar.import',
          target,
          input: { uploadId: input.uploadId, sha256: hash },
          actor: 'user',
          why: 'show this 3D avatar in place of the 2D face',
        },
        { changeId: ctx.changeId },
      );
      return outcome.status === 'done'
        ? { avatar: avatars.current(), reason: null }
        : { avatar: null, reason: outcome.error?.message ?? outcome.explanation };
    },
    'presence.clear_avatar': (_input, ctx) => {
      const info = avatars.current();
      ctx.note?.({ resource: info?.name ?? 'none' });
      if (!info) return { cleared: false };
      ctx.afterCommit?.(() => {
        rmSync(avatars.fileOf(info), { force: true });
        bus.emit('presence.avatar_changed', { avatar: null }, { source: 'presence' });
      });
      // Settings live in the same database, so this change commits (or not) with its audit row.
      avatars.clearSetting();
      return { cleared: true };
    },
  };
}
