// The avatar's frames: one subscription per page, at 60 fps while the stage is shown, 30 when
// only the compact face is, 10 while the page is in the background; reduced motion follows the
// OS setting. Whether the stage is collapsed is the user's choice, kept in this browser.
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import type { AetherClient, PresenceView } from '../ipc/client.ts';
import { boundStore } from './bound.ts';

const COLLAPSED_KEY = 'aether.stage.collapsed';
const STILL_KEY = 'aether.face.still';

export type PresenceFrameState = {
  frame: BehaviorFrame | null;
  collapsed: boolean;
  /** Aether's own reduced-motion setting (the OS's counts too). */
  still: boolean;
  /** Frames stopped coming (over two seconds without one): the face is not live. */
  stale: boolean;
  setCollapsed(collapsed: boolean): void;
  setStill(still: boolean): void;
  reload(): Promise<void>;
};

const stored = (key: string) => {
  try {
    return localStorage.getItem(key) === 'true';
  } catch {
    return false;
  }
};

function store(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, String(on));
  } catch {
    // A page without storage keeps the choice until it reloads.
  }
}

function viewOf({ collapsed, still }: PresenceFrameState): PresenceView {
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  const reducedMotion =
    typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return { fps: hidden ? 10 : collapsed ? 30 : 60, reducedMotion: reducedMotion || still };
}

export function createPresenceStore(client: AetherClient) {
  // Asks for frames again when what the page needs changed; set once the store is bound.
  let follow = () => {};
  return boundStore<PresenceFrameState>(
    (set) => ({
      frame: null,
      stale: false,
      collapsed: stored(COLLAPSED_KEY),
      still: stored(STILL_KEY),
      setCollapsed(collapsed) {
        store(COLLAPSED_KEY, collapsed);
        set({ collapsed });
        follow();
      },
      setStill(still) {
        store(STILL_KEY, still);
        set({ still });
        follow();
      },
      reload: async () => {},
    }),
    (get, set) => {
      let stop = () => {};
      let current = '';
      follow = () => {
        const view = viewOf(get());
        if (JSON.stringify(view) === current) return;
        current = JSON.stringify(view);
        stop();
        stop = client.presence(view, (frame) => {
          lastAt = performance.now();
          set(get().stale ? { frame, stale: false } : { frame });
        });
      };
      let lastAt = performance.now();
      follow();
      const watch = setInterval(() => {
        const late = performance.now() - lastAt > 2000;
        if (late !== get().stale) set({ stale: late });
      }, 1000);
      const changed = () => follow();
      const motion =
        typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
      motion?.addEventListener('change', changed);
      const page = typeof document !== 'undefined' ? document : null;
      page?.addEventListener('visibilitychange', changed);
      return [
        () => {
          stop();
          clearInterval(watch);
          follow = () => {};
        },
        () => motion?.removeEventListener('change', changed),
        () => page?.removeEventListener('visibilitychange', changed),
      ];
    },
  );
}
