// L1's reflex tier: what needs no model at all (greetings, thanks, the time, the date), answered
// in the persona's words from the user's message alone. Everything else goes to the router.
export type Intent = { kind: 'reflex'; reply: string } | { kind: 'model' };

const GREETING = /^(hi|hello|hey|hiya|good (morning|afternoon|evening)|yo)[\s!.,]*$/i;
const THANKS = /^(thanks|thank you|thx|cheers|ty)[\s!.,]*$/i;
const TIME = /^(what('?s| is) the time|what time is it)\??$/i;
const DATE = /^(what('?s| is) (the )?(date|day)( today)?|what day is (it|today))\??$/i;

/** The persona's phrase pools; `turn` picks one in rotation, so replies vary but stay reproducible. */
export type Phrases = { greetings: string[]; acknowledgements: string[]; turn: number };

export function classify(text: string, now: Date = new Date(), phrases?: Phrases): Intent {
  const t = text.trim();
  const pick = (pool: string[] | undefined, fallback: string) =>
    pool?.length ? pool[(phrases?.turn ?? 0) % pool.length] : fallback;
  if (GREETING.test(t))
    return { kind: 'reflex', reply: pick(phrases?.greetings, 'Hello! What can I do for you?') };
  if (THANKS.test(t))
    return { kind: 'reflex', reply: pick(phrases?.acknowledgements, 'You are welcome.') };
  if (TIME.test(t))
    return {
      kind: 'reflex',
      reply: `It is ${now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`,
    };
  if (DATE.test(t))
    return {
      kind: 'reflex',
      reply: `Today is ${now.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })}.`,
    };
  return { kind: 'model' };
}
