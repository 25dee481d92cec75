export {
  createInteractionEngine,
  titleFrom,
  type InteractionEngine,
  type InteractionDeps,
} from './interaction-engine.ts';
export { turnMachine, type TurnContext, type TurnEvent } from './turn-machine.ts';
export { recallMessages } from './recall.ts';
