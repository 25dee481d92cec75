export {
  createPresenceEngine,
  presenceFor,
  type FrameOptions,
  type PresenceEngine,
} from './presence-engine.ts';
export { frameAt, FADE_MS } from './compose.ts';
export { DEFAULT_INPUTS, type InputChange, type PresenceInputs } from './inputs.ts';
