import { describe, expect, it } from 'vitest';
import { AetherError, createBus, type Envelope } from './index.ts';

function makeBus(replayLimit?: number) {
  let t = 0;
  let n = 0;
  return createBus({ clock: { monotonic: () => ++t }, newId: () => `id-${++n}`, replayLimit });
}

describe('bus commands', () => {
  it('parses input by its schema before the handler sees it', async () => {
    const bus = makeBus();
    bus.setAuditor((_row, change) => change());
    let seen: unknown;
    bus.handle('chat.rename_conversation', (input) => {
      seen = input;
      return { id: input.id, title: input.title, createdAt: 1, updatedAt: 2 };
    });
    await bus.invoke('chat.rename_conversation', { id: 'c1', title: '  Trip plans  ' });
    expect(seen).toEqual({ id: 'c1', title: 'Trip plans' });
  });

  it('an audited command runs only through the auditor, and its events wait for the commit', async () => {
    const bus = makeBus();
    const sent: string[] = [];
    bus.subscribe((e) => sent.push(e.name));
    bus.handle('chat.rename_conversation', (input, ctx) => {
      ctx.note?.({ resource: input.id });
      bus.emit(
        'chat.conversations_changed',
        { reason: 'renamed', id: input.id },
        { source: 'interaction' },
      );
      return { id: input.id, title: input.title, createdAt: 1, updatedAt: 2 };
    });
    await expect(
      bus.invoke('chat.rename_conversation', { id: 'c1', title: 'x' }),
    ).rejects.toMatchObject({ code: 'AuditUnavailable' });
    const rows: string[] = [];
    const off = bus.setAuditor((row, change) => {
      const out = change();
      expect(sent).toEqual([]); // not yet committed: nothing went out
      if (row.note.resource === 'fail') throw new Error('disk full');
      rows.push(`${row.kind} ${row.note.resource}`);
      return out;
    });
    await expect(
      bus.invoke('chat.rename_conversation', { id: 'fail', title: 'x' }),
    ).rejects.toThrow('disk full');
    expect(sent).toEqual([]); // a change that did not commit says nothing
    await bus.invoke('chat.rename_conversation', { id: 'c1', title: 'x' });
    expect(rows).toEqual(['chat.conversation_renamed c1']);
    expect(sent).toEqual(['chat.conversations_changed']);
    off.dispose();
  });

  it('refuses an audited handler that is not synchronous (its change could outlive the transaction)', async () => {
    const bus = makeBus();
    bus.setAuditor((_row, change) => change());
    bus.handle('chat.rename_conversation', async (input) => ({
      id: input.id,
      title: input.title,
      createdAt: 1,
      updatedAt: 2,
    }));
    await expect(bus.invoke('chat.rename_conversation', { id: 'c1', title: 'x' })).rejects.toThrow(
      /synchronous/,
    );
  });

  it('rejects malformed input with a typed BadRequest naming the field', async () => {
    const bus = makeBus();
    bus.handle('chat.send_message', () => ({ turnId: 't' }));
    const error = await bus
      .invoke('chat.send_message', { conversationId: 'c1', text: '' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AetherError);
    expect(error.code).toBe('BadRequest');
    expect(JSON.stringify(error.details)).toContain('text');
  });

  it('refuses a second handler for the same command and reports unhandled ones', async () => {
    const bus = makeBus();
    bus.handle('turn.get_state', () => ({ state: 'idle' as const, turnId: null }));
    expect(() =>
      bus.handle('turn.get_state', () => ({ state: 'idle' as const, turnId: null })),
    ).toThrow(/already has a handler/);
    await expect(bus.invoke('presence.get_state', {})).rejects.toMatchObject({
      code: 'UnknownCommand',
    });
    await expect(bus.invoke('no.such' as never, {} as never)).rejects.toMatchObject({
      code: 'UnknownCommand',
    });
  });

  it('carries the caller change id into the handler, or makes one', async () => {
    const bus = makeBus();
    const ids: string[] = [];
    bus.handle('presence.get_state', (_input, ctx) => {
      ids.push(ctx.changeId);
      return { state: 'idle' as const };
    });
    await bus.invoke('presence.get_state', {}, { changeId: 'mine' });
    await bus.invoke('presence.get_state', {});
    expect(ids[0]).toBe('mine');
    expect(ids[1]).toMatch(/^id-/);
  });
});

describe('bus events', () => {
  it('stamps a monotonic seq, the source, change id and version', () => {
    const bus = makeBus();
    const a = bus.emit(
      'router.token',
      { turnId: 't1', text: 'a', index: 0 },
      { source: 'router', changeId: 'c', turnId: 't1' },
    );
    const b = bus.emit(
      'router.token',
      { turnId: 't1', text: 'b', index: 1 },
      { source: 'router', changeId: 'c', turnId: 't1' },
    );
    expect(b.seq).toBe(a.seq + 1);
    expect(a).toMatchObject({
      name: 'router.token',
      changeId: 'c',
      turnId: 't1',
      source: 'router',
      v: 1,
    });
    expect(b.at).toBeGreaterThan(a.at);
  });

  it('refuses an event payload that breaks its schema', () => {
    const bus = makeBus();
    expect(() =>
      bus.emit('router.token', { turnId: 't1', text: 3 } as never, { source: 'router' }),
    ).toThrow();
    expect(bus.lastSeq()).toBe(0);
  });

  it('replays what a subscriber missed since its last seq, then streams live', () => {
    const bus = makeBus();
    for (let i = 0; i < 5; i++)
      bus.emit('router.token', { turnId: 't', text: String(i), index: i }, { source: 'router' });
    const got: Envelope[] = [];
    const sub = bus.subscribe((e) => got.push(e), { afterSeq: 3 });
    bus.emit('router.token', { turnId: 't', text: '5', index: 5 }, { source: 'router' });
    expect(got.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(sub.gap).toBe(false);
    sub.dispose();
    bus.emit('router.token', { turnId: 't', text: '6', index: 6 }, { source: 'router' });
    expect(got).toHaveLength(3);
  });

  it('says when the replay buffer no longer reaches back far enough', () => {
    const bus = makeBus(10);
    for (let i = 0; i < 40; i++)
      bus.emit('router.token', { turnId: 't', text: 'x', index: i }, { source: 'router' });
    const got: Envelope[] = [];
    const sub = bus.subscribe((e) => got.push(e), { afterSeq: 1 });
    expect(sub.gap).toBe(true);
    expect(got.at(-1)?.seq).toBe(40);
    expect(got[0].seq).toBeGreaterThan(2);
  });

  it('delivers events emitted by a listener after the one being delivered, to everyone in seq order', () => {
    const bus = makeBus();
    bus.on('turn.state_changed', () => {
      bus.emit(
        'presence.state_changed',
        { state: 'thinking', previous: 'idle' },
        { source: 'presence' },
      );
    });
    const seen: number[] = [];
    bus.subscribe((e) => seen.push(e.seq));
    bus.emit(
      'turn.state_changed',
      { turnId: 't', conversationId: 'c', state: 'thinking', previous: 'idle' },
      { source: 'interaction' },
    );
    expect(seen).toEqual([1, 2]);
  });

  it('keeps delivering to others when one subscriber throws', () => {
    const bus = makeBus();
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error('broken');
    });
    bus.on('router.token', (e) => got.push(e.payload.index));
    bus.emit('router.token', { turnId: 't', text: 'x', index: 7 }, { source: 'router' });
    expect(got).toEqual([7]);
  });
});
