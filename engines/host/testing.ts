// Helpers for tests that drive a real host through its bus (never a mock of an engine).
import type { Envelope, EventName } from '../bus/index.ts';
import type { Host } from './create-host.ts';

/** The next event of this name (that passes `where`). */
export function nextEvent<K extends EventName>(host: Host, name: K, where: (e: Envelope<K>) => boolean = () => true): Promise<Envelope<K>> {
  return new Promise((resolve) => { const s = host.bus.on(name, (e) => { if (where(e)) { s.dispose(); resolve(e); } }); });
}

/** Sends a message as the user would and waits for its turn to finish. */
export async function say(host: Host, conversationId: string, text: string) {
  const done = nextEvent(host, 'chat.turn_finished');
  await host.bus.invoke('chat.send_message', { conversationId, text });
  return (await done).payload.turn;
}
