// The persona commands: read, list, validate, save (the L5 action persona.edit), activate
// (audited), create from another, import a character card, and the pack schema.
import { readFileSync } from 'node:fs';
import { AetherError, type ActivePersona, type Bus, type HandlersFor } from '../../bus/index.ts';
import { cardToPack, readCard, slug } from '../card.ts';
import type { LivePersona } from '../live.ts';
import type { PackLibrary } from '../packs.ts';
import { packJsonSchema } from '../schema.ts';

type Parts = {
  bus: Bus;
  packs: PackLibrary;
  live: LivePersona;
  settings: { set(key: string, value: unknown): void };
};

function readHandlers(
  p: Parts,
): Pick<
  HandlersFor<'persona'>,
  'persona.get_active' | 'persona.list' | 'persona.get_source' | 'persona.validate'
> {
  const { packs, live } = p;
  return {
    'persona.get_active': () => live.active(),
    'persona.list': () => {
      const keys = packs.trusted();
      const personas = packs.ids().map((id) => {
        const at = packs.locate(id)!;
        const r = packs.build(at, undefined, keys);
        return {
          id,
          source: at.source,
          active: id === live.active().id,
          error: r.ok ? null : r.error,
          displayName: r.ok ? r.persona.displayName : id,
          tagline: r.ok ? r.persona.tagline : '',
          signed: r.ok && r.persona.policy.signed,
          greeting: r.ok ? (r.persona.phrases.greetings[0] ?? null) : null,
          look: r.ok ? lookOf(r.persona.presence) : null,
        };
      });
      return { personas, pending: live.stagedId() };
    },
    'persona.get_source': (input) => {
      const at = packs.locate(input.id);
      if (!at) throw new AetherError('NotFound', `no persona '${input.id}'`);
      return { id: at.id, text: readFileSync(at.file, 'utf8'), file: at.file, source: at.source };
    },
    'persona.validate': (input) => {
      const r = packs.build(packs.locateOrNew(input.id), input.text);
      return { errors: r.ok ? [] : [r.error], warnings: r.warnings };
    },
  };
}

function editHandlers(p: Parts): Pick<HandlersFor<'persona'>, 'persona.save' | 'persona.activate'> {
  const { bus, packs, live, settings } = p;
  return {
    'persona.save': async (input, ctx) => {
      const outcome = await bus.invoke(
        'policy.perform',
        {
          capability: 'persona.edit',
          target: packs.userFile(input.id),
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
      const r = live.reload(input.id);
      return {
        status: 'done',
        explanation: outcome.explanation,
        errors: r && !r.ok ? [r.error] : [],
        warnings: r?.warnings ?? [],
      };
    },
    'persona.activate': (input, ctx) => {
      const at = packs.locate(input.id);
      if (!at) throw new AetherError('NotFound', `no persona '${input.id}'`);
      const r = packs.build(at);
      if (!r.ok)
        throw new AetherError(
          'PersonaInvalid',
          `${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`,
          { ...r.error },
        );
      settings.set('persona.active', input.id);
      ctx.note?.({ resource: input.id, details: { hash: r.persona.hash } });
      live.reload(input.id);
      return { id: input.id, pending: live.stagedId() === input.id };
    },
  };
}

function packHandlers(
  p: Parts,
): Pick<HandlersFor<'persona'>, 'persona.create' | 'persona.import_card' | 'persona.get_schema'> {
  const { bus, packs } = p;
  return {
    'persona.create': async (input, ctx) => {
      const from = packs.locate(input.from);
      if (!from) throw new AetherError('NotFound', `no persona '${input.from}'`);
      if (packs.locate(input.id))
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
    },
    'persona.import_card': async (input, ctx) => {
      const c = readCard(input.fileName, Buffer.from(input.dataBase64, 'base64'));
      let id = slug(c.data.name);
      for (let n = 2; packs.locate(id); n++) id = `${slug(c.data.name).slice(0, 44)}-${n}`;
      const { yaml, warnings } = cardToPack(c, id);
      const saved = await bus.invoke(
        'persona.save',
        { id, text: yaml },
        { changeId: ctx.changeId },
      );
      if (saved.status !== 'done') throw new AetherError('PolicyDenied', saved.explanation);
      return { id, warnings: [...warnings, ...saved.warnings] };
    },
    'persona.get_schema': () => ({ schema: packJsonSchema() }),
  };
}

const lookOf = ({
  faceColour,
  accentColour,
  shape,
  blinkPerMinute,
}: ActivePersona['presence']) => ({
  faceColour,
  accentColour,
  shape,
  blinkPerMinute,
});

export function personaHandlers(p: Parts): HandlersFor<'persona'> {
  return {
    ...readHandlers(p),
    ...editHandlers(p),
    ...packHandlers(p),
  };
}
