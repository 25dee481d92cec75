import { describe, expect, it } from 'vitest';
import { classify } from './intent.ts';

describe('reflex intent', () => {
  it('answers greetings, thanks, the time and the date by reflex', () => {
    const now = new Date(2026, 10, 21, 9, 5);
    expect(classify('hello!', now)).toEqual({
      kind: 'reflex',
      reply: expect.stringMatching(/^Hello/),
    });
    expect(classify('Thank you', now).kind).toBe('reflex');
    expect(classify('what time is it?', now)).toMatchObject({
      kind: 'reflex',
      reply: expect.stringMatching(/09:05|9:05/),
    });
    expect(classify("what's the date", now)).toMatchObject({
      kind: 'reflex',
      reply: expect.stringMatching(/2026/),
    });
  });

  it('leaves everything else to the model', () => {
    expect(classify('how was your day').kind).toBe('model');
    expect(classify('hello there, can you write me a poem').kind).toBe('model');
  });
});
