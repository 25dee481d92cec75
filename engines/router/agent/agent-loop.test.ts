// The agent loop with real inference: a scripted model proposes a tool call, L5 asks, the file is
// read from a real temp workspace, and the result comes back into the turn.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import type { Envelope } from '../../bus/index.ts';
import { createHost, type Host } from '../../host/index.ts';
import { nextEvent } from '../../host/testing.ts';
import { AGENT_TOOLS, mightBeToolCall, parseToolCall } from './tool-protocol.ts';

export const TOOL_SCRIPT = [
  '<tool_call>',
  '{"name": "files_read", "arguments": {"path": "notes/todo.md"}}',
  '</tool_call>',
];

describe('tool call protocol', () => {
  it('parses a proposed call and ignores anything else', () => {
    expect(parseToolCall(TOOL_SCRIPT.join(''), AGENT_TOOLS)).toMatchObject({
      tool: { capability: 'files.read' },
      args: { path: 'notes/todo.md' },
    });
    expect(
      parseToolCall(
        '<tool_call>{"name": "rm_rf", "arguments": {"path": "/"}}</tool_call>',
        AGENT_TOOLS,
      ),
    ).toBeNull();
    expect(parseToolCall('<tool_call>{not json}</tool_call>', AGENT_TOOLS)).toBeNull();
    expect(
      parseToolCall('<tool_call>{"name": "files_read", "arguments": {}}</tool_call>', AGENT_TOOLS),
    ).toBeNull();
    expect(parseToolCall('Just an answer.', AGENT_TOOLS)).toBeNull();
  });

  it('holds back text only while it could still be a tool call', () => {
    expect(mightBeToolCall('')).toBe(true);
    expect(mightBeToolCall('<tool')).toBe(true);
    expect(mightBeToolCall('<tool_call>{"na')).toBe(true);
    expect(mightBeToolCall('Hello')).toBe(false);
    expect(mightBeToolCall('<b>')).toBe(false);
  });
});

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});
describe('agent loop', () => {
  it('runs a proposed tool call through the gate and answers with its result', async () => {
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-agent-')));
    mkdirSync(join(top, 'ws', 'notes'), { recursive: true });
    writeFileSync(join(top, 'ws', 'notes', 'todo.md'), 'buy milk');
    const host = createHost({
      mode: 'headless',
      dataDir: join(top, 'data'),
      workspace: join(top, 'ws'),
      threads: 1,
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: TOOL_SCRIPT }),
    });
    hosts.push(host);
    const events: Envelope[] = [];
    host.bus.subscribe((e) => events.push(e));
    host.bus.on('policy.approval_pending', (e) => {
      void host.bus.invoke('policy.respond_approval', {
        ticketId: e.payload.approval.ticketId,
        requestHash: e.payload.approval.requestHash,
        answer: 'allow',
      });
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const finished = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: 'What is on my todo list?',
    });
    const { turn } = (await finished).payload;
    expect(turn.steps).toEqual([
      expect.objectContaining({
        name: 'files_read',
        status: 'done',
        output: 'buy milk',
        target: join(top, 'ws', 'notes', 'todo.md'),
      }),
    ]);
    expect(turn.assistantText).toContain('buy milk');
    // The raw tool call never reached the chat.
    const shown = events
      .filter((e): e is Envelope<'router.token'> => e.name === 'router.token')
      .map((e) => e.payload.text)
      .join('');
    expect(shown).not.toContain('<tool_call>');
    const approval = events.find(
      (e): e is Envelope<'policy.approval_pending'> => e.name === 'policy.approval_pending',
    )!.payload.approval;
    expect(approval).toMatchObject({ capability: 'files.read', actor: 'persona:default' });
    const states = events
      .filter((e): e is Envelope<'turn.state_changed'> => e.name === 'turn.state_changed')
      .map((e) => e.payload.state);
    expect(states).toEqual([
      'classifying',
      'thinking',
      'executing_tool',
      'awaiting_approval',
      'executing_tool',
      'thinking',
      'streaming',
      'idle',
    ]);
    // Persisted with the turn.
    const stored = await host.bus.invoke('chat.get_conversation', { id: c.id });
    expect(stored.turns[0].steps).toHaveLength(1);
  });
});
