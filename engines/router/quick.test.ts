import { describe, expect, it } from 'vitest';
import { isQuick } from './quick.ts';

describe('quick tier', () => {
  it('sends short chat to the quick tier and requests for depth to the main one', () => {
    expect(isQuick('how was your day')).toBe(true);
    expect(isQuick('explain how photosynthesis works')).toBe(false);
    expect(
      isQuick(
        'I had a long day at work and I want to talk about what happened in the meeting this afternoon',
      ),
    ).toBe(false);
    expect(isQuick('hello there, can you write me a poem')).toBe(false);
  });
});
