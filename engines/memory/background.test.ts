// Memory's background work through the real host: model extraction with a grammar (a scripted
// GGUF says the JSON), session memories and their summaries, artifacts, merging, pausing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { createHost, type Host, type HostOptions } from '../host/index.ts';
import { manualClock, nextEvent, say } from '../host/testing.ts';
import { mergeDuplicates } from './consolidate.ts';
import { groundedFacts } from './extract-model.ts';
import { MemoryStore } from './store.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function start(options: Partial<HostOptions> = {}) {
  const top = mkdtempSync(join(tmpdir(), 'aether-membg-'));
  const host = createHost({
    mode: 'headless',
    dataDir: join(top, 'data'),
    workspace: join(top, 'ws'),
    threads: 1,
    ...options,
  });
  hosts.push(host);
  return { host, top };
}

const FACT = "The user's sister Ada lives in Lisbon";
const EXTRACTING = ['{"facts": [', '{"fact": "', FACT, '", "kind": "fact"}', ']}'];

describe('model extraction', () => {
  it('keeps only facts grounded in the message, and refuses what is not the JSON asked for', () => {
    const answer = JSON.stringify({
      facts: [
        { fact: FACT, kind: 'fact' },
        { fact: 'The user owns a yacht', kind: 'fact' },
        { fact: FACT, kind: 'fact' },
      ],
    });
    expect(groundedFacts(answer, 'my sister Ada moved to Lisbon last spring')).toEqual([
      { content: FACT, kind: 'fact' },
    ]);
    expect(groundedFacts('{"facts": [{"fact": "cut', 'anything')).toBeNull();
    expect(groundedFacts('{"items": []}', 'anything')).toBeNull();
  });

  it('finds a fact in the background with the local model; with nobody to ask it waits as a proposal', async () => {
    const { host } = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: EXTRACTING }),
      memory: { extractIdleMs: 50 },
    });
    const prompts: string[] = [];
    host.bus.on('policy.approval_pending', (e) => prompts.push(e.payload.approval.capability));
    const c = await host.bus.invoke('chat.create_conversation', {});
    const proposed = nextEvent(host, 'memory.changed', (e) => e.payload.reason === 'proposed');
    const turn = await say(host, c.id, 'my sister Ada moved to Lisbon last spring');
    const { id } = (await proposed).payload;
    const why = await host.bus.invoke('memory.why', { id: id! });
    expect(why.item).toMatchObject({
      kind: 'fact',
      content: FACT,
      status: 'proposed',
      privacy: 'personal',
    });
    expect(why.provenance[0]).toMatchObject({
      source: 'turn',
      ref: turn.id,
      extractor: expect.stringMatching(/^model:/),
    });
    // L5 decided and audited it; the assistant preset would ask, so background work kept a draft.
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 50 });
    expect(rows.find((r) => r.capability === 'memory.write_durable')).toMatchObject({
      decision: 'draft-only',
      reason: 'unattended',
      actor: 'memory',
    });
    expect(prompts).toEqual([]);
    await host.bus.invoke('memory.confirm', { id: id! });
    expect(
      (await host.bus.invoke('memory.list', { kind: 'fact' })).items.map((i) => [
        i.content,
        i.status,
      ]),
    ).toEqual([[FACT, 'active']]);
  });

  it('reports an answer the model could not finish instead of swallowing it', async () => {
    const { host } = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: EXTRACTING }),
      memory: { extractIdleMs: 50, extractMaxTokens: 2 },
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const failed = nextEvent(host, 'memory.extraction_failed');
    const turn = await say(host, c.id, 'my sister Ada moved to Lisbon last spring');
    expect((await failed).payload).toEqual({
      turnId: turn.id,
      message: expect.stringMatching(/cut off after 2 tokens/),
    });
    expect((await host.bus.invoke('memory.list', { status: 'proposed' })).items).toEqual([]);
  });

  it('gives the model back to a turn: background work is cancelled when a reply starts', async () => {
    const { host } = start({
      modelPath: cachedModel({
        preset: 'tiny',
        type: 'q8_0',
        script: ['On', ' and', ' on', ' again.'],
        loop: true,
      }),
    });
    await host.bus.invoke('router.generate', {
      turnId: 'warm',
      messages: [{ role: 'user', text: 'hi' }],
      maxTokens: 1,
    }); // loaded: the cancel hits a running generation
    const background = host.bus.invoke('router.generate', {
      turnId: 'bg',
      messages: [{ role: 'user', text: 'go' }],
      maxTokens: 4000,
      background: true,
    });
    // No event marks a background generation's tokens (the inspector shows only the user's turns);
    // with 4,000 to make, it is surely running 300 ms in.
    await new Promise((r) => setTimeout(r, 300));
    const reply = await host.bus.invoke('router.generate', {
      turnId: 'fg',
      messages: [{ role: 'user', text: 'hi' }],
      maxTokens: 4,
    });
    // Cancelled, not finished: 4,000 tokens were asked for and the reply's turn stopped it (how fast
    // a generation stops is measured by bench:llm's cancelLatencyMs).
    const bg = await background;
    expect(bg.stopReason).toBe('cancelled');
    expect(bg.tokens).toBeLessThan(4000);
    expect(reply.stopReason).toBe('max-tokens');
  });
});

