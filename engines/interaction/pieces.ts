// How a streaming reply is cut into pieces to say: the first at the first clause (or about six
// words, so the voice starts early), the rest at sentence ends. Markup is not read aloud.

const SENTENCE = /[.!?…]+["')\]]*\s+|\n+/;
const CLAUSE = /[,;:—–]\s+/;
const FIRST_WORDS = 6;
/** A long run without a sentence end is cut at a clause once it gets this long. */
const LONG = 160;

/** Markdown and code markers out; what is left is what a person would read out. */
export function speakable(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[*_`#>|~]+/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function cutAt(buffer: string, pattern: RegExp): number {
  const m = pattern.exec(buffer);
  return m ? m.index + m[0].length : -1;
}

function firstCut(buffer: string): number {
  const clause = Math.min(
    ...[cutAt(buffer, SENTENCE), cutAt(buffer, CLAUSE)].filter((i) => i > 0),
    Infinity,
  );
  if (clause !== Infinity) return clause;
  const words = [...buffer.matchAll(/\S+\s+/g)];
  return words.length >= FIRST_WORDS
    ? words[FIRST_WORDS - 1].index! + words[FIRST_WORDS - 1][0].length
    : -1;
}

/** Whole pieces out of `buffer`, and what stays until more text comes (or the reply ends). */
export function takePieces(buffer: string, first: boolean): { pieces: string[]; rest: string } {
  const pieces: string[] = [];
  let rest = buffer;
  for (;;) {
    let at = first && pieces.length === 0 ? firstCut(rest) : cutAt(rest, SENTENCE);
    if (at < 0 && rest.length > LONG) {
      const clause = cutAt(rest.slice(LONG / 2), CLAUSE);
      at = clause < 0 ? -1 : clause + LONG / 2;
    }
    if (at <= 0) break;
    const piece = speakable(rest.slice(0, at));
    if (/[\p{L}\p{N}]/u.test(piece)) pieces.push(piece);
    rest = rest.slice(at);
  }
  return { pieces, rest };
}

/** What was heard of pieces said one after another, cut at the word where playback stopped. */
export function heardText(pieces: Array<{ text: string; ms: number }>, heardMs: number): string {
  const out: string[] = [];
  let at = 0;
  for (const { text, ms } of pieces) {
    if (heardMs >= at + ms) out.push(text);
    else if (heardMs > at) {
      const words = text.split(' ');
      const kept = Math.floor((words.length * (heardMs - at)) / ms);
      if (kept > 0) out.push(words.slice(0, kept).join(' '));
      break;
    } else break;
    at += ms;
  }
  return out.join(' ');
}
