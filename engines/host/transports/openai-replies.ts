// How the OpenAI-compatible API answers: one JSON body, or server-sent events token by token, and
// its errors in OpenAI's shape.
import type { ServerResponse } from 'node:http';
import { toErrorInfo, type Bus, type GenerationResult } from '../../bus/index.ts';

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...headers,
    })
    .end(JSON.stringify(body));
}

export const apiError = (
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers?: Record<string, string>,
) => json(res, status, { error: { message, type, code: type } }, headers);

function finishReason(r: GenerationResult): 'stop' | 'length' | 'tool_calls' {
  if (r.toolCalls?.length) return 'tool_calls';
  return r.stopReason === 'max-tokens' ? 'length' : 'stop';
}

type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

function toolCalls(r: GenerationResult): ToolCall[] {
  return (r.toolCalls ?? []).map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
}

type Reply = { id: string; created: number; model: string; turnId: string };

export async function sendReply(
  res: ServerResponse,
  reply: Reply,
  generation: Promise<GenerationResult>,
): Promise<void> {
  try {
    const r = await generation;
    const calls = toolCalls(r);
    const message = {
      role: 'assistant',
      content: calls.length ? null : r.text,
      ...(calls.length ? { tool_calls: calls } : {}),
    };
    json(res, 200, {
      id: reply.id,
      object: 'chat.completion',
      created: reply.created,
      model: r.model,
      choices: [{ index: 0, message, finish_reason: finishReason(r) }],
      usage: {
        prompt_tokens: r.promptTokens,
        completion_tokens: r.tokens,
        total_tokens: r.promptTokens + r.tokens,
      },
    });
  } catch (error) {
    const info = toErrorInfo(error);
    apiError(res, info.code === 'ModelNotInstalled' ? 503 : 500, info.message, info.code);
  }
}

/** Server-sent events: the role, each token as it comes, tool calls, the finish reason, [DONE]. */
export async function streamReply(
  bus: Bus,
  res: ServerResponse,
  reply: Reply,
  generation: Promise<GenerationResult>,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const chunk = (delta: Record<string, unknown>, finish: string | null, model = reply.model) => {
    const body = {
      id: reply.id,
      object: 'chat.completion.chunk',
      created: reply.created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
    res.write(`data: ${JSON.stringify(body)}\n\n`);
  };
  chunk({ role: 'assistant', content: '' }, null);
  const tokens = bus.on('router.token', (e) => {
    if (e.payload.turnId === reply.turnId) chunk({ content: e.payload.text }, null);
  });
  let finished = false;
  // A client that hangs up stops the generation it asked for.
  res.on('close', () => {
    if (!finished) void bus.invoke('router.cancel', { turnId: reply.turnId }).catch(() => {});
  });
  try {
    const r = await generation;
    const calls = toolCalls(r);
    if (calls.length)
      chunk({ tool_calls: calls.map((c, index) => ({ index, ...c })) }, null, r.model);
    chunk({}, finishReason(r), r.model);
  } catch (error) {
    const info = toErrorInfo(error);
    res.write(`data: ${JSON.stringify({ error: { message: info.message, type: info.code } })}\n\n`);
  } finally {
    finished = true;
    tokens.dispose();
    res.end('data: [DONE]\n\n');
  }
}
