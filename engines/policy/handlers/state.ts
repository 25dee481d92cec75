// The gate's state as the workspace and L7 read it: preset, posture, health, and what each
// capability's mode is now (or would be under another preset).
import type { HandlersFor } from '../../bus/index.ts';
import { capabilityNames, catalog } from '../catalog.ts';
import type { PolicyCore } from '../core.ts';
import { modesOf, REMOTE } from '../evaluate.ts';

type State = Pick<HandlersFor<'policy'>, 'policy.get_state' | 'policy.get_modes'>;

export function stateHandlers(core: PolicyCore): State {
  const { ledger, tickets, deps, state } = core;
  return {
    'policy.get_state': () => {
      const s = state();
      return {
        preset: s.preset.name,
        posture: s.posture,
        auditHealthy: !ledger.unhealthy,
        auditProblem: ledger.unhealthy,
        workspace: deps.workspace.get(),
        pending: tickets.pending().length,
        keyWarning: deps.keyVault.warning ?? null,
        head: ledger.head().seq,
        ...ledger.status(),
      };
    },
    'policy.get_modes': (input) => {
      const now = state();
      const s = input.preset ? { ...now, preset: { name: input.preset } } : now;
      const personaId = core.trust.personaId();
      return {
        preset: s.preset.name,
        posture: s.posture,
        workspace: deps.workspace.get(),
        auditHealthy: !ledger.unhealthy,
        persona: personaId ? { id: personaId, signed: s.persona?.signed ?? false } : null,
        capabilities: capabilityNames.map((capability) => {
          const { risk, label } = catalog[capability];
          const { presetMode, mode } = modesOf(s, capability);
          const blockedBy = ledger.unhealthy
            ? ('audit-unavailable' as const)
            : s.posture === 'local-only' && REMOTE.includes(capability)
              ? ('posture-local-only' as const)
              : null;
          const personaMode = s.persona?.modes[capability] ?? null;
          return { capability, label, risk, presetMode, personaMode, mode, blockedBy };
        }),
      };
    },
  };
}
