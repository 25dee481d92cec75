export { createPolicyEngine, type PolicyEngine, type PolicyDeps } from './policy-engine.ts';
export { fileVault, vaultDir, type KeyVault } from './audit/keys.ts';
export { Ledger } from './audit/ledger.ts';
export { capabilityNames, catalog, type Capability } from './catalog.ts';
