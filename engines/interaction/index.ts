export {
  createInteractionEngine,
  titleFrom,
  type InteractionEngine,
  type InteractionDeps,
} from './interaction-engine.ts';
export { turnMachine, type TurnContext, type TurnEvent } from './turn-machine.ts';
export { recallMessages } from './recall.ts';
export { createSpeech, type Activity, type Heard } from './speech/speech-process.ts';
export type { SpawnSpeech } from './speech/protocol.ts';
export { BUNDLED_VAD } from './speech/bundled.ts';
export { readPack } from './speech/pack.ts';
export { MAX_FRAME_BYTES } from './voice.ts';
