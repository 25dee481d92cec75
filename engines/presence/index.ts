export { createPresenceEngine, presenceFor, type PresenceEngine } from './presence-engine.ts';
