// The reply's tone, from its words so far: a face shows it only while speaking, and only a
// little (layers.ts keeps the state's own expression first).
import type { Expression } from '../bus/index.ts';

const TONES: Array<[Expression, RegExp]> = [
  ['concerned', /\b(sorry|unfortunately|afraid|can't|cannot|won't be able|problem|worried)\b/i],
  ['surprised', /\b(wow|whoa|oh!|really\?|no way|amazing)\b/i],
  ['happy', /(!|\b(glad|great|happy|wonderful|lovely|nice|congratulations|thanks)\b|:\))/i],
];

/** The tone the words carry, or null for plain ones. */
export function toneOf(text: string): Expression | null {
  for (const [tone, pattern] of TONES) if (pattern.test(text)) return tone;
  return null;
}
