// What holds a restart back, from a real host's events: an approval card waiting, a turn under
// way; and the call that lets a waiting restart go once nothing is.
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../engines/host/index.ts';
import { hostInTemp, nextEvent } from '../engines/host/testing.ts';
import { watchBusy } from './busy.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

describe('what a restart would cut', () => {
  it('an approval waiting, until it is answered; then the restart may go', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-busy-' });
    let idle = 0;
    const watch = watchBusy(host, () => idle++);
    expect(watch.busy()).toBeNull();
    const pending = nextEvent(host, 'policy.approval_pending');
    const write = host.bus.invoke('policy.perform', {
      capability: 'files.write',
      target: 'notes.md',
      input: 'x',
      actor: 'user',
      why: 'test',
    });
    const { approval } = (await pending).payload;
    expect(watch.busy()).toBe('an approval is waiting for your answer');
    await host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: 'deny',
    });
    await write;
    expect(watch.busy()).toBeNull();
    expect(idle).toBeGreaterThan(0);
    watch.dispose();
  });

  it('a turn under way, until it ends', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-busy-' });
    const watch = watchBusy(host, () => {});
    const during: Array<string | null> = [];
    host.bus.on('turn.state_changed', (e) => {
      if (e.payload.state !== 'idle') during.push(watch.busy());
    });
    const { id } = await host.bus.invoke('chat.create_conversation', {});
    const done = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId: id, text: 'hello' });
    await done;
    await new Promise((r) => setTimeout(r, 50));
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set(['a reply is under way']));
    expect(watch.busy()).toBeNull();
    watch.dispose();
  });
});
