// Barge-in for bench:voice: the user speaks over a spoken reply — how long from the onset of
// their speech to playback ducked (the host's `duck`) and to the hard stop (`stop`, with the
// generation cancelled); and the companion's own spoken pieces fed back into the microphone,
// counted as false barge-ins when they stop the reply.
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../engines/bus/index.ts';
import { energySpan } from '../engines/interaction/speech/speech.fixture.ts';
import { HEARD, type voiceHost } from './voice-turn.ts';

type Host = Awaited<ReturnType<typeof voiceHost>>;
const action = (e: Envelope) => (e.payload as { action?: string }).action;

async function replyPlaying(h: Host, text: string) {
  const { client } = h;
  const from = client.events.length;
  const { turnId } = (await client.invoke('chat.send_message', {
    conversationId: h.conversationId,
    text,
  })) as { turnId: string };
  const started = await client.next(
    'voice.speaking',
    from,
    (e) => (e.payload as { state: string }).state === 'started',
  );
  return { turnId, from, started };
}

/** Speech over the reply: onset → duck, onset → stop; null when the reply never played. */
export async function bargeIn(h: Host, over: Float32Array) {
  const { client } = h;
  const { from, started } = await replyPlaying(h, 'tell me a long story');
  if (!started) return null;
  const frames = await client.speak(over);
  const duck = await client.next('voice.playback_control', from, (e) => action(e) === 'duck');
  const stop = await client.next('voice.playback_control', from, (e) => action(e) === 'stop');
  await client.idle();
  const onset = frames[Math.floor(energySpan(over).onMs / 20)];
  return {
    duckMs: duck ? duck.at - onset : NaN,
    stopMs: stop ? stop.at - onset : NaN,
  };
}

/** The reply's own audio comes back through the microphone: does it stop the reply? */
export async function echo(h: Host): Promise<boolean | null> {
  const { client } = h;
  const { turnId, from, started } = await replyPlaying(h, HEARD);
  if (!started) return null;
  // What the page would hear from its speakers: the pieces, in order, as they come.
  let fed = 0;
  const until = performance.now() + 4000;
  while (performance.now() < until) {
    const pieces = client.pieces.filter((p) => p.value.header.turnId === turnId);
    if (fed < pieces.length) {
      const { samples } = pieces[fed++].value;
      await client.speak(Float32Array.from(samples, (s) => s / 32768));
    } else await new Promise((r) => setTimeout(r, 10));
  }
  const stopped = client.events
    .slice(from)
    .some((e) => e.value.name === 'voice.playback_control' && action(e.value) === 'stop');
  await client.idle();
  return stopped;
}
