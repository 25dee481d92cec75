// The router's side of the model process: spawns it, loads the model, streams generations and
// survives the process dying (the turn fails with a clear error; the next one respawns it).
import { AetherError, type ChatMessage, type ErrorInfo } from '../../bus/index.ts';
import { fromWorker, type FromWorker, type SpawnWorker, type WorkerHandle } from './protocol.ts';

export type LocalProviderOptions = {
  spawnWorker: SpawnWorker;
  modelPath: string;
  threads: number;
  contextSize: number;
  gpu: 'auto' | 'off';
  /** A chat model, or an embedding model (for memory). */
  purpose?: 'chat' | 'embedding';
  /** Monotonic clock in ms, for time to first token. */
  monotonic: () => number;
  onStateChange?: (state: ProviderState, error: ErrorInfo | null) => void;
};

export type ProviderState = 'loading' | 'ready' | 'generating' | 'degraded' | 'error';

export type GenerateRequest = {
  id: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  jsonSchema?: Record<string, unknown>;
  /** Engine work (memory extraction, summaries): on its own sequence, away from the conversation's. */
  lane?: 'turn' | 'background';
};

export type LocalGeneration = {
  text: string;
  stopReason: 'end' | 'max-tokens' | 'cancelled';
  tokens: number;
  promptTokens: number;
  cachedTokens: number;
  /** Of `tokens`, those generated ahead of the turn (at the speaker's pause). */
  aheadTokens: number;
  ttftMs: number | null;
  tokensPerSecond: number | null;
};

type Pending = {
  request: GenerateRequest;
  onToken: (text: string, index: number) => void;
  resolve: (result: LocalGeneration) => void;
  reject: (error: AetherError) => void;
  sentAt: number;
  firstTokenAt: number | null;
  chunks: number;
};

export class LocalProvider {
  private worker: WorkerHandle | null = null;
  private loaded: Promise<string> | null = null;
  private pending = new Map<string, Pending>();
  private embeds = new Map<
    string,
    { resolve: (v: number[][]) => void; reject: (e: AetherError) => void }
  >();
  private nextEmbed = 0;
  private loadWaiter: {
    resolve: (model: string) => void;
    reject: (error: AetherError) => void;
  } | null = null;
  private disposed = false;
  model: string | null = null;

  private readonly options: LocalProviderOptions;

  constructor(options: LocalProviderOptions) {
    this.options = options;
  }

  /** Starts the model process and loads the model once; later calls share the same load. */
  load(): Promise<string> {
    if (this.disposed)
      return Promise.reject(new AetherError('ModelLoadFailed', 'the model runtime was shut down'));
    this.loaded ??= this.startWorker();
    return this.loaded;
  }

  async generate(
    request: GenerateRequest,
    onToken: (text: string, index: number) => void,
  ): Promise<LocalGeneration> {
    await this.load();
    const worker = this.worker;
    if (!worker)
      throw new AetherError(
        'ModelCrashed',
        'The model process stopped before the reply could start; try again.',
      );
    return new Promise<LocalGeneration>((resolve, reject) => {
      this.pending.set(request.id, {
        request,
        onToken,
        resolve,
        reject,
        sentAt: this.options.monotonic(),
        firstTokenAt: null,
        chunks: 0,
      });
      this.setState('generating');
      worker.send({ type: 'generate', ...request });
    });
  }

  /**
   * Reads a prompt ahead (a loaded, idle model only), and generates `speculate` tokens of its
   * reply for a turn that asks exactly it; false when it cannot now.
   */
  preload(messages: ChatMessage[], o: { speculate?: number; temperature?: number } = {}): boolean {
    if (!this.worker || this.pending.size > 0) return false;
    this.worker.send({ type: 'preload', messages, ...o });
    return true;
  }

  /** Embedding vectors for texts (an embedding model's provider only). */
  async embed(texts: string[]): Promise<number[][]> {
    await this.load();
    const worker = this.worker;
    if (!worker)
      throw new AetherError('ModelCrashed', 'The embedding model process stopped; try again.');
    const id = `embed-${++this.nextEmbed}`;
    return new Promise((resolve, reject) => {
      this.embeds.set(id, { resolve, reject });
      worker.send({ type: 'embed', id, texts });
    });
  }

  cancel(id: string): boolean {
    if (!this.pending.has(id) || !this.worker) return false;
    this.worker.send({ type: 'cancel', id });
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.worker?.kill();
    this.worker = null;
  }

