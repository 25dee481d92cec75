export { createTrustEngine, type TrustEngine, type TrustDeps } from './trust-engine.ts';
