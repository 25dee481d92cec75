import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.ts';
import { nextEvent } from '../host/testing.ts';
import { parseSlash } from './slash.ts';

describe('slash command parsing', () => {
  it('turns each command into an action request', () => {
    expect(parseSlash('/read notes/a.md')).toEqual({
      kind: 'action',
      action: { capability: 'files.read', target: 'notes/a.md' },
    });
    expect(parseSlash('/ls')).toEqual({
      kind: 'action',
      action: { capability: 'files.list', target: '.' },
    });
    expect(parseSlash('/write a.md hello\nworld')).toEqual({
      kind: 'action',
      action: { capability: 'files.write', target: 'a.md', input: 'hello\nworld' },
    });
    expect(parseSlash('/run git status --short')).toEqual({
      kind: 'action',
      action: { capability: 'process.exec', target: 'git status --short' },
    });
    expect(parseSlash('/fetch https://example.com')).toMatchObject({
      action: { capability: 'web.fetch' },
    });
    expect(parseSlash('/rm old.txt')).toMatchObject({ action: { capability: 'files.delete' } });
  });

  it('answers help, unknown commands and missing arguments without acting', () => {
    expect(parseSlash('/help')).toMatchObject({
      kind: 'reply',
      text: expect.stringContaining('/read PATH'),
    });
    expect(parseSlash('/frobnicate x')).toMatchObject({
      kind: 'reply',
      text: expect.stringMatching(/don't know \/frobnicate/),
    });
    expect(parseSlash('/read')).toMatchObject({
      kind: 'reply',
      text: expect.stringMatching(/needs a path/),
    });
    expect(parseSlash('hello /read x')).toBeNull();
  });
});

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

describe('a slash command turn', () => {
  it('waits for approval in awaiting_approval, then replies with the result', async () => {
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-slash-')));
    mkdirSync(join(top, 'ws'));
    writeFileSync(join(top, 'ws', 'plan.txt'), 'step one');
    const host = createHost({
      mode: 'headless',
      dataDir: join(top, 'data'),
      workspace: join(top, 'ws'),
      threads: 1,
    });
    hosts.push(host);
    const states: string[] = [];
    host.bus.on('turn.state_changed', (e) => states.push(e.payload.state));
    const c = await host.bus.invoke('chat.create_conversation', {});
    const pending = nextEvent(host, 'policy.approval_pending');
    const finished = nextEvent(host, 'chat.turn_finished');
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: '/read plan.txt',
    });
    const { payload, turnId: approvalTurn } = await pending;
    expect(approvalTurn).toBe(turnId);
    await host.bus.invoke('policy.respond_approval', {
      ticketId: payload.approval.ticketId,
      requestHash: payload.approval.requestHash,
      answer: 'allow',
    });
    const { turn } = (await finished).payload;
    expect(turn.assistantText).toMatch(
      /^Done — read .*plan\.txt, 8 bytes\.\n\n```\nstep one\n```$/,
    );
    expect(states).toEqual(['executing_tool', 'awaiting_approval', 'executing_tool', 'idle']);
  });

  it('stopping a turn that waits for approval cancels the approval, and nothing happens', async () => {
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-slash-')));
    const host = createHost({
      mode: 'headless',
      dataDir: join(top, 'data'),
      workspace: top,
      threads: 1,
    });
    hosts.push(host);
    const c = await host.bus.invoke('chat.create_conversation', {});
    const pending = nextEvent(host, 'policy.approval_pending');
    const finished = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: '/write note.txt hello',
    });
    const { approval } = (await pending).payload;
    await host.bus.invoke('chat.cancel_turn', {});
    expect((await finished).payload.turn.status).toBe('stopped');
    expect(
      await host.bus.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer: 'allow',
      }),
    ).toMatchObject({ accepted: false });
    expect((await host.bus.invoke('policy.list_pending', {})).approvals).toEqual([]);
  });
});
