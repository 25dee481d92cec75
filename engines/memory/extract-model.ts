// Durable facts extracted by the local model in the background, its answer held to a JSON schema by
// a grammar. It waits until the companion has been quiet a while, gives way to any turn (L4 cancels
// background work when a turn starts) and reports every failure instead of swallowing it.
import { z } from 'zod';
import type { Bus, ChatMessage, Clock, TimerHandle } from '../bus/index.ts';
import { normalize } from './rules.ts';

export const FACTS_SCHEMA = {
  type: 'object',
  properties: {
    facts: {
      type: 'array',
      maxItems: 5,
      items: {
        type: 'object',
        properties: {
          fact: { type: 'string', maxLength: 200 },
          kind: { enum: ['fact', 'preference'] },
        },
        required: ['fact', 'kind'],
      },
    },
  },
  required: ['facts'],
} as const;

const answerSchema = z.object({
  facts: z.array(z.object({ fact: z.string(), kind: z.enum(['fact', 'preference']) })),
});

const INSTRUCTIONS = `You pick out lasting facts about the user from one message they wrote: names, people in their life,
where they live or work, plans with dates, likes and dislikes. Only what the message itself says; nothing
about the assistant; no guesses; no questions. Write each as one short sentence about "the user".
Answer {"facts": []} when there is nothing lasting.`;

export type Candidate = { turnId: string; conversationId: string; text: string; at: number };
export type ExtractedFact = { content: string; kind: 'fact' | 'preference' };

const STOP = new Set([
  'the',
  'user',
  'users',
  "user's",
  'and',
  'that',
  'this',
  'with',
  'has',
  'have',
  'who',
  'was',
  'are',
  'is',
  'their',
  'they',
  'them',
  'for',
  'from',
  'likes',
  'like',
]);
const words = (s: string) =>
  normalize(s)
    .split(' ')
    .filter((w) => w.length >= 3 && !STOP.has(w));

/** The share of a text's words (by their first four letters, a crude stem) found in its source. */
export function groundedShare(text: string, source: string): number {
  const own = words(text);
  if (own.length === 0) return 0;
  const stems = new Set(words(source).map((w) => w.slice(0, 4)));
  return own.filter((w) => stems.has(w.slice(0, 4))).length / own.length;
}

/**
 * The model's answer, kept only where it is grounded: every fact must share a word (by its first
 * four letters, a crude stem) with the message it came from, so a model cannot put words in the
 * user's mouth. Returns null when the answer is not the JSON the schema asks for.
 */
export function groundedFacts(answer: string, message: string): ExtractedFact[] | null {
  let parsed: z.infer<typeof answerSchema>;
  try {
    parsed = answerSchema.parse(JSON.parse(answer));
  } catch {
    return null;
  }
  const seen = new Set<string>();
  const out: ExtractedFact[] = [];
  for (const f of parsed.facts) {
    const content = f.fact.trim().replace(/\s+/g, ' ');
    if (content.length < 8 || content.length > 200 || seen.has(normalize(content))) continue;
    if (groundedShare(content, message) === 0) continue;
    seen.add(normalize(content));
    out.push({ content, kind: f.kind });
  }
  return out;
}

/** Messages worth asking about: said by the user, long enough, not a command, not already explicit. */
export function worthExtracting(text: string): boolean {
  const t = text.trim();
  return (
    t.length >= 12 &&
    !t.startsWith('/') &&
    !/^(?:please\s+)?(?:remember|don'?t forget|note)\b/i.test(t)
  );
}

export type ModelExtractorDeps = {
  bus: Bus;
  enabled: () => boolean;
  clock: Clock;
  /** How long the companion must have been quiet before the model is used for this. */
  idleMs: number;
  maxTokens: number;
  write: (c: Candidate, facts: ExtractedFact[], extractor: string) => Promise<void>;
};

const reportFailure = (bus: Bus, c: Candidate, message: string) =>
  bus.emit(
    'memory.extraction_failed',
    { turnId: c.turnId, message },
    { source: 'memory', turnId: c.turnId },
  );

/** One message through the model; false when a turn took the model back (try again later). */
async function once(deps: ModelExtractorDeps, c: Candidate): Promise<boolean> {
  const messages: ChatMessage[] = [
    { role: 'system', text: INSTRUCTIONS },
    { role: 'user', text: c.text.slice(0, 4000) },
  ];
  const r = await deps.bus.invoke('router.generate', {
    turnId: `extract:${c.turnId}`.slice(0, 64),
    messages,
    maxTokens: deps.maxTokens,
    temperature: 0,
    jsonSchema: FACTS_SCHEMA,
    background: true,
  });
  if (r.stopReason === 'cancelled') return false;
  const facts = groundedFacts(r.text, c.text);
  if (facts === null) {
    reportFailure(
      deps.bus,
      c,
      r.stopReason === 'max-tokens'
        ? `the model's answer was cut off after ${r.tokens} tokens`
        : 'the model did not answer with the JSON asked for',
    );
  } else if (facts.length > 0) {
    await deps.write(c, facts, `model:${r.model}`);
  }
  return true;
}

export function createModelExtractor(deps: ModelExtractorDeps) {
  const queue: Candidate[] = [];
  let timer: TimerHandle | null = null;
  let running = false;
  let stopped = false;

  const failed = (c: Candidate, message: string) => reportFailure(deps.bus, c, message);

  async function drain(): Promise<void> {
    if (running || stopped || !deps.enabled()) return;
    running = true;
    try {
      while (queue.length > 0 && !stopped) {
        const status = await deps.bus.invoke('router.get_status', {});
        if (status.state === 'no-model' || status.state === 'error') return; // kept for when a model is installed
        const turn = await deps.bus.invoke('turn.get_state', {}).catch(() => ({ state: 'idle' }));
        if (turn.state !== 'idle' && turn.state !== 'error') return;
        const c = queue[0];
        let done = true;
        try {
          done = await once(deps, c);
        } catch (error) {
          failed(c, (error as Error).message);
        }
        if (!done) return; // a turn started: wait for the next quiet moment
        queue.shift();
      }
    } finally {
      running = false;
    }
  }

  /** Waits for a quiet moment again: each new turn pushes the work back. */
  function later(): void {
    if (stopped) return;
    if (timer) deps.clock.clearTimeout(timer);
    const quiet = () => {
      timer = null;
      void drain().then(() => {
        if (queue.length > 0 && !running) later();
      });
    };
    timer = deps.clock.setTimeout(quiet, deps.idleMs, { background: true });
  }

  return {
    add(c: Candidate): void {
      if (!deps.enabled() || !worthExtracting(c.text)) return;
      queue.push(c);
      // A long absence must not grow the queue without bound: the oldest are let go.
      if (queue.length > 200) queue.splice(0, queue.length - 200);
      later();
    },
    /** Something happened (a turn, a model installed): the quiet period starts over. */
    poke: () => {
      if (queue.length > 0) later();
    },
    pending: () => queue.length,
    dispose(): void {
      stopped = true;
      if (timer) deps.clock.clearTimeout(timer);
    },
  };
}
