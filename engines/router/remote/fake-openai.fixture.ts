// A real OpenAI-compatible server on 127.0.0.1 for tests: each request takes the next scripted
// behaviour (a reply, a tool call, 429, 500, 401, a stream that breaks off, a stall).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | {
      kind: 'reply';
      pieces: string[];
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { kind: 'tool'; name: string; args: string }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'disconnect'; after: string[] }
  | { kind: 'stall'; after: string[] };

export type FakeRequest = {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    tools?: unknown[];
    stream?: boolean;
  };
};

export type FakeOpenAi = {
  baseUrl: string;
  requests: FakeRequest[];
  script(...b: Behaviour[]): void;
  reset(): void;
  close(): Promise<void>;
};

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const queue: Behaviour[] = [];
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(raw || '{}') });
      const b = queue.shift() ?? { kind: 'reply', pieces: ['ok'] };
      if (b.kind === 'status') {
        res
          .writeHead(b.status, b.retryAfter ? { 'retry-after': String(b.retryAfter) } : {})
          .end(JSON.stringify({ error: { message: `status ${b.status}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (b.kind === 'reply') {
        for (const p of b.pieces) res.write(chunk({ content: p }));
        res.write(chunk({}, 'stop'));
        res.write(
          `data: ${JSON.stringify({ choices: [], usage: b.usage ?? { prompt_tokens: 12, completion_tokens: b.pieces.length } })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
      } else if (b.kind === 'tool') {
        res.write(
          chunk({
            tool_calls: [{ index: 0, id: 'call_1', function: { name: b.name, arguments: '' } }],
          }),
        );
        for (const part of [b.args.slice(0, 5), b.args.slice(5)])
          res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
        res.write(chunk({}, 'tool_calls'));
        res.end('data: [DONE]\n\n');
      } else if (b.kind === 'disconnect') {
        for (const p of b.after) res.write(chunk({ content: p }));
        setTimeout(() => res.destroy(), 20);
      } else {
        for (const p of b.after) res.write(chunk({ content: p }));
        // …and then nothing more, ever.
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script: (...b) => {
      queue.push(...b);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
