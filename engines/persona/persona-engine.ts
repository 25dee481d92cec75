// L6 persona: packs from the bundled and the user's folders, compiled on load and on every save,
// staged, and swapped in only at a safe boundary of the turn (idle, or the end of a reply). A pack
// that does not compile never replaces the one in use: the companion never runs half a persona.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { join } from 'node:path';
import {
  AetherError,
  DisposableSet,
  type ActivePersona,
  type Bus,
  type EngineHealth,
  type Executors,
  type ToolExecutor,
} from '../bus/index.ts';
import { cardToPack, readCard, slug } from './card.ts';
import { compile, type CompileResult } from './compile.ts';
import { packJsonSchema } from './schema.ts';
import { checkSignature, trustedKeysSchema, type TrustedKey } from './signature.ts';

export type PersonaDeps = {
  bus: Bus;
  /** The bundled packs (read-only). */
  personasDir: string;
  /** The user's packs: saved edits, copies, imports. A user pack hides a bundled one of the same id. */
  userDir: string;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  personaId?: string;
  now: () => number;
  /** Watch the folders for saves made outside the app (default on). */
  watch?: boolean;
};

// Used only when no pack can be read, so the companion can still say what went wrong.
const FALLBACK_YAML = `schema_version: 2
id: fallback
display_name: Aether
system_prompt: You are Aether, a helpful companion running on the user's computer. Be brief and honest.
`;

type Located = { id: string; folder: string; file: string; source: 'bundled' | 'user' };
const SAFE = new Set(['idle', 'error']);

