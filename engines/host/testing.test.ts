// The manual clock the engine tests run on: it must fire what falls due, in order, and nothing else.
import { describe, expect, it } from 'vitest';
import { manualClock } from './testing.ts';

describe('manual clock', () => {
  it('runs due timers in time order, repeats intervals, and moves both clocks together', async () => {
    const clock = manualClock(1_000_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.monotonic()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.monotonic()}`), 10);
    const every = clock.setInterval(() => fired.push(`i@${clock.monotonic()}`), 15);
    const cancelled = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cancelled);
    await clock.advance(31);
    expect(fired).toEqual(['a@10', 'i@15', 'b@20', 'i@30']);
    expect(clock.now()).toBe(1_000_031);
    clock.clearInterval(every);
    expect(clock.pending()).toBe(0);
  });

  it('lets what a timer starts settle before the next timer runs', async () => {
    const clock = manualClock();
    const order: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => order.push('after first')), 1);
    clock.setTimeout(() => order.push('second'), 2);
    const slept = clock.sleep(3).then(() => order.push('slept'));
    await clock.advance(3);
    await slept;
    expect(order).toEqual(['after first', 'second', 'slept']);
  });
});
