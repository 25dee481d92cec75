// The policy evaluator: a pure function of the request and the state it is given. Order:
// pre-gates → capability in the preset → resource in scope → effective mode → grants.
// Deny beats ask beats allow; no match means ask.
import { basename } from 'node:path';
import { catalog, type Capability, type Risk } from './catalog.ts';
import { scopeCovers, type GrantContext, type GrantIndex, type Resource } from './grants.ts';
import { modeFor, narrower, presetAllowing, type Mode, type PresetConfig } from './presets.ts';
import { isInside } from './resources.ts';

export const decisions = ['allow', 'ask', 'draft-only', 'deny', 'needs-upgrade'] as const;
export type Decision = (typeof decisions)[number];

export type Posture = 'local-only' | 'balanced' | 'open';

export type EvaluationInput = {
  capability: Capability;
  resource: Resource;
  /** Shell syntax in a command, or anything else that makes this one request critical. */
  escalate?: boolean;
  /** Why it was escalated, said in the verdict. */
  escalateReason?: string;
  /** What untrusted content (a file, a page, a command's output) this turn already read, if any. */
  untrusted?: string | null;
};

export type PolicyState = {
  preset: PresetConfig;
  auditProblem: string | null;
  posture: Posture;
  /** Paths and programs nothing may touch, whatever was granted. */
  hardBlocks: {
    paths: string[];
    programs: string[];
    /** Files of these names anywhere under a root (persona trust lists and signatures); a command may not name the root at all. */
    named?: Array<{ root: string; names: string[] }>;
    /** device:inode of every file inside the protected paths (asked only when a file has several names). */
    inodes?: () => ReadonlySet<string>;
  };
  /** Where file actions are expected; elsewhere an automatic mode becomes ask. */
  workspaceRoots: string[];
  costCapHit: (capability: Capability, resource: Resource) => boolean;
  grants: GrantIndex;
  context: GrantContext;
  /** The active persona's modes: they may only narrow the preset unless its pack is signed. */
  persona?: { modes: Partial<Record<string, Mode>>; signed: boolean };
};

export type Verdict = {
  decision: Decision;
  reason: string;
  risk: Risk;
  mode: Mode | null;
  grantId: string | null;
};

/** What the local-only posture refuses: anything that reaches another machine. */
export const REMOTE: readonly Capability[] = [
  'router.remote',
  'router.remote_with_private',
  'web.fetch',
];

/** Whether this object is protected: inside a hard-blocked path, or another name of a file that is. */
export function isProtected(
  path: string,
  linked: readonly string[] | undefined,
  state: Pick<PolicyState, 'hardBlocks'>,
): boolean {
  return (
    state.hardBlocks.paths.some((p) => isInside(path, p)) ||
    isLinkedToProtected(linked, state) ||
    (state.hardBlocks.named ?? []).some(
      (n) => isInside(path, n.root) && n.names.includes(basename(path)),
    )
  );
}

function isLinkedToProtected(
  linked: readonly string[] | undefined,
  state: Pick<PolicyState, 'hardBlocks'>,
): boolean {
  if (!linked?.length || !state.hardBlocks.inodes) return false;
  const inodes = state.hardBlocks.inodes();
  return linked.some((k) => inodes.has(k));
}

function hardBlocked(resource: Resource, state: PolicyState): boolean {
  if (resource.kind === 'path') return isProtected(resource.path, resource.linked, state);
  if (resource.kind === 'command') {
    const programs = resource.programs ?? [resource.argv[0].split('/').at(-1) ?? ''];
    return (
      programs.some((p) => state.hardBlocks.programs.includes(p)) ||
      (resource.argPaths ?? []).some(
        (path) =>
          isProtected(path, undefined, state) ||
          (state.hardBlocks.named ?? []).some((n) => isInside(path, n.root)),
      ) ||
      isLinkedToProtected(resource.linked, state)
    );
  }
  return false;
}

/** The preset's mode for a capability, and the mode once the active persona narrowed (or, signed, widened) it. */
export function modesOf(
  state: Pick<PolicyState, 'preset' | 'persona'>,
  capability: Capability,
  risk: Risk = catalog[capability].risk,
): { presetMode: Mode; mode: Mode } {
  const presetMode = modeFor(state.preset, capability, risk);
  const wanted = state.persona?.modes[capability];
  const mode = !wanted
    ? presetMode
    : state.persona!.signed
      ? risk === 'critical' && wanted === 'auto'
        ? 'ask'
        : wanted
      : narrower(presetMode, wanted);
  return { presetMode, mode };
}

export function evaluate(input: EvaluationInput, state: PolicyState): Verdict {
  const { capability, resource } = input;
  const baseRisk = catalog[capability].risk;
  const risk: Risk = input.escalate ? 'critical' : baseRisk;
  const out = (
    decision: Decision,
    reason: string,
    mode: Mode | null = null,
    grantId: string | null = null,
  ): Verdict => ({ decision, reason, risk, mode, grantId });

  // Pre-gates.
  if (state.auditProblem) return out('deny', 'audit-unavailable');
  if (hardBlocked(resource, state)) return out('deny', 'hard-block');
  if (state.posture === 'local-only' && REMOTE.includes(capability))
    return out('deny', 'posture-local-only');
  if (state.costCapHit(capability, resource)) return out('deny', 'cost-cap');

  // Capability in the preset.
  const { presetMode, mode: personaMode } = modesOf(state, capability, risk);
  let mode = personaMode;
  if (mode === 'deny' && presetMode !== 'deny') return out('deny', 'persona-denies', mode);
  if (mode === 'deny') {
    return presetAllowing(capability, risk)
      ? out('needs-upgrade', 'preset-denies', mode)
      : out('deny', 'preset-denies', mode);
  }

  // Resource in scope: automatic only inside the workspace.
  if (
    mode === 'auto' &&
    resource.kind === 'path' &&
    !state.workspaceRoots.some((root) => isInside(resource.path, root))
  )
    mode = 'ask';
  // Private network addresses are never fetched without a grant.
  if (mode === 'auto' && resource.kind === 'host' && resource.privateAddress) mode = 'ask';

  // Grants: an explicit deny always wins; an allow can answer an ask but never a critical one.
  const { deny, allow } = state.grants.match(capability, resource, state.context);
  if (deny) return out('deny', 'grant-deny', mode, deny.id);
  if (mode === 'draft-only') return out('draft-only', 'preset-draft-only', mode);
  // Content the model read may carry instructions: what follows it in the turn needs a person.
  if (input.untrusted && (mode === 'auto' || allow))
    return out('ask', 'follows-untrusted-content', mode);
  if (mode === 'auto') return out('allow', 'preset-auto', mode);
  if (risk === 'critical')
    return out(
      'ask',
      input.escalate
        ? (input.escalateReason ?? 'shell-syntax-needs-a-person')
        : 'critical-needs-a-person',
      mode,
    );
  if (allow && scopeCovers(allow.scope, resource))
    return out('allow', 'grant-allow', mode, allow.id);
  return out('ask', 'no-grant', mode);
}
