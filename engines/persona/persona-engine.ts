// L6 persona: packs from the bundled and the user's folders, compiled on load and on every save,
// staged, and swapped in only at a safe boundary of the turn (idle, or the end of a reply). A pack
// that does not compile never replaces the one in use: the companion never runs half a persona.
// This file wires the parts: the pack library (packs.ts), the live persona (live.ts), the folder
// watcher, the commands (handlers/persona.ts) and L5's executor for persona.edit.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DisposableSet,
  type Bus,
  type Clock,
  type Engine,
  type Executors,
  type HandlersFor,
  type ToolExecutor,
} from '../bus/index.ts';
import { personaHandlers } from './handlers/persona.ts';
import { createLivePersona } from './live.ts';
import { createPackLibrary } from './packs.ts';
import { watchFolders } from './watch-folders.ts';

export type PersonaDeps = {
  bus: Bus;
  /** The bundled packs (read-only). */
  personasDir: string;
  /** The user's packs: saved edits, copies, imports. A user pack hides a bundled one of the same id. */
  userDir: string;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  personaId?: string;
  /** Times the settle delay of saves made outside the app. */
  clock: Clock;
  /** Watch the folders for saves made outside the app (default on). */
  watch?: boolean;
};

/** Writes a user pack atomically: never half a file on disk for the watcher to read. */
const saveExecutor: ToolExecutor<'persona.edit'> = async (req) => {
  mkdirSync(dirname(req.path!), { recursive: true });
  const partial = `${req.path}.${process.pid}.partial`;
  writeFileSync(partial, req.input ?? '', { mode: 0o600 });
  renameSync(partial, req.path!);
  return { summary: `saved ${req.path}`, output: req.path! };
};

export function createPersonaEngine(deps: PersonaDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  mkdirSync(deps.userDir, { recursive: true });
  const activeId = () => deps.settings.get<string>('persona.active') ?? deps.personaId ?? 'default';
  const packs = createPackLibrary(deps, deps.settings);
  const live = createLivePersona(bus, packs, activeId);
  const handlers = personaHandlers({
    bus,
    packs,
    live,
    settings: deps.settings,
  }) satisfies HandlersFor<'persona'>;

  const engine = {
    start(): void {
      disposables.add(bus.handleAll(handlers));
      // Swaps wait for the turn to come to rest.
      disposables.add(bus.on('turn.state_changed', (e) => live.turnMoved(e.payload.state)));
      live.first();
      if (deps.watch !== false)
        watchFolders([deps.personasDir, deps.userDir], disposables, deps.clock, {
          activeId,
          reload: live.reload,
          degrade: live.degrade,
        });
    },
    dispose: () => disposables.dispose(),
    active: () => live.active(),
    health: () => live.health(),
    executors: (): Executors => ({ 'persona.edit': saveExecutor }),
  } satisfies Engine & Record<string, unknown>;
  return engine;
}

export type PersonaEngine = ReturnType<typeof createPersonaEngine>;
