// A persona saved while a reply streams goes live only once the turn is at rest. This measures
// how long after rest it does (host time: turn.state_changed idle → persona.activated), next to
// the bare part of the same path measured in the same runs: the turn's own stop, from the cancel
// command to the turn at rest (wall time, as the bench sees the events arrive).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHost, sourceResources } from '../engines/host/index.ts';
import { nextEvent as next } from '../engines/host/testing.ts';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { summary } from './stats.ts';

export async function midReplySwaps(runs: number) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-midreply-')),
    threads: 1,
    maxTokens: 20_000,
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: ['la', ' di'], loop: true }),
  });
  const text = readFileSync(join(sourceResources.personasDir, 'default', 'persona.yaml'), 'utf8');
  const afterRest: number[] = [];
  const cancelToRest: number[] = [];
  const { id: conversationId } = await host.bus.invoke('chat.create_conversation', {});
  for (let i = 0; i < runs; i++) {
    const name = `Midway ${i}`;
    const streaming = next(host, 'router.token', (e) => e.payload.index > 3);
    const finished = next(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId, text: 'Sing' });
    await streaming;
    const staged = next(host, 'persona.staged');
    const replaced = text.replace('display_name: Aether', `display_name: ${name}`);
    await host.bus.invoke('persona.save', { id: 'default', text: replaced });
    await staged;
    const activated = next(host, 'persona.activated', (e) => e.payload.displayName === name);
    const rest = next(host, 'turn.state_changed', (e) => e.payload.state === 'idle');
    const cancelAt = performance.now();
    const restSeen = rest.then(() => performance.now());
    await host.bus.invoke('chat.cancel_turn', {});
    const [swap, idle, restAt] = await Promise.all([activated, rest, restSeen]);
    afterRest.push(swap.at - idle.at);
    cancelToRest.push(restAt - cancelAt);
    await finished;
  }
  await host.dispose();
  return { restToActiveMs: summary(afterRest), bareCancelToRestMs: summary(cancelToRest) };
}
