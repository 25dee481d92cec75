// A circuit breaker per provider: after `threshold` failures in a row it opens and calls fail
// fast; after `coolDownMs` one call is let through (half-open) and its result decides.
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly monotonic: () => number;

  constructor(options: { threshold?: number; coolDownMs?: number; monotonic: () => number }) {
    this.threshold = options.threshold ?? 3;
    this.coolDownMs = options.coolDownMs ?? 30_000;
    this.monotonic = options.monotonic;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === null) return 'closed';
    return this.monotonic() - this.openedAt >= this.coolDownMs ? 'half-open' : 'open';
  }

  allows(): boolean {
    return this.state !== 'open';
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
  }

  failure(): void {
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.threshold)
      this.openedAt = this.monotonic();
  }
}
