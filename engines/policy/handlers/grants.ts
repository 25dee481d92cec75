// What the user allowed, and taking it back: one grant, a capability, or everything at once.
import { AetherError, type HandlersFor } from '../../bus/index.ts';
import { isCapability } from '../catalog.ts';
import type { PolicyCore } from '../core.ts';
import type { Grant } from '../grants.ts';
import { describeScope } from '../request.ts';

type Grants = Pick<
  HandlersFor<'policy'>,
  'policy.list_grants' | 'policy.revoke_grant' | 'policy.revoke_capability' | 'policy.revoke_all'
>;

type Usage = { lastUsedAt: number; timesUsed: number } | undefined;

const view = (g: Grant, used: Usage) => ({
  id: g.id,
  capability: g.capability,
  scope: describeScope(g.scope),
  effect: g.effect,
  duration: g.duration,
  usesLeft: g.usesLeft,
  expiresAt: g.expiresAt,
  createdAt: g.createdAt,
  revokedAt: g.revokedAt,
  actor: g.actor ?? 'user',
  lastUsedAt: used?.lastUsedAt ?? null,
  timesUsed: used?.timesUsed ?? 0,
});

export function grantHandlers(core: PolicyCore): Grants {
  const { grants, tickets, inFlight, deps, ledger } = core;
  const changed = (reason: string, changeId: string) =>
    deps.bus.emit('policy.grants_changed', { reason }, { source: 'policy', changeId });
  return {
    'policy.list_grants': (input) => {
      const usage = input.usage === false ? new Map() : ledger.grantUsage();
      const list = grants.list({ includeRevoked: input.includeRevoked });
      return { grants: list.map((g) => view(g, usage.get(g.id))) };
    },
    'policy.revoke_grant': (input, c) => {
      const revoked = grants.revoke(input.id, deps.clock.now(), 'user');
      c.note?.({ resource: input.id, details: { revoked } });
      if (revoked) changed('revoked', c.changeId);
      return { revoked };
    },
    'policy.revoke_capability': (input, c) => {
      if (!isCapability(input.capability))
        throw new AetherError('BadRequest', `unknown capability ${input.capability}`);
      const revoked = grants.revokeCapability(input.capability, deps.clock.now(), 'user');
      c.note?.({ capability: input.capability, details: { count: revoked } });
      changed('revoked', c.changeId);
      return { revoked };
    },
    // Emergency revoke: every grant, every open card and every running action, in one go.
    'policy.revoke_all': (_input, c) => {
      const started = deps.clock.monotonic();
      const revoked = grants.revokeAll(deps.clock.now(), 'emergency');
      const cancelled = tickets.cancelAll() + inFlight.size;
      for (const abort of inFlight) abort.abort();
      const ms = deps.clock.monotonic() - started;
      c.note?.({ details: { count: revoked, cancelled, ms: Math.round(ms) } });
      changed('revoked-all', c.changeId);
      return { revoked, cancelled, ms };
    },
  };
}
