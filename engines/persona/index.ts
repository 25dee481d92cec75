export { createPersonaEngine, type PersonaEngine, type PersonaDeps } from './persona-engine.ts';
export { loadPersona } from './load-persona.ts';
export { compile, canonical, migrate, type CompileInput, type CompileResult } from './compile.ts';
export { packJsonSchema, SCHEMA_VERSION } from './schema.ts';
export { signPack, checkSignature, packBytes } from './signature.ts';
export { cardToPack, readCard, pngText } from './card.ts';
