// Whether the network looks reachable, as L7 last heard it: a download that failed as offline
// says not until a later download reaches a server; the remote breaker's state is read with the view.
import type { Bus, DisposableSet } from '../bus/index.ts';

export function watchNetwork(bus: Bus, own: DisposableSet): () => boolean {
  let reachable = true;
  own.add(
    bus.on('models.download_finished', ({ payload: p }) => {
      // Any other end reached the server, except a full disk, which is found before asking it.
      if (p.error?.code === 'Offline') reachable = false;
      else if (p.error?.code !== 'DiskFull') reachable = true;
    }),
  );
  own.add(bus.on('models.download_progress', () => (reachable = true)));
  return () => reachable;
}
