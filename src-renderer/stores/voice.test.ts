// @vitest-environment jsdom
// The voice store against a test client and a stand-in microphone (jsdom has no audio): frames
// go to the host as they come, a microphone that cannot open is said in plain words, and what
// the host could not understand is shown until the user speaks again.
import { describe, expect, it } from 'vitest';
import { createTestClient } from '../ipc/testing.ts';
import type { Capture } from '../voice/capture.ts';
import { toInt16 } from '../voice/capture.ts';
import { createVoiceStore } from './voice.ts';

function setUp(start: (send: (f: Uint8Array) => void) => Promise<Capture>) {
  const client = createTestClient({ 'voice.get_status': () => ({ state: 'off', detail: null }) });
  const voice = createVoiceStore(client, start);
  voice.bind();
  return { client, voice };
}

describe('voice store', () => {
  it('sends the microphone frames while it is on, and stops them when turned off', async () => {
    let send!: (f: Uint8Array) => void;
    let stopped = false;
    const { client, voice } = setUp(async (s) => {
      send = s;
      return { stop: () => (stopped = true) };
    });
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(true);
    send(toInt16(new Float32Array([0, 0.5, -1])));
    // 0.5 → 16384 (0x4000), -1 → -32767 (0x8001), little-endian.
    expect([...client.frames[0]]).toEqual([0, 0, 0x00, 0x40, 0x01, 0x80]);
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(false);
    expect(stopped).toBe(true);
  });

  it('says when the microphone cannot be opened, and that typing still works', async () => {
    const { voice } = setUp(() => Promise.reject(new Error('Permission denied')));
    await voice.getState().toggle();
    expect(voice.getState().micOn).toBe(false);
    expect(voice.getState().problem).toMatch(/Permission denied.*You can still type/);
  });

  it('shows what the host could not understand until the user speaks again', () => {
    const { client, voice } = setUp(async () => ({ stop() {} }));
    client.emit('voice.not_understood', { reason: 'no-recogniser', message: 'No recogniser.' });
    expect(voice.getState().problem).toBe('No recogniser.');
    client.emit('turn.state_changed', {
      turnId: null,
      conversationId: null,
      state: 'listening',
      previous: 'idle',
    });
    expect(voice.getState().problem).toBeNull();
  });
});
