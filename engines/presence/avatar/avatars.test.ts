// The 3D avatar on a real host: a generated VRM (1.0 and 0.x) goes up in pieces, is checked,
// passes L5 (avatar.import, audited) and reads back byte for byte; broken, foreign, oversized
// and incomplete files are refused with what is wrong and leave a refusal on record, and the
// avatar already set stays.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeVrm } from '../../../scripts/vrm/make-vrm.ts';
import { glb } from '../../../scripts/vrm/glb.ts';
import { AVATAR_CHUNK_BYTES, MAX_AVATAR_BYTES } from '../../bus/index.ts';
import type { Host } from '../../host/index.ts';
import { approveEverything, hostInTemp, nextEvent } from '../../host/testing.ts';
import { checkVrm } from './vrm-check.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

async function upload(host: Host, bytes: Buffer, fileName = 'me.vrm', uploadId = 'u1') {
  for (let offset = 0; offset < bytes.length; offset += AVATAR_CHUNK_BYTES)
    await host.bus.invoke('presence.upload_avatar', {
      uploadId,
      fileName,
      total: bytes.length,
      offset,
      dataBase64: bytes.subarray(offset, offset + AVATAR_CHUNK_BYTES).toString('base64'),
    });
  return host.bus.invoke('presence.import_avatar', { uploadId });
}

async function readBack(host: Host): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let offset = 0, total = 1; offset < total;) {
    const r = await host.bus.invoke('presence.read_avatar', { offset });
    total = r.total;
    pieces.push(Buffer.from(r.dataBase64, 'base64'));
    offset += pieces.at(-1)!.length;
  }
  return Buffer.concat(pieces);
}

const auditKinds = async (host: Host) =>
  (await host.bus.invoke('policy.list_audit', { limit: 100 })).rows.map((r) => r.kind);

describe('the generated VRM', () => {
  it.each(['1.0', '0.x'] as const)('is a VRM %s with mouth shapes, moods and a blink', (spec) => {
    const summary = checkVrm(makeVrm({ spec }), 'test.vrm');
    expect(summary.spec).toBe(spec);
    expect(summary.expressions).toEqual(
      expect.arrayContaining(['aa', 'ih', 'ou', 'ee', 'oh', 'blink', 'happy', 'sad']),
    );
    expect(summary.warnings).toEqual([]);
  });
});

