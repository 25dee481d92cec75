import { describe, expect, it } from 'vitest';
import { classify } from './intent.ts';

describe('routing intent', () => {
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

  it('sends short chat to the quick tier and requests for depth to the main one', () => {
    expect(classify('how was your day').kind).toBe('quick');
    expect(classify('explain how photosynthesis works').kind).toBe('deep');
    expect(
      classify(
        'I had a long day at work and I want to talk about what happened in the meeting this afternoon',
      ).kind,
    ).toBe('deep');
    expect(classify('hello there, can you write me a poem').kind).toBe('deep');
  });
});
