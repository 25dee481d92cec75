// Saves made outside the app (any editor): a recursive watcher on both persona folders compiles
// a pack once its burst of writes settles.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { Clock, DisposableSet, TimerHandle } from '../bus/index.ts';

export function watchFolders(
  dirs: string[],
  disposables: DisposableSet,
  clock: Clock,
  o: { activeId: () => string; reload: (id: string) => void; degrade: (detail: string) => void },
): void {
  const timers = new Map<string, TimerHandle>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { recursive: true }, (_event, name) => {
        const first = name?.toString().split(/[\\/]/)[0];
        // A change to the trusted keys may sign (or unsign) the persona in use: compile it again.
        const id = first === 'trusted-keys.json' ? o.activeId() : first;
        if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) return;
        // Editors save in bursts (truncate, write, rename): compile once it settles.
        clock.clearTimeout(timers.get(id));
        timers.set(
          id,
          clock.setTimeout(() => {
            timers.delete(id);
            o.reload(id);
          }, 40),
        );
      });
    } catch (error) {
      o.degrade(`cannot watch ${dir}: ${(error as Error).message}`);
      continue;
    }
    disposables.addFn(() => watcher.close());
  }
  disposables.addFn(() => {
    for (const t of timers.values()) clock.clearTimeout(t);
  });
}
