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

/** One thing that is swapped (a model process): setting a new one releases the old one. */
export class MutableDisposable<T extends Disposable> implements Disposable {
  private current: T | null = null;

  get value(): T | null {
    return this.current;
  }

  set(next: T | null): T | null {
    if (this.current !== next) this.current?.dispose();
    this.current = next;
    return next;
  }

  dispose(): void {
    this.set(null);
  }
}
