import { describe, expect, it } from 'vitest';
import { heardText, speakable, takePieces } from './pieces.ts';

describe('cutting a reply into pieces to say', () => {
  it('says the first clause at once, then whole sentences', () => {
    expect(takePieces('Well, I think so. And', true)).toEqual({
      pieces: ['Well,', 'I think so.'],
      rest: 'And',
    });
    expect(takePieces('I think so. And then', false)).toEqual({
      pieces: ['I think so.'],
      rest: 'And then',
    });
  });

  it('starts after six words when the first clause is long in coming', () => {
    const { pieces, rest } = takePieces('one two three four five six seven', true);
    expect(pieces).toEqual(['one two three four five six']);
    expect(rest).toBe('seven');
    expect(takePieces('one two three', true).pieces).toEqual([]);
  });

  it('does not read markup aloud, nor pieces with no words', () => {
    expect(speakable('**Bold** and `code` [a link](http://x)')).toBe('Bold and code a link');
    expect(takePieces('... \n\n Yes. ', false).pieces).toEqual(['Yes.']);
  });

  it('keeps only the words that were heard', () => {
    const pieces = [
      { text: 'Hello there.', ms: 1000 },
      { text: 'This is a long sentence of words.', ms: 2000 },
    ];
    expect(heardText(pieces, 400)).toBe('');
    expect(heardText(pieces, 500)).toBe('Hello');
    expect(heardText(pieces, 1000)).toBe('Hello there.');
    expect(heardText(pieces, 2000)).toBe('Hello there. This is a');
    expect(heardText(pieces, 5000)).toBe('Hello there. This is a long sentence of words.');
  });
});