export function createPersonaEngine(deps: PersonaDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  mkdirSync(deps.userDir, { recursive: true });
  let active = (
    compile({ file: 'fallback', text: FALLBACK_YAML, folderId: 'fallback' }) as Extract<
      CompileResult,
      { ok: true }
    >
  ).persona;
  let staged: ActivePersona | null = null;
  let turnState = 'idle';
  let health: EngineHealth = { state: 'starting' };

  const activeId = () => deps.settings.get<string>('persona.active') ?? deps.personaId ?? 'default';

  function trusted(): TrustedKey[] {
    const read = (file: string) => {
      try {
        return trustedKeysSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return [];
      }
    };
    return [
      ...read(join(deps.personasDir, 'trusted-keys.json')),
      ...read(join(deps.userDir, 'trusted-keys.json')),
    ];
  }

  function locate(id: string): Located | null {
    for (const [dir, source] of [
      [deps.userDir, 'user'],
      [deps.personasDir, 'bundled'],
    ] as const) {
      const file = join(dir, id, 'persona.yaml');
      if (existsSync(file)) return { id, folder: join(dir, id), file, source };
    }
    return null;
  }

  function ids(): string[] {
    const list = (dir: string) =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'persona.yaml')))
            .map((d) => d.name)
        : [];
    return [...new Set([...list(deps.personasDir), ...list(deps.userDir)])].sort();
  }

  /** `keys`: the trusted keys, read once by callers that compile many packs. */
  function build(
    at: Located,
    text = readFileSync(at.file, 'utf8'),
    keys = trusted(),
  ): CompileResult {
    const overrides = {
      onboarding: deps.settings.get<Record<string, unknown>>('persona.onboarding'),
      user: deps.settings.get<Record<string, unknown>>('persona.user_overrides'),
    };
    return compile({
      file: at.file,
      text,
      folderId: at.id,
      overrides,
      signature: checkSignature(at.folder, text, keys),
    });
  }

  const announce = (p: ActivePersona) =>
    bus.emit(
      'persona.activated',
      {
        id: p.id,
        displayName: p.displayName,
        tagline: p.tagline,
        policy: p.policy,
        presence: p.presence,
        memory: p.memory,
        hash: p.hash,
      },
      { source: 'persona' },
    );

  function swap(next: ActivePersona): void {
    staged = null;
    active = next;
    health = { state: 'ok', detail: next.id };
    announce(next);
  }

  /** Compiles a pack and stages it; it goes live now if the turn is at rest, else when it is. */
  function reload(id: string): CompileResult | null {
    const at = locate(id);
    if (!at) return null;
    const result = build(at);
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

  /** Writes a user pack atomically: never half a file on disk for the watcher to read. */
  const saveExecutor: ToolExecutor<'persona.edit'> = async (req) => {
    mkdirSync(join(req.path!, '..'), { recursive: true });
    const partial = `${req.path}.${process.pid}.partial`;
    writeFileSync(partial, req.input ?? '', { mode: 0o600 });
    renameSync(partial, req.path!);
    return { summary: `saved ${req.path}`, output: req.path! };
  };

  function watchFolders(): void {
    const timers = new Map<string, NodeJS.Timeout>();
    for (const dir of [deps.personasDir, deps.userDir]) {
      if (!existsSync(dir)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, { recursive: true }, (_event, name) => {
          const first = name?.toString().split(/[\\/]/)[0];
          // A change to the trusted keys may sign (or unsign) the persona in use: compile it again.
          const id = first === 'trusted-keys.json' ? activeId() : first;
          if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) return;
          // Editors save in bursts (truncate, write, rename): compile once it settles.
          clearTimeout(timers.get(id));
          timers.set(
            id,
            setTimeout(() => {
              timers.delete(id);
              reload(id);
            }, 40),
          );
        });
      } catch (error) {
        health = { state: 'degraded', detail: `cannot watch ${dir}: ${(error as Error).message}` };
        continue;
      }
      disposables.addFn(() => watcher.close());
    }
    disposables.addFn(() => {
      for (const t of timers.values()) clearTimeout(t);
    });
  }

  function registerCommands(): void {
    disposables.add(bus.handle('persona.get_active', () => active));
    disposables.add(
      bus.handle('persona.list', () => {
        const keys = trusted();
        return {
          personas: ids().map((id) => {
            const at = locate(id)!;
            const r = build(at, undefined, keys);
            return {
              id,
              source: at.source,
              active: id === active.id,
              error: r.ok ? null : r.error,
              displayName: r.ok ? r.persona.displayName : id,
              tagline: r.ok ? r.persona.tagline : '',
              signed: r.ok && r.persona.policy.signed,
            };
          }),
          pending: staged?.id ?? null,
        };
      }),
    );
    disposables.add(
      bus.handle('persona.get_source', (input) => {
        const at = locate(input.id);
        if (!at) throw new AetherError('NotFound', `no persona '${input.id}'`);
        return { id: at.id, text: readFileSync(at.file, 'utf8'), file: at.file, source: at.source };
      }),
    );
    disposables.add(
      bus.handle('persona.validate', (input) => {
        const at = locate(input.id) ?? {
          id: input.id,
          folder: join(deps.userDir, input.id),
          file: join(deps.userDir, input.id, 'persona.yaml'),
          source: 'user' as const,
        };
        const r = build(at, input.text);
        return { errors: r.ok ? [] : [r.error], warnings: r.warnings };
      }),
    );
    disposables.add(
      bus.handle('persona.save', async (input, ctx) => {
        const file = join(deps.userDir, input.id, 'persona.yaml');
        const outcome = await bus.invoke(
          'policy.perform',
          {
            capability: 'persona.edit',
            target: file,
            input: input.text,
            actor: 'user',
            why: 'you saved this persona in the editor',
            confirmedByUser: true,
          },
          { changeId: ctx.changeId },
        );
        if (outcome.status !== 'done')
          return {
            status: outcome.status,
            explanation: outcome.explanation,
            errors: [],
            warnings: [],
          };
        const r = reload(input.id);
        return {
          status: 'done',
          explanation: outcome.explanation,
          errors: r && !r.ok ? [r.error] : [],
          warnings: r?.warnings ?? [],
        };
      }),
    );
    disposables.add(
      bus.handle('persona.activate', (input, ctx) => {
        const at = locate(input.id);
        if (!at) throw new AetherError('NotFound', `no persona '${input.id}'`);
        const r = build(at);
        if (!r.ok)
          throw new AetherError(
            'PersonaInvalid',
            `${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`,
            { ...r.error },
          );
        deps.settings.set('persona.active', input.id);
        ctx.note?.({ resource: input.id, details: { hash: r.persona.hash } });
        reload(input.id);
        return { id: input.id, pending: staged?.id === input.id };
      }),
    );
    disposables.add(
      bus.handle('persona.create', async (input, ctx) => {
        const from = locate(input.from);
        if (!from) throw new AetherError('NotFound', `no persona '${input.from}'`);
        if (locate(input.id))
          throw new AetherError('BadRequest', `a persona '${input.id}' already exists`);
        const text = readFileSync(from.file, 'utf8')
          .replace(/^id:.*$/m, `id: ${input.id}`)
          .replace(/^display_name:.*$/m, `display_name: ${JSON.stringify(input.displayName)}`);
        const saved = await bus.invoke(
          'persona.save',
          { id: input.id, text },
          { changeId: ctx.changeId },
        );
        if (saved.status !== 'done') throw new AetherError('PolicyDenied', saved.explanation);
        return { id: input.id };
      }),
    );
    disposables.add(
      bus.handle('persona.import_card', async (input, ctx) => {
        const c = readCard(input.fileName, Buffer.from(input.dataBase64, 'base64'));
        let id = slug(c.data.name);
        for (let n = 2; locate(id); n++) id = `${slug(c.data.name).slice(0, 44)}-${n}`;
        const { yaml, warnings } = cardToPack(c, id);
        const saved = await bus.invoke(
          'persona.save',
          { id, text: yaml },
          { changeId: ctx.changeId },
        );
        if (saved.status !== 'done') throw new AetherError('PolicyDenied', saved.explanation);
        return { id, warnings: [...warnings, ...saved.warnings] };
      }),
    );
    disposables.add(bus.handle('persona.get_schema', () => ({ schema: packJsonSchema() })));
  }

  return {
    start(): void {
      registerCommands();
      // Swaps wait for the turn to come to rest.
      disposables.add(
        bus.on('turn.state_changed', (e) => {
          turnState = e.payload.state;
          if (staged && SAFE.has(turnState)) swap(staged);
        }),
      );
      const wanted = activeId();
      const compiled = (id: string) => {
        const at = locate(id);
        return at ? build(at) : null;
      };
      const first = compiled(wanted);
      const chosen = first?.ok ? first : compiled('default');
      if (chosen?.ok) swap(chosen.persona);
      else announce(active);
      if (first && !first.ok) {
        health = {
          state: 'degraded',
          detail: `${first.error.file}:${first.error.line}:${first.error.column}: ${first.error.message}`,
        };
      } else if (!first) {
        health = { state: 'degraded', detail: `persona '${wanted}' not found` };
      }
      if (deps.watch !== false) watchFolders();
    },
    dispose: () => disposables.dispose(),
    active: () => active,
    health: () => health,
    executors: (): Executors => ({ 'persona.edit': saveExecutor }),
  };
}

export type PersonaEngine = ReturnType<typeof createPersonaEngine>;
