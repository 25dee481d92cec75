// The avatar's frames: one subscription per page, at 60 fps while the stage is shown, 30 when
// only the compact face is, 10 while the page is in the background; reduced motion follows the
// OS setting. Whether the stage is collapsed is the user's choice, kept in this browser.
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import type { AetherClient, PresenceView } from '../ipc/client.ts';
import { boundStore } from './bound.ts';

const COLLAPSED_KEY = 'aether.stage.collapsed';

export type PresenceFrameState = {
  frame: BehaviorFrame | null;
  collapsed: boolean;
  setCollapsed(collapsed: boolean): void;
  reload(): Promise<void>;
};

const stored = () => {
  try {
    return localStorage.getItem(COLLAPSED_KEY) === 'true';
  } catch {
    return false;
  }
};

function viewOf(collapsed: boolean): PresenceView {
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  const reducedMotion =
    typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return { fps: hidden ? 10 : collapsed ? 30 : 60, reducedMotion };
}

export function createPresenceStore(client: AetherClient) {
  // Asks for frames again when what the page needs changed; set once the store is bound.
  let follow = () => {};
  return boundStore<PresenceFrameState>(
    (set) => ({
      frame: null,
      collapsed: stored(),
      setCollapsed(collapsed) {
        try {
          localStorage.setItem(COLLAPSED_KEY, String(collapsed));
        } catch {
          // A page without storage keeps the choice until it reloads.
        }
        set({ collapsed });
        follow();
      },
      reload: async () => {},
    }),
    (get, set) => {
      let stop = () => {};
      let current = '';
      follow = () => {
        const view = viewOf(get().collapsed);
        if (JSON.stringify(view) === current) return;
        current = JSON.stringify(view);
        stop();
        stop = client.presence(view, (frame) => set({ frame }));
      };
      follow();
      const changed = () => follow();
      const motion =
        typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
      motion?.addEventListener('change', changed);
      const page = typeof document !== 'undefined' ? document : null;
      page?.addEventListener('visibilitychange', changed);
      return [
        () => {
          stop();
          follow = () => {};
        },
        () => motion?.removeEventListener('change', changed),
        () => page?.removeEventListener('visibilitychange', changed),
      ];
    },
  );
}
