// Rule-based extraction: what works without a model. "Remember that …" always becomes a durable
// fact (through L5); "I like / prefer / hate …" becomes a proposed preference the user confirms;
// privacy is guessed from the words.
import type { MemoryItem } from '../bus/index.ts';

export type Extracted = {
  kind: 'fact' | 'preference';
  content: string;
  privacy: MemoryItem['privacy'];
  subject: string | null;
};

const REMEMBER = /^(?:please\s+)?(?:remember|don'?t forget|note)(?:\s+that|:)?\s+(.+?)[.!]?$/i;
const PREFERENCE =
  /\bI\s+(?:really\s+|do\s+not\s+|don'?t\s+)?(like|love|prefer|enjoy|hate|dislike|can'?t stand)\s+(.+?)[.!]?$/i;
// "my sister is called Ada" → subject "my sister"; a new value for the same subject contradicts.
const SUBJECT = /^(my\s+[\w' -]{2,40}?)\s+(?:is|are|was)\s+(?:called\s+|named\s+)?(.+)$/i;

export function classifyPrivacy(text: string): MemoryItem['privacy'] {
  if (/\b(password|passcode|pin( code)?|api key|private key|secret|social security)\b/i.test(text))
    return 'secret';
  if (
    /\b(health|diagnos\w*|medic\w*|therap\w*|depress\w*|anxiety|pregnan\w*|salary|debt|religio\w*|sexual\w*|bank|illness|disease)\b/i.test(
      text,
    )
  )
    return 'sensitive';
  return 'personal';
}

export function subjectOf(content: string): { subject: string; value: string } | null {
  const m = SUBJECT.exec(content.trim());
  return m
    ? { subject: m[1].toLowerCase().replace(/\s+/g, ' '), value: m[2].trim().toLowerCase() }
    : null;
}

const VERBS: Record<string, string> = {
  like: 'Likes',
  love: 'Loves',
  prefer: 'Prefers',
  enjoy: 'Enjoys',
  hate: 'Hates',
  dislike: 'Dislikes',
  'cant stand': 'Cannot stand',
};

export function extract(text: string): Extracted[] {
  const out: Extracted[] = [];
  const t = text.trim();
  const remember = REMEMBER.exec(t);
  if (remember) {
    const content = remember[1].trim();
    out.push({
      kind: 'fact',
      content,
      privacy: classifyPrivacy(content),
      subject: subjectOf(content)?.subject ?? null,
    });
    return out;
  }
  const pref = PREFERENCE.exec(t);
  if (pref) {
    const negated = /\b(do\s+not|don'?t)\s+$/i.test(
      t.slice(0, pref.index + pref[0].indexOf(pref[1])),
    );
    const verb = pref[1].toLowerCase().replace(/'/g, '');
    const label = negated
      ? `Does not ${verb}`
      : (VERBS[verb] ?? `${verb[0].toUpperCase()}${verb.slice(1)}s`);
    const content = `${label} ${pref[2].trim()}`;
    out.push({ kind: 'preference', content, privacy: classifyPrivacy(content), subject: null });
  }
  return out;
}

export const normalize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Whether a text mentions a phrase, word by word by their first four letters ("card numbers" ~ "card number"). */
export function mentions(text: string, phrase: string): boolean {
  const stems = normalize(text)
    .split(' ')
    .map((w) => w.slice(0, 4));
  const wanted = normalize(phrase)
    .split(' ')
    .filter(Boolean)
    .map((w) => w.slice(0, 4));
  return wanted.length > 0 && wanted.every((w) => stems.includes(w));
}
