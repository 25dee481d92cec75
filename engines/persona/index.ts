export { createPersonaEngine, type PersonaEngine, type PersonaDeps } from './persona-engine.ts';
export { loadPersona } from './load-persona.ts';
export {
  compile,
  canonical,
  migrate,
  LIMITS as COMPILE_LIMITS,
  type CompileInput,
  type CompileResult,
} from './compile.ts';
export { packJsonSchema, packSchema, SCHEMA_VERSION } from './schema.ts';
export { signPack, checkSignature, packBytes } from './signature.ts';
export { cardToPack, readCard, pngText } from './card.ts';
