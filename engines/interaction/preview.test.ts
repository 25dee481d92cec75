// The voice preview through the real host and the real speech process (the embedded flite
// voice): the persona's greeting, or a given line, comes out as speech frames the page plays,
// without a turn and without anything stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSpeechFrame, type SpeechPiece } from '../bus/index.ts';
import { createHost, type Host } from '../host/index.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup() {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-preview-')),
    threads: 1,
  });
  hosts.push(host);
  const pieces: SpeechPiece[] = [];
  host.onSpeech((frame) => pieces.push(decodeSpeechFrame(frame)!));
  return { host, pieces };
}

describe('voice preview', () => {
  it("says the persona's greeting as frames, with no turn and nothing stored", async () => {
    const { host, pieces } = setup();
    const persona = await host.bus.invoke('persona.get_active', {});
    const said = await host.bus.invoke('voice.preview', {}, { origin: 'renderer' });
    expect(said.voice).toMatch(/^flite:/);
    expect(pieces.length).toBeGreaterThan(0);
    expect(new Set(pieces.map((p) => p.header.turnId))).toEqual(new Set([said.id]));
    expect(pieces[0].header.text).toBe(persona.phrases.greetings[0]);
    const total = pieces.reduce((ms, p) => ms + p.header.durationMs, 0);
    expect(said.durationMs).toBe(Math.round(total));
    expect(said.durationMs).toBeGreaterThan(300);
    expect((await host.bus.invoke('turn.get_state', {})).state).toBe('idle');
    expect((await host.bus.invoke('chat.list_conversations', {})).conversations).toHaveLength(0);
  }, 30_000);

  it('says a given line, one preview after another', async () => {
    const { host, pieces } = setup();
    const first = await host.bus.invoke('voice.preview', { text: 'One.' });
    const second = await host.bus.invoke('voice.preview', { text: 'A longer second line.' });
    expect(second.id).not.toBe(first.id);
    expect(pieces.at(-1)!.header.text).toBe('A longer second line.');
    expect(second.durationMs).toBeGreaterThan(first.durationMs);
  }, 30_000);

  it('refuses an empty line with a typed error', async () => {
    const { host } = setup();
    await expect(host.bus.invoke('voice.preview', { text: '   ' })).rejects.toMatchObject({
      code: 'BadRequest',
    });
  });
});
