// A SentencePiece-style ("llama") vocabulary with ChatML control tokens, byte fallback and
// letter n-grams, so real text tokenizes at a realistic ~3 characters per token.

export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

export const SPECIAL = { unk: 0, bos: 1, eos: 2, imStart: 3, imEnd: 4 } as const;

export type Vocab = {
  tokens: string[];
  scores: Float32Array;
  types: Int32Array;
  /** Token ids of the scripted pieces, in script order (empty without a script). */
  scriptIds: number[];
};

const SPACE = '\u2581'; // SentencePiece's visible space

function* ngrams(length: number): Generator<string> {
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  if (length === 1) {
    yield* letters;
    return;
  }
  for (const head of ngrams(length - 1)) for (const c of letters) yield head + c;
}

function baseTokens(): Array<[string, number]> {
  const out: Array<[string, number]> = [
    ['<unk>', TokenType.UNKNOWN],
    ['<s>', TokenType.CONTROL],
    ['</s>', TokenType.CONTROL],
    ['<|im_start|>', TokenType.CONTROL],
    ['<|im_end|>', TokenType.CONTROL],
  ];
  for (let b = 0; b < 256; b++)
    out.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.BYTE]);
  out.push([SPACE, TokenType.NORMAL], ['\n', TokenType.NORMAL]);
  for (let c = 33; c < 127; c++) {
    const ch = String.fromCharCode(c);
    out.push([ch, TokenType.NORMAL], [SPACE + ch, TokenType.NORMAL]);
  }
  return out;
}

/**
 * Builds a vocabulary of exactly `size` tokens. Script pieces are appended as tokens of their
 * own, so a scripted model can point at each one. Their prefixes are added too, with scores above
 * the rest: SentencePiece merges pairs of existing tokens, so this is what lets the tokenizer
 * rebuild a piece from its text, and a reply re-tokenizes to the tokens it was generated as.
 */
export function buildVocab(size: number, script: string[] = []): Vocab {
  const pieces = script.map((piece) => piece.replaceAll(' ', SPACE));
  if (new Set(pieces).size !== pieces.length)
    throw new Error('each piece of a script must be distinct');
  const helpers = new Set<string>();
  for (const piece of pieces) {
    const chars = [...piece];
    for (let k = 2; k < chars.length; k++) helpers.add(chars.slice(0, k).join(''));
  }
  for (const piece of pieces) helpers.delete(piece);
  // A text must map to one token only (llama.cpp asserts on duplicate texts).
  const reserved = new Set([...pieces, ...helpers]);
  const entries = baseTokens().filter(([t]) => !reserved.has(t));
  const seen = new Set([...entries.map(([t]) => t), ...reserved]);
  const room = size - reserved.size;
  if (room < entries.length)
    throw new Error(`vocabulary of ${size} is too small for the base tokens and the script`);
  outer: for (let n = 2; n <= 5; n++) {
    for (const gram of ngrams(n)) {
      for (const text of [SPACE + gram, gram]) {
        if (entries.length >= room) break outer;
        if (!seen.has(text)) {
          seen.add(text);
          entries.push([text, TokenType.NORMAL]);
        }
      }
    }
  }
  for (const helper of helpers) entries.push([helper, TokenType.NORMAL]);
  const scriptIds: number[] = [];
  for (const piece of pieces) {
    scriptIds.push(entries.length);
    entries.push([piece, TokenType.NORMAL]);
  }
  const tokens = entries.map(([t]) => t);
  // Longer pieces score higher so merges prefer them, as in trained vocabularies.
  const scores = Float32Array.from(entries, ([t, type], i) =>
    type !== TokenType.NORMAL ? 0 : i >= room ? 100 + [...t].length : [...t].length - i / size,
  );
  const types = Int32Array.from(entries, ([, type]) => type);
  return { tokens, scores, types, scriptIds };
}

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
