// The remote tier: its configuration (remote-config.ts), one generation through L5 with its cost
// (remote-call.ts), and L5's executor for router.remote*, which makes the call itself.
import { AetherError, type Bus, type RemoteRequest, type ToolExecutor } from '../../bus/index.ts';
import { CircuitBreaker } from './breaker.ts';
import { RemoteProvider } from './openai-provider.ts';
import { remoteGenerator, type Streams } from './remote-call.ts';
import {
  configureAction,
  createRemoteConfig,
  type RemoteConfig,
  type Secrets,
} from './remote-config.ts';

export type { RemoteRequest };
export type { RemoteSettings } from './remote-config.ts';

type Settings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };

type CallDeps = {
  monotonic: () => number;
  /** Waits between retries (the clock's, so tests need not wait). */
  sleep: (ms: number) => Promise<void>;
  breaker: CircuitBreaker;
};

/** L5's executor for router.remote*: the payload it carries is exactly what is sent. */
function remoteExecutor(
  config: RemoteConfig,
  streams: Streams,
  call: CallDeps,
): ToolExecutor<'router.remote' | 'router.remote_with_private'> {
  return async (req) => {
    const parsed = req.input;
    if (!parsed) throw new AetherError('BadRequest', 'nothing to send');
    const s = config.stored();
    if (!s) throw new AetherError('RemoteUnavailable', 'no remote model is set up');
    // The user chose to send it without the private parts: they are cut here, before anything leaves.
    const r =
      req.variant === 'without-private'
        ? { ...parsed, messages: parsed.messages.filter((m) => !m.private) }
        : parsed;
    const onToken = streams.tokens.get(r.turnId) ?? (() => {});
    const abort = streams.aborts.get(r.turnId) ?? new AbortController();
    const provider = new RemoteProvider(
      { baseUrl: s.baseUrl, model: s.model, apiKey: config.apiKey() },
      call,
    );
    const result = await provider.generate(r, onToken, AbortSignal.any([req.signal, abort.signal]));
    return {
      summary: `${config.providerName()} answered: ${result.tokens} tokens (${result.stopReason})`,
      output: JSON.stringify(result),
    };
  };
}

export function createRemoteTier(deps: {
  bus: Bus;
  settings: Settings;
  secrets: Secrets;
  monotonic: () => number;
  sleep: (ms: number) => Promise<void>;
}) {
  const breaker = new CircuitBreaker({ monotonic: deps.monotonic });
  const config = createRemoteConfig(deps.settings, deps.secrets, breaker);
  // Generations waiting for their executor to run: the executor streams through these.
  const streams: Streams = { tokens: new Map(), aborts: new Map() };
  const call = { monotonic: deps.monotonic, sleep: deps.sleep, breaker };
  return {
    view: config.view,
    available: () => Boolean(config.stored()?.enabled),
    prefer: () => config.stored()?.prefer ?? 'local',
    /** Whether the user set a preference themselves (it then outranks the persona's). */
    userChosePreference: () => config.stored()?.preferChosen ?? false,
    set: config.set,
    cancel(turnId: string): boolean {
      const a = streams.aborts.get(turnId);
      a?.abort();
      return Boolean(a);
    },
    executor: remoteExecutor(config, streams, call),
    configure: configureAction(config),
    generate: remoteGenerator(deps.bus, config, streams),
  };
}

export type RemoteTier = ReturnType<typeof createRemoteTier>;
