// The desktop app's global push-to-talk: a shortcut that works while Aether is in the
// background. Electron's global shortcuts report a press but never a release, so it toggles the
// microphone (press to talk, press again to stop) rather than being held.
import { CHANNELS } from './ipc.ts';

export const PUSH_TO_TALK = 'CommandOrControl+Shift+Space';

type GlobalShortcut = {
  register(accelerator: string, fn: () => void): boolean;
  unregister(accelerator: string): void;
};
type Page = { send(channel: string, payload: string): void; isDestroyed(): boolean };

/** Registers the shortcut; false when another app holds it (Aether then says so in its log). */
export function registerPushToTalk(shortcuts: GlobalShortcut, page: () => Page | null) {
  const ok = shortcuts.register(PUSH_TO_TALK, () => {
    const target = page();
    if (target && !target.isDestroyed()) target.send(CHANNELS.shortcut, 'push-to-talk');
  });
  return { ok, dispose: () => ok && shortcuts.unregister(PUSH_TO_TALK) };
}
