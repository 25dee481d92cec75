import { describe, expect, it } from 'vitest';
import { classifyPrivacy, extract, subjectOf } from './rules.ts';

describe('memory rules', () => {
  it('turns "remember that …" into a fact with its subject', () => {
    expect(extract('Remember that my sister is called Ada.')).toEqual([
      {
        kind: 'fact',
        content: 'my sister is called Ada',
        privacy: 'personal',
        subject: 'my sister',
      },
    ]);
    expect(extract("don't forget: the boiler is serviced in May")[0]).toMatchObject({
      kind: 'fact',
      content: 'the boiler is serviced in May',
    });
  });

  it('proposes preferences, negated ones too', () => {
    expect(extract('I really like green tea')).toEqual([
      { kind: 'preference', content: 'Likes green tea', privacy: 'personal', subject: null },
    ]);
    expect(extract("I don't like loud music.")[0].content).toBe('Does not like loud music');
    expect(extract('The weather is nice')).toEqual([]);
  });

  it('guesses privacy classes', () => {
    expect(classifyPrivacy('my bank PIN is 1234')).toBe('secret');
    expect(classifyPrivacy('I was diagnosed with asthma')).toBe('sensitive');
    expect(classifyPrivacy('my sister is called Ada')).toBe('personal');
  });

  it('finds the subject a contradiction is about', () => {
    expect(subjectOf('my sister is called Ada')).toEqual({ subject: 'my sister', value: 'ada' });
    expect(subjectOf('My Sister is named Eve')).toEqual({ subject: 'my sister', value: 'eve' });
    expect(subjectOf('it rained')).toBeNull();
  });
});
