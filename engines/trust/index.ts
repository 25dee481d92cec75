export { createTrustEngine, type TrustEngine, type TrustDeps } from './trust-engine.ts';
export { recommend, memoryNeeded, type Hardware, type Recommendation } from './recommend.ts';
export { columnsOf, ALWAYS_NEVER } from './columns.ts';
export { activityOf } from './activity.ts';
export { reviewOf } from './review.ts';
export { postureOf } from './posture.ts';
