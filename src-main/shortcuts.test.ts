// The global push-to-talk shortcut against a stand-in for Electron's globalShortcut (the Electron
// binary cannot run here): a press reaches our page as one message; a taken shortcut is reported.
import { describe, expect, it } from 'vitest';
import { CHANNELS } from './ipc.ts';
import { PUSH_TO_TALK, registerPushToTalk } from './shortcuts.ts';

function shortcuts(free = true) {
  const held = new Map<string, () => void>();
  return {
    held,
    register: (accelerator: string, fn: () => void) => {
      if (!free) return false;
      held.set(accelerator, fn);
      return true;
    },
    unregister: (accelerator: string) => void held.delete(accelerator),
  };
}

describe('global push-to-talk', () => {
  it('sends a press to the page, and lets the shortcut go on dispose', () => {
    const sent: Array<[string, string]> = [];
    const page = { send: (c: string, p: string) => sent.push([c, p]), isDestroyed: () => false };
    const s = shortcuts();
    const registered = registerPushToTalk(s, () => page);
    expect(registered.ok).toBe(true);
    s.held.get(PUSH_TO_TALK)!();
    expect(sent).toEqual([[CHANNELS.shortcut, 'push-to-talk']]);
    registered.dispose();
    expect(s.held.size).toBe(0);
  });

  it('says when another app holds the shortcut, and sends nothing to a closed page', () => {
    expect(registerPushToTalk(shortcuts(false), () => null).ok).toBe(false);
    const s = shortcuts();
    registerPushToTalk(s, () => ({ send: () => expect.fail('sent'), isDestroyed: () => true }));
    s.held.get(PUSH_TO_TALK)!();
  });
});
