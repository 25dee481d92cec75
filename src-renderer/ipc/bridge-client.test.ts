// @vitest-environment jsdom
// The desktop client over a stand-in for the preload's bridge (Electron cannot run here): it
// remembers the last seq across a reload and asks the host to replay after it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BridgeMessage, Envelope } from '../../engines/bus/index.ts';
import { bridgeClient, type AetherBridge } from './bridge-client.ts';

function fakeBridge() {
  const bridge = {
    onSpeech: () => () => {},
    onShortcut: () => () => {},
    presence: () => () => {},
    afterSeq: [] as Array<number | undefined>,
    push: (_m: BridgeMessage) => {},
    invoke: () => Promise.resolve({ id: 1, ok: true as const, output: { state: 'idle' } }),
    audio: () => {},
    on(listener: (m: BridgeMessage) => void, afterSeq?: number) {
      bridge.afterSeq.push(afterSeq);
      bridge.push = listener;
      return () => {
        bridge.push = () => {};
      };
    },
  };
  return bridge satisfies AetherBridge;
}

const event = (seq: number) =>
  ({ seq, name: 'turn.state_changed', payload: { state: 'thinking' } }) as unknown as Envelope;

beforeEach(() => sessionStorage.clear());

describe('desktop client', () => {
  it('subscribes from now on first load, and after the last seen seq once reloaded', () => {
    const first = fakeBridge();
    const client = bridgeClient(first);
    const seen: number[] = [];
    client.on('turn.state_changed', (e) => seen.push(e.seq));
    first.push({ type: 'event', event: event(7) });
    first.push({ type: 'event', event: event(8) });
    expect(seen).toEqual([7, 8]);
    client.close();

    const reloaded = fakeBridge();
    bridgeClient(reloaded);
    expect(first.afterSeq).toEqual([undefined]);
    expect(reloaded.afterSeq).toEqual([8]);
  });

  it('turns a replay gap into a resync, and unsubscribes one listener', async () => {
    const bridge = fakeBridge();
    const client = bridgeClient(bridge);
    const reasons: string[] = [];
    client.onResync((r) => reasons.push(r));
    let heard = 0;
    const off = client.on('turn.state_changed', () => heard++);
    bridge.push({ type: 'replay_gap', afterSeq: 3 });
    off();
    bridge.push({ type: 'event', event: event(9) });
    expect(reasons).toEqual(['replay_gap']);
    expect(heard).toBe(0);
    expect(await client.invoke('turn.get_state', {})).toEqual({ state: 'idle' });
  });
});
