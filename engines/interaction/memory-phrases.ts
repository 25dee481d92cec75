// "What do you remember about X?" and "Forget everything about X" are answered from L2, with no model.
import type { Bus } from '../bus/index.ts';

export function memoryPhrase(bus: Bus, text: string): (() => Promise<string>) | null {
  const about =
    /^(?:what do you (?:remember|know) about|what have you remembered about)\s+(.+?)\??$/i.exec(
      text.trim(),
    );
  if (about) {
    return async () => {
      const { hits } = await bus.invoke('memory.query', { text: about[1], k: 8 });
      const durable = hits.filter((h) => h.kind !== 'turn');
      const shown = durable.length ? durable : hits.slice(0, 3);
      if (shown.length === 0) return `I don't remember anything about ${about[1]}.`;
      return `Here is what I remember about ${about[1]}:\n${shown.map((h) => `- ${h.content} (${new Date(h.occurredAt).toISOString().slice(0, 10)})`).join('\n')}`;
    };
  }
  const forget = /^forget (?:everything|all) about\s+(.+?)[.!]?$/i.exec(text.trim());
  if (forget) {
    return async () => {
      const { forgotten } = await bus.invoke('memory.forget_about', { text: forget[1] });
      return forgotten
        ? `Done: I forgot ${forgotten} thing${forgotten === 1 ? '' : 's'} about ${forget[1]}. They are gone for good after the grace period.`
        : `I had nothing about ${forget[1]} to forget.`;
    };
  }
  return null;
}