describe('picking a 3D avatar', () => {
  it('imports a file in pieces through L5 and reads it back the same', async () => {
    const { host, dataDir } = hostInTemp(hosts, { prefix: 'aether-avatar-' });
    approveEverything(host);
    // Padded past one piece so the upload and the read both take several messages.
    const big = padded(makeVrm(), AVATAR_CHUNK_BYTES * 2 + 1000);
    const changed = nextEvent(host, 'presence.avatar_changed');
    const r = await upload(host, big, 'Mine.vrm');
    expect(r.reason).toBeNull();
    expect(r.avatar).toMatchObject({ fileName: 'Mine.vrm', spec: '1.0', sizeBytes: big.length });
    expect((await changed).payload.avatar?.sha256).toBe(r.avatar!.sha256);
    expect((await readBack(host)).equals(big)).toBe(true);
    expect((await host.bus.invoke('presence.get_avatar', {})).avatar?.name).toMatch(/test avatar/);
    const rows = (await host.bus.invoke('policy.list_audit', { limit: 50 })).rows;
    expect(rows.some((x) => x.capability === 'avatar.import' && x.decision === 'allow')).toBe(true);
    // A second import replaces the first file; clearing removes it and is audited.
    const second = await upload(host, makeVrm({ spec: '0.x' }), 'Old.vrm', 'u2');
    expect(second.avatar?.spec).toBe('0.x');
    expect(readdirSync(join(dataDir, 'avatars'))).toEqual([`${second.avatar!.sha256}.vrm`]);
    // A file gone from the data folder is said so, not an internal error.
    rmSync(join(dataDir, 'avatars', `${second.avatar!.sha256}.vrm`));
    await expect(host.bus.invoke('presence.read_avatar', { offset: 0 })).rejects.toMatchObject({
      code: 'NotFound',
      message: /missing from the data folder/,
    });
    expect(await host.bus.invoke('presence.clear_avatar', {})).toEqual({ cleared: true });
    expect((await host.bus.invoke('presence.get_avatar', {})).avatar).toBeNull();
    expect(existsSync(join(dataDir, 'avatars', `${second.avatar!.sha256}.vrm`))).toBe(false);
    expect(await auditKinds(host)).toContain('presence.avatar_cleared');
  });

  it('refuses broken, foreign and oversized files with their reasons, keeping the avatar set', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-avatar-bad-' });
    approveEverything(host);
    const good = await upload(host, makeVrm(), 'good.vrm', 'good');
    const plainGltf = glb(
      Buffer.from(JSON.stringify({ asset: { version: '2.0' } })),
      Buffer.alloc(0),
    );
    const cut = makeVrm().subarray(0, 4000);
    const noHead = withoutBone(makeVrm(), 'head');
    for (const [bytes, why] of [
      [Buffer.from('not a model, just text'), /not a glTF binary/],
      [plainGltf, /without VRM data/],
      [cut, /cut short/],
      [noHead, /lacks the bones head/],
    ] as const) {
      const r = await upload(host, bytes, 'bad.vrm', `bad-${why.source.slice(0, 8)}`);
      expect(r).toMatchObject({ avatar: null, reason: expect.stringMatching(why) });
    }
    await expect(
      host.bus.invoke('presence.upload_avatar', {
        uploadId: 'huge',
        fileName: 'huge.vrm',
        total: MAX_AVATAR_BYTES + 1,
        offset: 0,
        dataBase64: '',
      }),
    ).rejects.toMatchObject({ code: 'BadRequest', message: /at most 64\.0 MB/ });
    expect((await auditKinds(host)).filter((k) => k === 'presence.avatar_refused')).toHaveLength(4);
    expect((await host.bus.invoke('presence.get_avatar', {})).avatar?.sha256).toBe(
      good.avatar!.sha256,
    );
  });

  it('refuses an incomplete upload, and a denied import changes nothing', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-avatar-deny-' });
    const bytes = makeVrm();
    await host.bus.invoke('presence.upload_avatar', {
      uploadId: 'half',
      fileName: 'half.vrm',
      total: bytes.length,
      offset: 0,
      dataBase64: bytes.subarray(0, 1000).toString('base64'),
    });
    expect((await host.bus.invoke('presence.import_avatar', { uploadId: 'half' })).reason).toMatch(
      /incomplete: 1000 of/,
    );
    host.bus.on('policy.approval_pending', ({ payload: { approval } }) => {
      void host.bus.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer: 'deny',
      });
    });
    const denied = await upload(host, bytes);
    expect(denied.avatar).toBeNull();
    expect(denied.reason).toBeTruthy();
    expect((await host.bus.invoke('presence.get_avatar', {})).avatar).toBeNull();
    await expect(host.bus.invoke('presence.read_avatar', { offset: 0 })).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

/** The file with zero bytes appended inside its binary chunk's stated length (still valid). */
function padded(file: Buffer, size: number): Buffer {
  const json = file.subarray(20, 20 + file.readUInt32LE(12));
  const binStart = 20 + json.length;
  const bin = file.subarray(binStart + 8);
  return glb(
    Buffer.from(json.toString().trimEnd()),
    Buffer.concat([bin, Buffer.alloc(size - file.length)]),
  );
}

/** The VRM 1.0 file with one humanoid bone taken out of its VRM data. */
function withoutBone(file: Buffer, bone: string): Buffer {
  const length = file.readUInt32LE(12);
  const json = JSON.parse(file.subarray(20, 20 + length).toString()) as {
    extensions: { VRMC_vrm: { humanoid: { humanBones: Record<string, unknown> } } };
  };
  delete json.extensions.VRMC_vrm.humanoid.humanBones[bone];
  return glb(Buffer.from(JSON.stringify(json)), file.subarray(20 + length + 8));
}
