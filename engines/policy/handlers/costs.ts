// Spending against caps: a reservation before each remote request, settled with what it used.
import type { HandlersFor } from '../../bus/index.ts';
import type { PolicyCore } from '../core.ts';

type Costs = Pick<
  HandlersFor<'policy'>,
  'policy.reserve_cost' | 'policy.settle_cost' | 'policy.release_cost' | 'policy.get_costs'
>;

export function costHandlers(core: PolicyCore): Costs {
  const { costs, deps, userRow } = core;
  const emit = deps.bus.emit;
  return {
    'policy.reserve_cost': (input, c) => {
      const meta = { source: 'policy' as const, changeId: c.changeId };
      const r = costs.reserve(deps.newId(), input.provider, input, deps.clock.now());
      if (!r.ok) {
        userRow(
          c.changeId,
          'cost.cap_hit',
          { window: r.window, unit: r.unit },
          {
            capability: 'router.remote',
            resource: input.provider,
            decision: 'deny',
            reason: 'cost-cap',
          },
        );
        emit(
          'policy.cost_cap_hit',
          { provider: input.provider, window: r.window, unit: r.unit },
          meta,
        );
        const what = r.unit === 'cents' ? 'spending' : 'token';
        return {
          ok: false,
          reservationId: null,
          reason: `the ${r.window} ${what} cap for ${input.provider} is reached`,
        };
      }
      for (const w of r.warnings)
        emit('policy.cost_warning', { provider: input.provider, ...w }, meta);
      return { ok: true, reservationId: r.id, reason: null };
    },
    'policy.settle_cost': (input) => ({ settled: costs.settle(input.reservationId, input) }),
    'policy.release_cost': (input) => ({ released: costs.release(input.reservationId) }),
    'policy.get_costs': (input) => ({
      caps: costs.caps(input.provider),
      ...costs.usage(input.provider, deps.clock.now()),
    }),
  };
}
