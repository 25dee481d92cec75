// The remote model's configuration: the server and model in settings, the key in the vault (shown
// only as a fingerprint, and never sent to another server unless given again), and L5's executor
// for router.configure, which keeps the key out of the request L5 shows and hashes.
import { createHash, randomBytes } from 'node:crypto';
import {
  AetherError,
  type CapabilityInput,
  type Price,
  type ToolExecutor,
} from '../../bus/index.ts';
import type { CircuitBreaker } from './breaker.ts';

export type Secrets = {
  read(name: string): string | null;
  write(name: string, value: string): void;
  warning?: string;
  encrypted?: boolean;
};
type Settings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
export type Stored = {
  baseUrl: string;
  model: string;
  enabled: boolean;
  prefer: 'local' | 'remote';
  preferChosen?: boolean;
  centsPer1kTokens?: Price | null;
};

export const KEY_NAME = 'remote-api-key';

export type RemoteSettings = {
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  enabled: boolean;
  prefer?: 'local' | 'remote';
  centsPer1kTokens?: Price | null;
};

const FILE_KEY_WARNING =
  'The API key is kept in a file only you can read (mode 0600), not encrypted by the OS keychain.';

export function createRemoteConfig(settings: Settings, secrets: Secrets, breaker: CircuitBreaker) {
  const stored = () => settings.get<Stored>('router.remote') ?? null;

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
    const key = secrets.read(KEY_NAME);
    return {
      baseUrl: s?.baseUrl ?? null,
      provider: s ? providerName() : null,
      model: s?.model ?? null,
      enabled: s?.enabled ?? false,
      prefer: s?.prefer ?? 'local',
      keyFingerprint: key ? createHash('sha256').update(key).digest('hex').slice(0, 8) : null,
      breaker: breaker.state,
      centsPer1kTokens: s?.centsPer1kTokens ?? null,
      keyWarning: key && !secrets.encrypted ? (secrets.warning ?? FILE_KEY_WARNING) : null,
    };
  }

  function set(input: RemoteSettings) {
    // A key was given for one server: it never goes to another one unless given again.
    const before = stored();
    const moved = before !== null && before.baseUrl !== input.baseUrl;
    if (moved && input.apiKey === undefined) secrets.write(KEY_NAME, '');
    settings.set('router.remote', {
      baseUrl: input.baseUrl,
      model: input.model,
      enabled: input.enabled,
      prefer: input.prefer ?? before?.prefer ?? 'local',
      preferChosen: input.prefer !== undefined || (before?.preferChosen ?? false),
      // A price belongs to its server: another server starts without one unless given.
      centsPer1kTokens:
        input.centsPer1kTokens !== undefined
          ? input.centsPer1kTokens
          : moved
            ? null
            : (before?.centsPer1kTokens ?? null),
    });
    if (input.apiKey !== undefined) secrets.write(KEY_NAME, input.apiKey ?? '');
    return view();
  }

  return { stored, providerName, view, set, apiKey: () => secrets.read(KEY_NAME) };
}

export type RemoteConfig = ReturnType<typeof createRemoteConfig>;

/** What happens to the stored key, in words for the approval card. */
function keyNote(config: RemoteConfig, input: RemoteSettings) {
  const { apiKey } = input;
  if (apiKey === undefined) {
    const moved = config.stored() && config.stored()!.baseUrl !== input.baseUrl;
    return moved ? ('dropped (new server)' as const) : ('kept' as const);
  }
  return apiKey ? ('replaced' as const) : ('removed' as const);
}

/**
 * L5's executor for router.configure. The key itself never enters the request L5 shows and
 * hashes: it waits here under a one-time reference.
 */
export function configureAction(config: RemoteConfig): {
  request(input: RemoteSettings): { target: string; input: CapabilityInput<'router.configure'> };
  executor: ToolExecutor<'router.configure'>;
} {
  const keys = new Map<string, string | null>();
  return {
    request(input) {
      const { apiKey, ...shown } = input;
      const keyRef = apiKey === undefined ? null : randomBytes(8).toString('hex');
      if (keyRef) keys.set(keyRef, apiKey ?? null);
      return { target: input.baseUrl, input: { ...shown, key: keyNote(config, input), keyRef } };
    },
    executor: async (req) => {
      if (!req.input) throw new AetherError('BadRequest', 'no settings given');
      const { key: _note, keyRef, ...rest } = req.input;
      const apiKey = keyRef ? keys.get(keyRef) : undefined;
      if (keyRef) keys.delete(keyRef);
      const v = config.set({ ...rest, ...(keyRef ? { apiKey } : {}) });
      return {
        summary: `remote model set to ${v.model} at ${v.baseUrl}${v.enabled ? '' : ' (off)'}`,
        output: '',
      };
    },
  };
}
