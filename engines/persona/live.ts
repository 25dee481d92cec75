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

export function createLivePersona(bus: Bus, packs: PackLibrary, activeId: () => string) {
  let active = (
    compile({ file: 'fallback', text: FALLBACK_YAML, folderId: 'fallback' }) as Extract<
      CompileResult,
      { ok: true }
    >
  ).persona;
  let staged: ActivePersona | null = null;
  let turnState = 'idle';
  let health: EngineHealth = { state: 'starting' };

  const announce = (p: ActivePersona) => {
    const { id, displayName, tagline, policy, presence, memory, hash } = p;
    bus.emit(
      'persona.activated',
      { id, displayName, tagline, policy, presence, memory, hash },
      { source: 'persona' },
    );
  };

  function swap(next: ActivePersona): void {
    staged = null;
    active = next;
    health = { state: 'ok', detail: next.id };
    announce(next);
  }

  /** Compiles a pack and stages it; it goes live now if the turn is at rest, else when it is. */
  function reload(id: string): CompileResult | null {
    const at = packs.locate(id);
    if (!at) return null;
    const result = packs.build(at);
    if (!result.ok) {
      bus.emit('persona.failed', { id, error: result.error }, { source: 'persona' });
      return result;
    }
    if (id !== activeId()) return result;
    if (result.persona.hash === active.hash) {
      staged = null;
      return result;
    }
    staged = result.persona;
    if (SAFE.has(turnState)) swap(result.persona);
    else bus.emit('persona.staged', { id }, { source: 'persona' });
    return result;
  }

  /** The turn moved: a staged persona goes live once it is at rest. */
  function turnMoved(state: string): void {
    turnState = state;
    if (staged && SAFE.has(turnState)) swap(staged);
  }

  /** At start: the chosen persona, else the default, else the fallback — saying why. */
  function first(): void {
    const wanted = activeId();
    const compiled = (id: string) => {
      const at = packs.locate(id);
      return at ? packs.build(at) : null;
    };
    const chosen = compiled(wanted);
    const used = chosen?.ok ? chosen : compiled('default');
    if (used?.ok) swap(used.persona);
    else announce(active);
    if (chosen && !chosen.ok) {
      const e = chosen.error;
      health = { state: 'degraded', detail: `${e.file}:${e.line}:${e.column}: ${e.message}` };
    } else if (!chosen) {
      health = { state: 'degraded', detail: `persona '${wanted}' not found` };
    }
  }

  return {
    reload,
    turnMoved,
    first,
    active: () => active,
    stagedId: () => staged?.id ?? null,
    health: () => health,
    degrade: (detail: string) => {
      health = { state: 'degraded', detail };
    },
  };
}

export type LivePersona = ReturnType<typeof createLivePersona>;
