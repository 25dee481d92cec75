// A remote, OpenAI-compatible provider (Ollama, llama.cpp server, LM Studio, vLLM, hosted APIs):
// streamed chat completions over SSE, tool calls, timeouts, retries with backoff and jitter for
// 429 and 5xx before the stream starts, and a circuit breaker. The key never leaves this object
// except in the Authorization header.
import { AetherError, type ChatMessage } from '../../bus/index.ts';
import { CircuitBreaker } from './breaker.ts';
import { idleWatch, ReplyParts, type Chunk, type RemoteResult } from './reply-parts.ts';
import { sseData } from './sse.ts';

export type RemoteConfig = { baseUrl: string; model: string; apiKey: string | null };

export type ToolSpec = { name: string; description: string; parameters: Record<string, unknown> };
export type { RemoteResult, ToolCall } from './reply-parts.ts';

export type RemoteOptions = {
  monotonic: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retries?: number;
  backoffMs?: number;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  breaker?: CircuitBreaker;
};

export class RemoteProvider {
  readonly config: RemoteConfig;
  readonly breaker: CircuitBreaker;
  private readonly o: Required<Omit<RemoteOptions, 'breaker'>>;

  constructor(config: RemoteConfig, options: RemoteOptions) {
    this.config = { ...config, baseUrl: config.baseUrl.replace(/\/+$/, '') };
    this.breaker = options.breaker ?? new CircuitBreaker({ monotonic: options.monotonic });
    this.o = {
      monotonic: options.monotonic,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 500,
      headersTimeoutMs: options.headersTimeoutMs ?? 20_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    };
  }

  async generate(
    request: {
      messages: ChatMessage[];
      maxTokens: number;
      temperature: number;
      tools?: ToolSpec[];
      jsonSchema?: Record<string, unknown>;
    },
    onToken: (text: string) => void,
    signal: AbortSignal,
  ): Promise<RemoteResult> {
    if (!this.breaker.allows()) {
      throw new AetherError(
        'RemoteUnavailable',
        `${this.host()} failed several times in a row; Aether waits a little before trying it again`,
      );
    }
    const body = JSON.stringify({
      model: this.config.model,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      messages: request.messages.map((m) => ({ role: m.role, content: m.text })),
      ...(request.tools?.length
        ? { tools: request.tools.map((t) => ({ type: 'function', function: t })) }
        : {}),
      ...(request.jsonSchema
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'reply', schema: request.jsonSchema, strict: true },
            },
          }
        : {}),
    });
    // Aborting this ends the response body too: how an idle stream is cut off.
    const stream = new AbortController();
    const response = await this.connect(body, AbortSignal.any([signal, stream.signal]));
    try {
      const result = await this.read(response, onToken, signal, stream);
      this.breaker.success();
      return result;
    } catch (error) {
      if (!signal.aborted) this.breaker.failure();
      throw error;
    }
  }

  private host(): string {
    try {
      return new URL(this.config.baseUrl).host;
    } catch {
      return this.config.baseUrl;
    }
  }

  /** POSTs the request, retrying 429 and 5xx (and network errors) with backoff and jitter. */
  private async connect(body: string, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      // Limits the wait for the response's headers only; the stream has its own idle timeout.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.o.headersTimeoutMs);
      let response: Response | null = null;
      let failure: string;
      try {
        response = await fetch(`${this.config.baseUrl}/chat/completions`, {
          method: 'POST',
          body,
          signal: AbortSignal.any([signal, timeout.signal]),
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
          },
        });
        clearTimeout(timer);
        if (response.ok) return response;
        if (response.status === 401 || response.status === 403) {
          this.breaker.success(); // the server is up; the key is the problem
          throw new AetherError(
            'RemoteAuthFailed',
            `${this.host()} refused the API key (${response.status}); check it in the remote model settings`,
          );
        }
        failure = `${response.status} ${response.statusText}`;
        if (response.status !== 429 && response.status < 500) {
          this.breaker.failure();
          throw new AetherError(
            'RemoteFailed',
            `${this.host()} answered ${failure}: ${(await response.text()).slice(0, 300)}`,
          );
        }
      } catch (error) {
        clearTimeout(timer);
        if (error instanceof AetherError) throw error;
        if (signal.aborted) throw new AetherError('RemoteFailed', 'cancelled');
        failure = timeout.signal.aborted
          ? 'no answer in time'
          : `cannot be reached (${(error as Error).message})`;
      }
      if (attempt >= this.o.retries) {
        this.breaker.failure();
        throw new AetherError(
          'RemoteUnavailable',
          `${this.host()} ${failure} after ${attempt + 1} tries`,
        );
      }
      const retryAfter = Number(response?.headers.get('retry-after'));
      const backoff = this.o.backoffMs * 2 ** attempt;
      await this.o.sleep(
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : backoff + this.o.random() * backoff,
      );
    }
  }

  private async read(
    response: Response,
    onToken: (text: string) => void,
    signal: AbortSignal,
    stream: AbortController,
  ): Promise<RemoteResult> {
    const reply = new ReplyParts();
    // The stream must keep moving: a silence longer than the idle timeout ends it.
    const idle = new AbortController();
    const watch = idleWatch(this.o.idleTimeoutMs, () => {
      idle.abort();
      stream.abort();
    });
    try {
      for await (const raw of sseData(response.body!, watch.bump)) {
        const chunk = raw as Chunk;
        if (chunk.error)
          throw new AetherError(
            'RemoteFailed',
            `${this.host()} reported: ${chunk.error.message ?? 'an error'}`,
          );
        reply.add(chunk, onToken);
      }
    } catch (error) {
      if (error instanceof AetherError) throw error;
      if (signal.aborted) return reply.result('cancelled');
      throw new AetherError(
        'RemoteFailed',
        idle.signal.aborted
          ? `${this.host()} stopped sending`
          : `the connection to ${this.host()} broke off (${(error as Error).message})`,
      );
    } finally {
      watch.stop();
    }
    if (signal.aborted) return reply.result('cancelled');
    if (idle.signal.aborted)
      throw new AetherError('RemoteFailed', `${this.host()} stopped sending`);
    if (reply.finish === null)
      throw new AetherError(
        'RemoteFailed',
        `the connection to ${this.host()} ended before the reply did`,
      );
    return reply.finished();
  }
}
