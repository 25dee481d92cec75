export { createPolicyEngine, type PolicyEngine, type PolicyDeps } from './policy-engine.ts';
export type { WorkspaceFolder } from './workspace.ts';
export { fileVault, vaultDir, type KeyVault } from './audit/keys.ts';
export { Ledger } from './audit/ledger.ts';
export { capabilityNames, catalog, type Capability } from './catalog.ts';
// The pure parts, for benchmarks and the composition root's tests (they measure and probe L5 itself).
export { evaluate, isProtected, type PolicyState, type Verdict } from './evaluate.ts';
export { commandFacts, EXEC_TABLE } from './exec-safety.ts';
export { GrantStore } from './grant-store.ts';
export { hardBlocks, PROTECTED } from './protected.ts';
export { canonicalUrl } from './resources.ts';
