// The persona in use: a compiled pack is staged and goes live only at a safe boundary of the turn
// (idle, or the end of a reply). A pack that does not compile never replaces the one in use.
import type { ActivePersona, Bus, EngineHealth } from '../bus/index.ts';
import { compile, type CompileResult } from './compile.ts';
import type { PackLibrary } from './packs.ts';

// Used only when no pack can be read, so the companion can still say what went wrong.
const FALLBACK_YAML = `schema_version: 2
id: fallback
display_name: Aether
system_prompt: You are Aether, a helpful companion running on the user's computer. Be brief and honest.
`;

const SAFE = new Set(['idle', 'error']);

type Live = {
  bus: Bus;
  packs: PackLibrary;
  activeId: () => string;
  active: ActivePersona;
  staged: ActivePersona | null;
  turnState: string;
  health: EngineHealth;
};

const fallback = () =>
  (
    compile({ file: 'fallback', text: FALLBACK_YAML, folderId: 'fallback' }) as Extract<
      CompileResult,
      { ok: true }
    >
  ).persona;

function announce(l: Live, p: ActivePersona): void {
  const { id, displayName, tagline, policy, presence, memory, hash } = p;
  const payload = { id, displayName, tagline, policy, presence, memory, hash };
  l.bus.emit('persona.activated', payload, { source: 'persona' });
}

function swap(l: Live, next: ActivePersona): void {
  l.staged = null;
  l.active = next;
  l.health = { state: 'ok', detail: next.id };
  announce(l, next);
}

/** Compiles a pack and stages it; it goes live now if the turn is at rest, else when it is. */
function reload(l: Live, id: string): CompileResult | null {
  const at = l.packs.locate(id);
  if (!at) return null;
  const result = l.packs.build(at);
  if (!result.ok) {
    l.bus.emit('persona.failed', { id, error: result.error }, { source: 'persona' });
    return result;
  }
  if (id !== l.activeId()) return result;
  if (result.persona.hash === l.active.hash) {
    l.staged = null;
    return result;
  }
  l.staged = result.persona;
  if (SAFE.has(l.turnState)) swap(l, result.persona);
  else l.bus.emit('persona.staged', { id }, { source: 'persona' });
  return result;
}

/** At start: the chosen persona, else the default, else the fallback — saying why. */
function first(l: Live): void {
  const wanted = l.activeId();
  const compiled = (id: string) => {
    const at = l.packs.locate(id);
    return at ? l.packs.build(at) : null;
  };
  const chosen = compiled(wanted);
  const used = chosen?.ok ? chosen : compiled('default');
  if (used?.ok) swap(l, used.persona);
  else announce(l, l.active);
  if (chosen && !chosen.ok) {
    const e = chosen.error;
    l.health = { state: 'degraded', detail: `${e.file}:${e.line}:${e.column}: ${e.message}` };
  } else if (!chosen) {
    l.health = { state: 'degraded', detail: `persona '${wanted}' not found` };
  }
}

export function createLivePersona(bus: Bus, packs: PackLibrary, activeId: () => string) {
  const l: Live = {
    bus,
    packs,
    activeId,
    active: fallback(),
    staged: null,
    turnState: 'idle',
    health: { state: 'starting' },
  };
  return {
    reload: (id: string) => reload(l, id),
    /** The turn moved: a staged persona goes live once it is at rest. */
    turnMoved(state: string): void {
      l.turnState = state;
      if (l.staged && SAFE.has(l.turnState)) swap(l, l.staged);
    },
    first: () => first(l),
    active: () => l.active,
    stagedId: () => l.staged?.id ?? null,
    health: () => l.health,
    degrade: (detail: string) => {
      l.health = { state: 'degraded', detail };
    },
  };
}

export type LivePersona = ReturnType<typeof createLivePersona>;