describe('session memory', () => {
  const LINES = [
    'Ada planned a trip to Lisbon in May',
    'she wants to see the old trams',
    'I suggested the castle too',
    'Ada booked the flights today',
    'the hotel is near the river',
    'we will go in May',
  ];

  it('rolls with each turn, forgets what was forgotten, and is summarised by the model once quiet', async () => {
    const script = [
      'Ada',
      ' planned',
      ' a',
      ' trip',
      ' to',
      ' Lisbon',
      ' in',
      ' May',
      ' and',
      ' booked',
      ' the',
      ' flights.',
    ];
    const { host } = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script }),
      memory: { summarizeQuietMs: 0, consolidateEveryMs: 100, extractIdleMs: 60_000 },
    });
    await host.bus.invoke('memory.set_settings', { consolidationPaused: true });
    for (const [i, text] of LINES.entries()) {
      await host.bus.invoke('memory.ingest_turn', {
        turnId: `t${i}`,
        conversationId: 'trip',
        speaker: i % 2 ? 'assistant' : 'user',
        text,
        at: Date.now(),
      });
    }
    const [session] = (await host.bus.invoke('memory.list', { kind: 'session' })).items;
    expect(session.content.split('\n')).toEqual(
      LINES.map((t, i) => `${i % 2 ? 'assistant' : 'user'}: ${t}`),
    );
    const hotel = (await host.bus.invoke('memory.query', { text: 'hotel river' })).hits.find(
      (h) => h.kind === 'turn',
    )!;
    await host.bus.invoke('memory.forget', { id: hotel.id });
    expect((await host.bus.invoke('memory.why', { id: session.id })).item.content).not.toMatch(
      /hotel/,
    );

    await host.bus.invoke('memory.ingest_turn', {
      turnId: 't9',
      conversationId: 'trip',
      speaker: 'user',
      text: 'Ada packed her bags',
      at: Date.now(),
    });
    await host.bus.invoke('memory.set_settings', { consolidationPaused: false });
    await expect
      .poll(async () => (await host.bus.invoke('memory.why', { id: session.id })).item.content, {
        timeout: 20_000,
      })
      .toBe('Earlier: Ada planned a trip to Lisbon in May and booked the flights.');
    const why = await host.bus.invoke('memory.why', { id: session.id });
    expect(why.versions.at(-1)?.content).toMatch(/user: Ada packed her bags/);
    expect(why.provenance.map((p) => p.extractor)).toEqual([
      'session:rolling',
      expect.stringMatching(/^model:/),
    ]);
  });

  it('does not keep a summary that is not about the conversation, and says so', async () => {
    const { host } = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0' }),
      memory: { summarizeQuietMs: 0, consolidateEveryMs: 100, extractIdleMs: 60_000 },
    });
    const failed = nextEvent(host, 'memory.extraction_failed', (e) =>
      /summary/.test(e.payload.message),
    );
    for (const [i, text] of LINES.entries()) {
      await host.bus.invoke('memory.ingest_turn', {
        turnId: `t${i}`,
        conversationId: 'trip',
        speaker: 'user',
        text,
        at: Date.now(),
      });
    }
    expect((await failed).payload.turnId).toBe('t5');
    const [session] = (await host.bus.invoke('memory.list', { kind: 'session' })).items;
    expect(session.content).not.toMatch(/^Earlier:/);
  });
});

