// @vitest-environment jsdom
// The face's frame subscription against a test client: the rate follows the stage (60 shown,
// 30 collapsed), Aether's own "less motion" reduces motion like the OS setting, both choices are
// kept, and a face whose frames stop says so.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import type { PresenceView } from '../ipc/client.ts';
import { createTestClient } from '../ipc/testing.ts';
import { createPresenceStore } from './presence.ts';

const frame = { at: 1, layer: 'idle', caption: 'resting' } as BehaviorFrame;

function setUp() {
  const client = createTestClient();
  const asked: PresenceView[] = [];
  const presence = client.presence.bind(client);
  client.presence = (view, fn) => {
    asked.push(view);
    return presence(view, fn);
  };
  const store = createPresenceStore(client);
  const unbind = store.bind();
  return { client, store, asked, unbind };
}

afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
});

describe('the face frame store', () => {
  it('asks for 60 fps with the stage shown, 30 collapsed, and reduces motion when asked', () => {
    const { store, asked, unbind } = setUp();
    expect(asked.at(-1)).toEqual({ fps: 60, reducedMotion: false });
    store.getState().setCollapsed(true);
    expect(asked.at(-1)).toEqual({ fps: 30, reducedMotion: false });
    store.getState().setStill(true);
    expect(asked.at(-1)).toEqual({ fps: 30, reducedMotion: true });
    unbind();
    // Kept in this browser: a new page asks the same.
    expect(setUp().asked.at(-1)).toEqual({ fps: 30, reducedMotion: true });
  });

  it('says when frames stop coming, and is live again with the next one', () => {
    vi.useFakeTimers();
    const { client, store } = setUp();
    client.showFrame(frame);
    expect(store.getState()).toMatchObject({ frame, stale: false });
    vi.advanceTimersByTime(3100);
    expect(store.getState().stale).toBe(true);
    client.showFrame({ ...frame, at: 2 });
    expect(store.getState().stale).toBe(false);
  });
});
