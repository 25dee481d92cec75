// The remote tier: configuration (the key kept in the vault, shown only as a fingerprint), and
// one remote generation as L5 sees it — a cost reservation, a router.remote (or
// router.remote_with_private) action whose approval shows the exact payload, the call itself as
// that action's executor, and exactly one cost event.
import { createHash, randomBytes } from 'node:crypto';
import {
  AetherError,
  type Bus,
  type CapabilityInput,
  type GenerationResult,
  type RemoteRequest,
  type ToolExecutor,
} from '../../bus/index.ts';
import { CircuitBreaker } from './breaker.ts';
import { RemoteProvider } from './openai-provider.ts';

type Secrets = {
  read(name: string): string | null;
  write(name: string, value: string): void;
  warning?: string;
  encrypted?: boolean;
};
type Settings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
type Stored = {
  baseUrl: string;
  model: string;
  enabled: boolean;
  prefer: 'local' | 'remote';
  preferChosen?: boolean;
};

const KEY_NAME = 'remote-api-key';

export type RemoteSettings = {
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  enabled: boolean;
  prefer?: 'local' | 'remote';
};

export type { RemoteRequest };

export function createRemoteTier(deps: {
  bus: Bus;
  settings: Settings;
  secrets: Secrets;
  monotonic: () => number;
  /** Waits between retries (the clock's, so tests need not wait). */
  sleep: (ms: number) => Promise<void>;
}) {
  const { bus, settings } = deps;
  const stored = () => settings.get<Stored>('router.remote') ?? null;
  const breaker = new CircuitBreaker({ monotonic: deps.monotonic });
  // Generations waiting for their executor to run: the executor streams through these.
  const streams = new Map<string, (text: string) => void>();
  const aborts = new Map<string, AbortController>();

  function provider(): RemoteProvider {
    const s = stored();
    if (!s) throw new AetherError('RemoteUnavailable', 'no remote model is set up');
    return new RemoteProvider(
      { baseUrl: s.baseUrl, model: s.model, apiKey: deps.secrets.read(KEY_NAME) },
      { monotonic: deps.monotonic, sleep: deps.sleep, breaker },
    );
  }

  const providerName = () => {
    const s = stored();
    try {
      return s ? new URL(s.baseUrl).host : 'remote';
    } catch {
      return 'remote';
    }
  };

  function view() {
    const s = stored();
    const key = deps.secrets.read(KEY_NAME);
    return {
      baseUrl: s?.baseUrl ?? null,
      model: s?.model ?? null,
      enabled: s?.enabled ?? false,
      prefer: s?.prefer ?? 'local',
      keyFingerprint: key ? createHash('sha256').update(key).digest('hex').slice(0, 8) : null,
      breaker: breaker.state,
      keyWarning:
        key && !deps.secrets.encrypted
          ? (deps.secrets.warning ??
            'The API key is kept in a file only you can read (mode 0600), not encrypted by the OS keychain.')
          : null,
    };
  }

  /** L5's executor for router.remote*: the payload it carries is exactly what is sent. */
  const executor: ToolExecutor<'router.remote' | 'router.remote_with_private'> = async (req) => {
    const parsed = req.input;
    if (!parsed) throw new AetherError('BadRequest', 'nothing to send');
    // The user chose to send it without the private parts: they are cut here, before anything leaves.
    const r =
      req.variant === 'without-private'
        ? { ...parsed, messages: parsed.messages.filter((m) => !m.private) }
        : parsed;
    const onToken = streams.get(r.turnId) ?? (() => {});
    const abort = aborts.get(r.turnId) ?? new AbortController();
    const result = await provider().generate(
      r,
      onToken,
      AbortSignal.any([req.signal, abort.signal]),
    );
    return {
      summary: `${providerName()} answered: ${result.tokens} tokens (${result.stopReason})`,
      output: JSON.stringify(result),
    };
  };

  async function generate(
    request: RemoteRequest,
    onToken: (text: string) => void,
    changeId: string,
  ): Promise<
    Omit<GenerationResult, 'ttftMs' | 'tokensPerSecond'> & { ok: boolean; reason: string | null }
  > {
    const s = stored()!;
    const name = providerName();
    const estimate =
      Math.ceil(request.messages.reduce((n, m) => n + m.text.length, 0) / 4) + request.maxTokens;
    const reservation = await bus.invoke(
      'policy.reserve_cost',
      { provider: name, cents: 0, tokens: estimate },
      { changeId },
    );
    if (!reservation.ok)
      return {
        ok: false,
        reason: reservation.reason,
        text: '',
        stopReason: 'end',
        model: s.model,
        tokens: 0,
        promptTokens: 0,
      };
    const carriesPrivate = request.messages.some((m) => m.private);
    streams.set(request.turnId, onToken);
    aborts.set(request.turnId, new AbortController());
    let result: {
      text: string;
      stopReason: 'end' | 'max-tokens' | 'cancelled' | 'tool-calls';
      promptTokens: number;
      tokens: number;
    } | null = null;
    try {
      const outcome = await bus.invoke(
        'policy.perform',
        {
          capability: carriesPrivate ? 'router.remote_with_private' : 'router.remote',
          target: `${name}/${s.model}`,
          actor: request.viaApi ? 'api' : 'router',
          turnId: request.turnId,
          viaApi: request.viaApi,
          why: carriesPrivate
            ? 'this reply would use private memory'
            : 'you prefer the remote model for replies',
          input: {
            turnId: request.turnId,
            messages: request.messages,
            maxTokens: request.maxTokens,
            temperature: request.temperature,
            jsonSchema: request.jsonSchema,
            model: s.model,
          },
        },
        { changeId },
      );
      if (outcome.status === 'done')
        result = JSON.parse((outcome.result as { output: string }).output);
      else
        return {
          ok: false,
          reason: outcome.error?.message ?? outcome.explanation,
          text: '',
          stopReason: 'end',
          model: s.model,
          tokens: 0,
          promptTokens: 0,
        };
      return {
        ok: true,
        reason: null,
        text: result!.text,
        stopReason: result!.stopReason === 'tool-calls' ? 'end' : result!.stopReason,
        model: s.model,
        tokens: result!.tokens,
        promptTokens: result!.promptTokens,
      };
    } finally {
      streams.delete(request.turnId);
      aborts.delete(request.turnId);
      const used = result ? result.promptTokens + result.tokens : 0;
      await bus.invoke(
        'policy.settle_cost',
        { reservationId: reservation.reservationId!, cents: 0, tokens: used },
        { changeId },
      );
      bus.emit(
        'router.cost',
        {
          turnId: request.turnId,
          provider: name,
          model: s.model,
          promptTokens: result?.promptTokens ?? 0,
          completionTokens: result?.tokens ?? 0,
          cents: 0,
          ok: result !== null,
        },
        { source: 'router', changeId, turnId: request.turnId },
      );
    }
  }

  function set(input: RemoteSettings) {
    // A key was given for one server: it never goes to another one unless given again.
    const moved = stored() !== null && stored()!.baseUrl !== input.baseUrl;
    if (moved && input.apiKey === undefined) deps.secrets.write(KEY_NAME, '');
    settings.set('router.remote', {
      baseUrl: input.baseUrl,
      model: input.model,
      enabled: input.enabled,
      prefer: input.prefer ?? stored()?.prefer ?? 'local',
      preferChosen: input.prefer !== undefined || (stored()?.preferChosen ?? false),
    });
    if (input.apiKey !== undefined) deps.secrets.write(KEY_NAME, input.apiKey ?? '');
    return view();
  }

  return {
    view,
    available: () => Boolean(stored()?.enabled),
    prefer: () => stored()?.prefer ?? 'local',
    /** Whether the user set a preference themselves (it then outranks the persona's). */
    userChosePreference: () => stored()?.preferChosen ?? false,
    set,
    cancel(turnId: string): boolean {
      const a = aborts.get(turnId);
      a?.abort();
      return Boolean(a);
    },
    executor,
    /**
     * L5's executor for router.configure. The key itself never enters the request L5 shows and
     * hashes: it waits here under a one-time reference.
     */
    configure: ((): {
      request(input: RemoteSettings): {
        target: string;
        input: CapabilityInput<'router.configure'>;
      };
      executor: ToolExecutor<'router.configure'>;
    } => {
      const keys = new Map<string, string | null>();
      return {
        request(input) {
          const { apiKey, ...shown } = input;
          const keyRef = apiKey === undefined ? null : randomBytes(8).toString('hex');
          if (keyRef) keys.set(keyRef, apiKey ?? null);
          const keyNote =
            apiKey === undefined
              ? stored() && stored()!.baseUrl !== input.baseUrl
                ? ('dropped (new server)' as const)
                : ('kept' as const)
              : apiKey
                ? ('replaced' as const)
                : ('removed' as const);
          return { target: input.baseUrl, input: { ...shown, key: keyNote, keyRef } };
        },
        executor: async (req) => {
          if (!req.input) throw new AetherError('BadRequest', 'no settings given');
          const { key: _note, keyRef, ...rest } = req.input;
          const apiKey = keyRef ? keys.get(keyRef) : undefined;
          if (keyRef) keys.delete(keyRef);
          const v = set({ ...rest, ...(keyRef ? { apiKey } : {}) });
          return {
            summary: `remote model set to ${v.model} at ${v.baseUrl}${v.enabled ? '' : ' (off)'}`,
            output: '',
          };
        },
      };
    })(),
    generate,
  };
}

export type RemoteTier = ReturnType<typeof createRemoteTier>;
