// Text turns for bench:voice: time from sending a message to its first token at the page, with
// the words read ahead while the user was typing (chat.preload, as the page does once typing
// pauses) against the same kind of turn without it, alternating, in one conversation.
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../engines/bus/index.ts';
import { summary } from './stats.ts';
import type { voiceHost } from './voice-turn.ts';

type Host = Awaited<ReturnType<typeof voiceHost>>;
const TOPICS = ['the sea', 'the moon', 'rainbows', 'volcanoes', 'old trees', 'bees', 'rivers'];

async function firstToken(h: Host, text: string, readAhead: boolean): Promise<number> {
  const { client, conversationId } = h;
  if (readAhead) {
    const typed = text.split(' ').slice(0, -1).join(' ');
    await client.invoke('chat.preload', { conversationId, text: typed });
    // The rest of the typing: the last word takes the user a moment.
    await new Promise((r) => setTimeout(r, 800));
  }
  const from = client.events.length;
  const sent = performance.now();
  const { turnId } = (await client.invoke('chat.send_message', { conversationId, text })) as {
    turnId: string;
  };
  const first = await client.next('router.first_token', from, (e: Envelope) => e.turnId === turnId);
  await client.idle();
  return first ? first.at - sent : NaN;
}

export async function preloadBench(h: Host, runs: number) {
  const plain: number[] = [];
  const ahead: number[] = [];
  for (let i = 0; i < runs; i++) {
    const text = (n: number) =>
      `Question ${i}-${n}: could you tell me something surprising about ${TOPICS[(i + n) % TOPICS.length]}`;
    // Alternating which goes first, so neither always follows the other's cache.
    if (i % 2 === 0) {
      plain.push(await firstToken(h, text(0), false));
      ahead.push(await firstToken(h, text(1), true));
    } else {
      ahead.push(await firstToken(h, text(1), true));
      plain.push(await firstToken(h, text(0), false));
    }
  }
  const withAhead = summary(ahead.filter(Number.isFinite));
  const without = summary(plain.filter(Number.isFinite));
  return {
    sendToFirstTokenMs: { readAhead: withAhead, plain: without },
    readAheadShareOfPlainP50: Math.round((withAhead.p50 / without.p50) * 100) / 100,
  };
}
