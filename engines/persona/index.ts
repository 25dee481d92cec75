export { createPersonaEngine, type PersonaEngine, type PersonaDeps } from './persona-engine.ts';
export { loadPersona } from './load-persona.ts';
