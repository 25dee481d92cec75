// Listeners, handlers and timers are registered here the moment they are created, so an
// engine's dispose() releases everything it holds.
import type { Disposable } from './bus.ts';

export class DisposableSet implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  addFn(fn: () => void): void {
    this.add({ dispose: fn });
  }

  get size(): number {
    return this.items.length;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        /* keep releasing the rest */
      }
    }
  }
}
