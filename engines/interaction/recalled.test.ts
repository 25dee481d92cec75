// The memories kept in prompts, turn by turn: what the user forgets, edits or rejects leaves
// them; what is merely added or reinforced does not disturb them; old turns are let go.
import { describe, expect, it } from 'vitest';
import type { MemoryHit, Turn } from '../bus/index.ts';
import { createRecalled } from './recalled.ts';

const hit = (id: string): MemoryHit => ({
  id,
  kind: 'fact',
  content: `memory ${id}`,
  privacy: 'personal',
  speaker: null,
  occurredAt: 0,
  confidence: 1,
  score: 1,
});
const turns = (...ids: string[]) => ids.map((id) => ({ id }) as Turn);

describe('memories kept in prompts', () => {
  it('keeps each turn its memories and says which a prompt holds', () => {
    const r = createRecalled();
    r.keep('t1', [hit('a'), hit('b')]);
    r.keep('t2', [hit('c')]);
    r.keep('t3', []);
    expect(r.of('t1').map((h) => h.id)).toEqual(['a', 'b']);
    expect(r.of('t3')).toEqual([]);
    expect([...r.idsIn(turns('t1', 't2', 't3'))].sort()).toEqual(['a', 'b', 'c']);
    expect([...r.idsIn(turns('t2'))]).toEqual(['c']);
  });

  it('lets a memory the user forgets or edits go from every turn, and ignores additions', () => {
    const r = createRecalled();
    r.keep('t1', [hit('a'), hit('b')]);
    r.keep('t2', [hit('a')]);
    expect(r.changed('added', 'a')).toBe(false);
    expect(r.changed('reinforced', 'a')).toBe(false);
    expect(r.of('t2')).toHaveLength(1);
    expect(r.changed('forgotten', 'a')).toBe(true);
    expect(r.of('t1').map((h) => h.id)).toEqual(['b']);
    expect(r.of('t2')).toEqual([]);
    r.changed('edited', 'b');
    expect(r.idsIn(turns('t1', 't2')).size).toBe(0);
  });

  it('drops everything when many memories changed at once, and forgets the oldest turns', () => {
    const r = createRecalled(2);
    r.keep('t1', [hit('a')]);
    r.keep('t2', [hit('b')]);
    r.keep('t3', [hit('c')]);
    expect(r.of('t1')).toEqual([]);
    expect(r.of('t3')).toHaveLength(1);
    r.changed('forgotten', null);
    expect(r.idsIn(turns('t2', 't3')).size).toBe(0);
  });
});
