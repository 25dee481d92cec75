// A streamed chat completion put together chunk by chunk: the text, tool calls assembled from
// their pieces, the finish reason and usage; and the watchdog that ends a stream gone silent.

export type ToolCall = { id: string; name: string; arguments: string };

export type RemoteResult = {
  text: string;
  toolCalls: ToolCall[];
  stopReason: 'end' | 'max-tokens' | 'cancelled' | 'tool-calls';
  promptTokens: number;
  tokens: number;
};

export type Chunk = {
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        function?: { name?: string; arguments?: string };
      }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  error?: { message?: string };
};

export class ReplyParts {
  text = '';
  finish: string | null = null;
  private usage: Chunk['usage'];
  private chunks = 0;
  private readonly calls = new Map<number, ToolCall>();

  add(chunk: Chunk, onToken: (text: string) => void): void {
    this.usage = chunk.usage ?? this.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) {
      this.text += delta.content;
      this.chunks++;
      onToken(delta.content);
    }
    for (const tc of delta.tool_calls ?? []) {
      const call = this.calls.get(tc.index) ?? {
        id: tc.id ?? `call_${tc.index}`,
        name: '',
        arguments: '',
      };
      if (tc.id) call.id = tc.id;
      call.name += tc.function?.name ?? '';
      call.arguments += tc.function?.arguments ?? '';
      this.calls.set(tc.index, call);
    }
    this.finish = choice.finish_reason ?? this.finish;
  }

  /** What arrived so far; a cancelled reply keeps its text but proposes no tool calls. */
  result(stopReason: RemoteResult['stopReason']): RemoteResult {
    return {
      text: this.text,
      toolCalls: stopReason === 'cancelled' ? [] : [...this.calls.values()],
      stopReason,
      promptTokens: this.usage?.prompt_tokens ?? 0,
      // Servers that send no usage: one token a chunk is the honest estimate.
      tokens: this.usage?.completion_tokens ?? this.chunks,
    };
  }

  finished(): RemoteResult {
    const f = this.finish;
    return this.result(f === 'length' ? 'max-tokens' : f === 'tool_calls' ? 'tool-calls' : 'end');
  }
}

/** Calls `onSilence` once `ms` pass without a `bump()`. */
export function idleWatch(ms: number, onSilence: () => void) {
  let timer = setTimeout(onSilence, ms);
  return {
    bump(): void {
      clearTimeout(timer);
      timer = setTimeout(onSilence, ms);
    },
    stop: () => clearTimeout(timer),
  };
}
