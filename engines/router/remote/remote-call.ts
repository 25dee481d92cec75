// One remote generation as L5 sees it: a cost reservation, a router.remote (or
// router.remote_with_private) action whose approval shows the exact payload, and exactly one
// settlement and cost event, whatever happens in between.
import type { Bus, GenerationResult, Price, RemoteRequest } from '../../bus/index.ts';
import type { RemoteConfig, Stored } from './remote-config.ts';

export type RemoteOutcome = Omit<GenerationResult, 'ttftMs' | 'tokensPerSecond'> & {
  ok: boolean;
  reason: string | null;
};

/** What the executor reports back from the provider. */
type Sent = {
  text: string;
  stopReason: 'end' | 'max-tokens' | 'cancelled' | 'tool-calls';
  promptTokens: number;
  tokens: number;
};

/** Where a running generation's tokens go, and how it is stopped (shared with the executor). */
export type Streams = {
  tokens: Map<string, (text: string) => void>;
  aborts: Map<string, AbortController>;
};

const refused = (model: string, reason: string | null): RemoteOutcome => ({
  ok: false,
  reason,
  text: '',
  stopReason: 'end',
  model,
  tokens: 0,
  promptTokens: 0,
});

/** Characters / 4 for the prompt. */
const promptEstimate = (request: RemoteRequest) =>
  Math.ceil(request.messages.reduce((n, m) => n + m.text.length, 0) / 4);
/** The prompt, plus every token the reply may use. */
const estimate = (request: RemoteRequest) => promptEstimate(request) + request.maxTokens;

/** What these tokens cost at the provider's price (0 when none is set). */
export const centsFor = (price: Price | null | undefined, prompt: number, completion: number) =>
  price ? (prompt * price.prompt + completion * price.completion) / 1000 : 0;

async function performRemote(
  bus: Bus,
  request: RemoteRequest,
  s: Stored,
  name: string,
  changeId: string,
): Promise<Sent | { refused: string }> {
  const carriesPrivate = request.messages.some((m) => m.private);
  const { turnId, messages, maxTokens, temperature, jsonSchema } = request;
  const outcome = await bus.invoke(
    'policy.perform',
    {
      capability: carriesPrivate ? 'router.remote_with_private' : 'router.remote',
      target: `${name}/${s.model}`,
      actor: request.viaApi ? 'api' : 'router',
      turnId,
      viaApi: request.viaApi,
      why: carriesPrivate
        ? 'this reply would use private memory'
        : 'you prefer the remote model for replies',
      input: { turnId, messages, maxTokens, temperature, jsonSchema, model: s.model },
    },
    { changeId },
  );
  if (outcome.status !== 'done') return { refused: outcome.error?.message ?? outcome.explanation };
  return JSON.parse((outcome.result as { output: string }).output) as Sent;
}

async function settle(
  bus: Bus,
  at: {
    request: RemoteRequest;
    model: string;
    name: string;
    changeId: string;
    price?: Price | null;
  },
  reservationId: string,
  result: Sent | null,
): Promise<void> {
  const { request, model, name, changeId } = at;
  const used = result ? result.promptTokens + result.tokens : 0;
  const cents = result ? centsFor(at.price, result.promptTokens, result.tokens) : 0;
  await bus.invoke('policy.settle_cost', { reservationId, cents, tokens: used }, { changeId });
  bus.emit(
    'router.cost',
    {
      turnId: request.turnId,
      provider: name,
      model,
      promptTokens: result?.promptTokens ?? 0,
      completionTokens: result?.tokens ?? 0,
      cents,
      ok: result !== null,
    },
    { source: 'router', changeId, turnId: request.turnId },
  );
}

export function remoteGenerator(bus: Bus, config: RemoteConfig, streams: Streams) {
  return async function generate(
    request: RemoteRequest,
    onToken: (text: string) => void,
    changeId: string,
  ): Promise<RemoteOutcome> {
    const s = config.stored()!;
    const name = config.providerName();
    const reservation = await bus.invoke(
      'policy.reserve_cost',
      {
        provider: name,
        cents: centsFor(s.centsPer1kTokens, promptEstimate(request), request.maxTokens),
        tokens: estimate(request),
      },
      { changeId },
    );
    if (!reservation.ok) return refused(s.model, reservation.reason);
    streams.tokens.set(request.turnId, onToken);
    streams.aborts.set(request.turnId, new AbortController());
    let result: Sent | null = null;
    try {
      const sent = await performRemote(bus, request, s, name, changeId);
      if ('refused' in sent) return refused(s.model, sent.refused);
      result = sent;
      const stopReason = sent.stopReason === 'tool-calls' ? 'end' : sent.stopReason;
      const { text, tokens, promptTokens } = sent;
      return { ok: true, reason: null, text, stopReason, model: s.model, tokens, promptTokens };
    } finally {
      streams.tokens.delete(request.turnId);
      streams.aborts.delete(request.turnId);
      const at = { request, model: s.model, name, changeId, price: s.centsPer1kTokens };
      await settle(bus, at, reservation.reservationId!, result);
    }
  };
}
