// Reading ahead: the words typed so far are evaluated by the real local model (a scripted GGUF,
// real node-llama-cpp in its process) before they are sent; the turn that follows still gives
// exactly the right reply, a preload while a reply streams is refused, and one for a conversation
// that does not exist is a typed error.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import type { ChatMessage } from '../bus/index.ts';
import { createHost, type Host } from '../host/index.ts';
import { approveEverything, nextEvent, say } from '../host/testing.ts';

const SCRIPT = ['Read', ' ahead,', ' then', ' answered.'];
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

async function ready(script = SCRIPT) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-preload-')),
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script }),
    threads: 1,
  });
  hosts.push(host);
  await expect
    .poll(async () => (await host.bus.invoke('router.get_status', {})).state, { timeout: 20_000 })
    .toBe('ready');
  const { id } = await host.bus.invoke('chat.create_conversation', {});
  return { host, conversationId: id };
}

describe('reading the words ahead', () => {
  it('reads the words so far, and the turn after still answers exactly', async () => {
    const { host, conversationId } = await ready();
    const first = await say(host, conversationId, 'tell me a story about the sea');
    expect(first.assistantText).toBe(SCRIPT.join(''));
    expect(
      await host.bus.invoke('chat.preload', { conversationId, text: 'and what about' }),
    ).toEqual({ preloaded: true });
    const turn = await say(host, conversationId, 'and what about the mountains');
    expect(turn.assistantText).toBe(SCRIPT.join(''));
  });

  // The earlier turns are in the prompt already: recalled again as memories they would be read
  // twice, and the memory block before the new words would move each turn, so the model would
  // read the last reply again instead of finding it in its cache.
  it('does not recall as memories the turns the prompt already holds', async () => {
    const { host, conversationId } = await ready();
    await say(host, conversationId, 'the old lighthouse was painted red');
    const used = nextEvent(host, 'chat.memory_used');
    await say(host, conversationId, 'what colour was the old lighthouse painted');
    const texts = (await used).payload.items.map((i) => i.content).join(' | ');
    expect(texts).not.toMatch(/lighthouse was painted red|Read ahead/);
    // In another conversation those words are not in the prompt: they are recalled.
    const other = await host.bus.invoke('chat.create_conversation', {});
    const elsewhere = nextEvent(host, 'chat.memory_used');
    await say(host, other.id, 'what colour was the old lighthouse painted');
    const recalled = (await elsewhere).payload.items.map((i) => i.content);
    expect(recalled.join(' | ')).toMatch(/lighthouse was painted red/);
  });

  // Spoken over before a word of the reply was heard, the question still was asked: it stays in
  // the prompt (and so is not recalled as a memory, which would move the memory block each turn).
  it('keeps in the prompt a question whose reply was stopped before any of it was heard', async () => {
    const { host, conversationId } = await ready();
    const finished = nextEvent(host, 'chat.turn_finished');
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId,
      text: 'the old lighthouse was painted red',
    });
    await host.bus.invoke('chat.cancel_turn', { turnId });
    expect((await finished).payload.turn).toMatchObject({ status: 'stopped', assistantText: '' });
    const used = nextEvent(host, 'chat.memory_used');
    await say(host, conversationId, 'what colour was the old lighthouse painted');
    const texts = (await used).payload.items.map((i) => i.content).join(' | ');
    expect(texts).not.toMatch(/lighthouse was painted red/);
  });

  it("reads the persona's prompt once the model is ready: the first reply finds it cached", async () => {
    const { host } = await ready();
    const persona = await host.bus.invoke('persona.get_active', {});
    const first = await host.bus.invoke('router.generate', {
      turnId: 'first-reply',
      messages: [
        { role: 'system', text: persona.systemPrompt },
        { role: 'user', text: 'hello there' },
      ],
      agent: { actor: `persona:${persona.id}`, maxSteps: 0 },
    });
    expect(first.text).toBe(SCRIPT.join(''));
    // The persona's prompt and the tool instructions: far more than the user's two words.
    expect(first.cachedTokens).toBeGreaterThan(100);
    expect(first.cachedTokens).toBeLessThan(first.promptTokens);
  });

  // Memory's extraction and summaries run on the same model between turns: on the conversation's
  // own sequence they would push it out of the cache, and the next reply would read it all again.
  it('keeps the conversation cached across background work', async () => {
    const { host } = await ready();
    const system = { role: 'system' as const, text: 'You are a kind companion. '.repeat(20) };
    const ask = (turnId: string, messages: ChatMessage[]) =>
      host.bus.invoke('router.generate', { turnId, messages });
    const first = await ask('t1', [system, { role: 'user', text: 'tell me about the sea' }]);
    await host.bus.invoke('router.generate', {
      turnId: 'extract',
      background: true,
      messages: [
        { role: 'system', text: 'List the facts in the text.' },
        { role: 'user', text: 'my sister is called Ada' },
      ],
    });
    const next = await ask('t2', [
      system,
      { role: 'user', text: 'tell me about the sea' },
      { role: 'assistant', text: first.text },
      { role: 'user', text: 'and the mountains?' },
    ]);
    expect(next.cachedTokens).toBeGreaterThanOrEqual(first.promptTokens);
  });

  // What an earlier turn was offered stays at its place in the prompt: the next turn finds it in
  // the model's cache instead of reading it again before its words. Forgotten, it leaves.
  it('keeps what earlier turns recalled in place, and takes out what the user forgets', async () => {
    const { host, conversationId } = await ready();
    approveEverything(host);
    const elsewhere = await host.bus.invoke('chat.create_conversation', {});
    await say(host, elsewhere.id, 'remember that my sister is called Ada');
    await expect
      .poll(async () => (await host.bus.invoke('memory.list', { kind: 'fact' })).items.length)
      .toBe(1);
    const turn = async (text: string) => {
      const used = nextEvent(host, 'chat.memory_used');
      const read = nextEvent(host, 'router.prompt_read');
      await say(host, conversationId, text);
      const items = (await used).payload.items.map((i) => i.content);
      return { items, ...(await read).payload };
    };
    const first = await turn('tell me about my sister Ada');
    expect(first.items).toContain('my sister is called Ada');
    const second = await turn('is my sister Ada older than me');
    expect(second.items).not.toContain('my sister is called Ada');
    expect(second.cachedTokens).toBeGreaterThanOrEqual(first.promptTokens);
    const [fact] = (await host.bus.invoke('memory.list', { kind: 'fact' })).items;
    await host.bus.invoke('memory.forget', { id: fact.id });
    // The prompt changes where the first turn's memories were: read again from there.
    const third = await turn('and how old is my sister Ada');
    expect(third.items).not.toContain('my sister is called Ada');
    expect(third.cachedTokens).toBeLessThan(first.promptTokens - 5);
  });

  it('does not use a memory forgotten after the words were read ahead', async () => {
    const { host, conversationId } = await ready();
    approveEverything(host);
    await say(host, conversationId, 'remember that my sister is called Ada');
    await expect
      .poll(async () => (await host.bus.invoke('memory.list', { kind: 'fact' })).items.length)
      .toBe(1);
    const other = await host.bus.invoke('chat.create_conversation', {});
    await host.bus.invoke('chat.preload', { conversationId: other.id, text: 'my sister Ada' });
    const [fact] = (await host.bus.invoke('memory.list', { kind: 'fact' })).items;
    await host.bus.invoke('memory.forget', { id: fact.id });
    const used = nextEvent(host, 'chat.memory_used');
    await say(host, other.id, 'my sister Ada is visiting');
    expect((await used).payload.items.map((i) => i.content)).not.toContain(fact.content);
  });

  // At a speaker's pause the reply's first words are generated ahead; the turn that asks exactly
  // those words goes on from them (the reply whole, nothing twice, the space where it went on
  // kept), and any other drops them.
  it('starts the reply at a pause, and the turn with those words goes on from it', async () => {
    // Longer than what is generated ahead (12 tokens), each piece distinct (a scripted model's rule).
    const long =
      'Waves roll over deep blue water, carrying salt and light across every shore we know.';
    const script = long.split(/(?= )/);
    const { host, conversationId } = await ready(script);
    const turn = async (ahead: string, text: string) => {
      await host.bus.invoke('chat.preload', { conversationId, text: ahead, pause: true });
      const read = nextEvent(host, 'router.prompt_read');
      let streamed = '';
      const off = host.bus.on('router.token', (e) => (streamed += e.payload.text));
      const { assistantText } = await say(host, conversationId, text);
      off.dispose();
      // What the page was sent piece by piece is the reply, too.
      expect(streamed).toBe(assistantText);
      return { assistantText, aheadTokens: (await read).payload.aheadTokens };
    };
    // Sent at once, the turn takes over from the first words generated ahead, not all twelve.
    const same = await turn('tell me about the sea', 'tell me about the sea');
    expect(same.assistantText).toBe(long);
    expect(same.aheadTokens).toBeGreaterThanOrEqual(1);
    // The user went on after the pause: what was generated ahead is dropped.
    const more = await turn('and the moon', 'and the moon and the stars');
    expect(more).toEqual({ assistantText: long, aheadTokens: 0 });
  });

  it('does not read ahead while a reply is being written', async () => {
    const { host, conversationId } = await ready();
    const started = nextEvent(host, 'router.first_token');
    const done = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId, text: 'tell me about the sea' });
    await started;
    expect(await host.bus.invoke('chat.preload', { conversationId, text: 'next' })).toEqual({
      preloaded: false,
    });
    expect((await done).payload.turn.assistantText).toBe(SCRIPT.join(''));
  });

  it('says plainly when the conversation does not exist', async () => {
    const { host } = await ready();
    await expect(
      host.bus.invoke('chat.preload', { conversationId: 'nope', text: 'hello there' }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });
});
