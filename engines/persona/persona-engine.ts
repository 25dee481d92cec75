// L6 persona, first slice: loads one bundled pack and serves it to the other engines.
import { DisposableSet, type ActivePersona, type Bus, type EngineHealth } from '../bus/index.ts';
import { loadPersona } from './load-persona.ts';

export type PersonaDeps = { bus: Bus; personasDir: string; personaId?: string };

// Used only when the pack cannot be read, so the companion can still say what went wrong.
const FALLBACK: ActivePersona = {
  id: 'fallback', displayName: 'Aether', tagline: '',
  systemPrompt: 'You are Aether, a helpful companion running on the user\'s computer. Be brief and honest.',
  routing: { preferredTier: null, temperature: null, maxOutputTokens: null, latencyBudgetMs: null },
};

export function createPersonaEngine(deps: PersonaDeps) {
  const disposables = new DisposableSet();
  let active: ActivePersona = FALLBACK;
  let health: EngineHealth = { state: 'starting' };

  return {
    start(): void {
      try {
        active = loadPersona(deps.personasDir, deps.personaId ?? 'default');
        health = { state: 'ok', detail: active.id };
      } catch (error) {
        health = { state: 'degraded', detail: (error as Error).message };
      }
      disposables.add(deps.bus.handle('persona.get_active', () => active));
      deps.bus.emit('persona.activated', { id: active.id, displayName: active.displayName, tagline: active.tagline }, { source: 'persona' });
    },
    dispose: () => disposables.dispose(),
    active: () => active,
    health: () => health,
  };
}

export type PersonaEngine = ReturnType<typeof createPersonaEngine>;