describe('artifacts, merging and pausing', () => {
  it('keeps a note of a file read through the gate, updated when it is read again', async () => {
    const { host, top } = start();
    host.bus.on('policy.approval_pending', (e) => {
      void host.bus.invoke('policy.respond_approval', {
        ticketId: e.payload.approval.ticketId,
        requestHash: e.payload.approval.requestHash,
        answer: 'allow',
      });
    });
    mkdirSync(join(top, 'ws'), { recursive: true });
    const file = join(top, 'ws', 'plan.txt');
    writeFileSync(file, 'Quarterly plan: ship the memory tab.\nThen rest.');
    const c = await host.bus.invoke('chat.create_conversation', {});
    await say(host, c.id, `/read ${file}`);
    const [note] = (await host.bus.invoke('memory.list', { kind: 'artifact' })).items;
    expect(note.content).toBe(
      `File ${file} was read. It begins: Quarterly plan: ship the memory tab. Then rest.`,
    );
    writeFileSync(file, 'Quarterly plan: ship personas.');
    await say(host, c.id, `/read ${file}`);
    const notes = (await host.bus.invoke('memory.list', { kind: 'artifact' })).items;
    expect(notes.map((n) => n.id)).toEqual([note.id]);
    const why = await host.bus.invoke('memory.why', { id: note.id });
    expect(why.item.content).toMatch(/ship personas/);
    expect(why.versions.map((v) => v.content)).toEqual([note.content]);
    expect(
      (await host.bus.invoke('memory.query', { text: 'quarterly plan' })).hits[0],
    ).toMatchObject({ id: note.id, kind: 'artifact' });
  });

  it('merges facts that say the same in the same words; the kept one gains the provenance', () => {
    const { host } = start();
    const db = host.storage.db;
    const store = new MemoryStore(db);
    const add = (id: string, content: string) =>
      store.add(
        {
          id,
          kind: 'fact',
          content,
          privacy: 'personal',
          retention: 'until-revoked',
          expiresAt: null,
          confidence: 0.7,
          salience: 1,
          speaker: 'user',
          conversationId: null,
          occurredAt: 1,
          contradicts: null,
        },
        [{ source: 'turn', ref: `turn-${id}`, extractor: 'test' }],
        Date.now(),
      );
    add('a', 'Loves green tea');
    add('b', 'green tea: loves!');
    add('c', 'Loves black tea');
    expect(mergeDuplicates(db, Date.now(), 1000)).toMatchObject({ merged: 1, keptIds: ['a'] });
    expect(
      db.prepare(`SELECT id, status FROM memory_items WHERE kind = 'fact' ORDER BY id`).all(),
    ).toEqual([
      { id: 'a', status: 'active' },
      { id: 'b', status: 'forgotten' },
      { id: 'c', status: 'active' },
    ]);
    expect(
      db
        .prepare(`SELECT ref FROM memory_provenance WHERE item_id = 'a' ORDER BY ref`)
        .pluck()
        .all(),
    ).toEqual(['turn-a', 'turn-b']);
  });

  it('pauses background upkeep when asked, and remembers that across a restart', async () => {
    // Upkeep runs on a clock the test moves: a paused hour passes in no time and nothing runs.
    const clock = manualClock();
    const { host, top } = start({ clock, memory: { consolidateEveryMs: 60_000 } });
    await host.bus.invoke('memory.set_settings', { consolidationPaused: true });
    const long = clock.now() - 400 * 86_400_000;
    const { itemId } = await host.bus.invoke('memory.ingest_turn', {
      turnId: 'old',
      conversationId: 'c',
      speaker: 'user',
      text: 'an old remark',
      at: long,
    });
    await clock.advance(3_600_000);
    expect((await host.bus.invoke('memory.why', { id: itemId! })).item.status).toBe('active');
    await host.dispose();
    const again = createHost({
      mode: 'headless',
      dataDir: join(top, 'data'),
      threads: 1,
      clock,
      memory: { consolidateEveryMs: 60_000 },
    });
    hosts.push(again);
    expect(await again.bus.invoke('memory.get_settings', {})).toEqual({
      consolidationPaused: true,
      modelExtraction: true,
      keeping: 'on',
    });
    await again.bus.invoke('memory.set_settings', { consolidationPaused: false });
    await clock.advance(60_000);
    expect((await again.bus.invoke('memory.why', { id: itemId! })).item.status).toBe('forgotten');
  });
});

describe("the persona's memory rules", () => {
  it('keeps turns as long as the persona says, and never remembers what it says not to', async () => {
    const { host } = start();
    const { text } = await host.bus.invoke('persona.get_source', { id: 'default' });
    const activated = nextEvent(host, 'persona.activated');
    await host.bus.invoke('persona.save', {
      id: 'default',
      text: text
        .replace('retention_days: 365', 'retention_days: 30')
        .replace('never_remember: [passwords, card numbers]', 'never_remember: [locker codes]'),
    });
    expect((await activated).payload.memory).toMatchObject({
      retentionDays: 30,
      neverRemember: ['locker codes'],
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const skipped = nextEvent(host, 'memory.changed', (e) => e.payload.reason === 'never-remember');
    await say(host, c.id, 'remember that my locker code is 4711');
    const { id } = (await skipped).payload;
    expect((await host.bus.invoke('memory.why', { id: id! })).item).toMatchObject({
      kind: 'turn',
      privacy: 'secret',
      retention: 'days:30',
    });
    expect((await host.bus.invoke('memory.list', { kind: 'fact' })).items).toEqual([]);
    expect(
      (
        await host.bus.invoke('memory.context', {
          text: 'locker code',
          deadlineMs: 200,
          budgetTokens: 300,
        })
      ).hits,
    ).toEqual([]);
    const { itemId } = await host.bus.invoke('memory.ingest_turn', {
      turnId: 'x',
      conversationId: c.id,
      speaker: 'user',
      text: 'the weather is fine',
      at: 0,
    });
    expect((await host.bus.invoke('memory.why', { id: itemId! })).item).toMatchObject({
      retention: 'days:30',
      expiresAt: 30 * 86_400_000,
    });
  });
});