  private startWorker(): Promise<string> {
    this.setState('loading');
    const worker = this.options.spawnWorker();
    this.worker = worker;
    worker.onMessage((raw) => {
      const parsed = fromWorker.safeParse(raw);
      if (parsed.success) this.onWorkerMessage(parsed.data);
    });
    worker.onExit((code) => this.onWorkerExit(worker, code));
    worker.send({
      type: 'load',
      modelPath: this.options.modelPath,
      threads: this.options.threads,
      contextSize: this.options.contextSize,
      gpu: this.options.gpu,
      purpose: this.options.purpose ?? 'chat',
    });
    return new Promise<string>((resolve, reject) => {
      this.loadWaiter = { resolve, reject };
    });
  }

  private onWorkerMessage(message: FromWorker): void {
    switch (message.type) {
      case 'loaded':
        this.model = message.model;
        this.setState('ready');
        this.loadWaiter?.resolve(message.model);
        this.loadWaiter = null;
        return;
      case 'load_failed':
        return this.onLoadFailed(message.message);
      case 'token': {
        const p = this.pending.get(message.id);
        if (!p) return;
        p.firstTokenAt ??= this.options.monotonic();
        p.onToken(message.text, p.chunks++);
        return;
      }
      case 'embedded':
        this.embeds.get(message.id)?.resolve(message.vectors);
        this.embeds.delete(message.id);
        return;
      case 'done':
      case 'failed':
        return this.onEnded(message);
    }
  }

  private onLoadFailed(why: string): void {
    const error = new AetherError('ModelLoadFailed', `The model file could not be loaded: ${why}`, {
      model: this.options.modelPath,
    });
    const worker = this.worker;
    this.worker = null;
    worker?.kill();
    this.failLoad(error);
  }

  /** A generation or an embedding request ended, well or not. */
  private onEnded(message: Extract<FromWorker, { type: 'done' | 'failed' }>): void {
    const e = this.embeds.get(message.id);
    if (e && message.type === 'failed') {
      this.embeds.delete(message.id);
      e.reject(
        new AetherError('GenerationFailed', `The embedding model failed: ${message.message}`),
      );
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.setState('ready');
    if (message.type === 'failed') {
      const why = `The model failed while answering: ${message.message}`;
      p.reject(new AetherError('GenerationFailed', why));
      return;
    }
    const end = this.options.monotonic();
    const streamMs = p.firstTokenAt === null ? 0 : end - p.firstTokenAt;
    p.resolve({
      text: message.text,
      stopReason: message.stopReason,
      tokens: message.tokens,
      promptTokens: message.promptTokens,
      cachedTokens: message.cachedTokens,
      aheadTokens: message.aheadTokens,
      ttftMs: p.firstTokenAt === null ? null : p.firstTokenAt - p.sentAt,
      // Tokens after the first, over the time after the first: the steady generation rate.
      tokensPerSecond:
        message.tokens > 1 && streamMs > 0 ? ((message.tokens - 1) * 1000) / streamMs : null,
    });
  }

  private failLoad(error: AetherError): void {
    this.loaded = null;
    this.setState('error', error.toInfo());
    this.loadWaiter?.reject(error);
    this.loadWaiter = null;
  }

  private onWorkerExit(worker: WorkerHandle, code: number | null): void {
    if (worker !== this.worker) return;
    this.worker = null;
    if (this.disposed) return;
    const why = worker.lastError?.();
    const detail = why ? `: ${why}` : '';
    if (this.loadWaiter) {
      this.failLoad(
        new AetherError(
          'ModelLoadFailed',
          `The model process stopped while loading the model (exit code ${code}); the file may be damaged or not a supported GGUF${detail}`,
          { model: this.options.modelPath },
        ),
      );
      return;
    }
    this.loaded = null;
    const crash = new AetherError(
      'ModelCrashed',
      `The model process stopped unexpectedly (exit code ${code}); it will restart on the next message${detail}`,
    );
    for (const p of this.pending.values()) p.reject(crash);
    for (const e of this.embeds.values()) e.reject(crash);
    this.pending.clear();
    this.embeds.clear();
    this.setState('degraded', crash.toInfo());
  }

  private setState(state: ProviderState, error: ErrorInfo | null = null): void {
    this.options.onStateChange?.(state, error);
  }
}
