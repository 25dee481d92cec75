// The user's hold on what is kept: list, why, edit, confirm, reject, forget. The changes are
// audited commands: the bus writes each one's row in the same transaction (decision 0011).
import { AetherError, type HandlersFor } from '../../bus/index.ts';
import type { MemoryCore } from '../memory-core.ts';
import { toStored } from '../store.ts';

type Items = Pick<
  HandlersFor<'memory'>,
  | 'memory.list'
  | 'memory.why'
  | 'memory.edit'
  | 'memory.confirm'
  | 'memory.reject'
  | 'memory.forget'
  | 'memory.forget_about'
>;

function reviewHandlers(
  core: MemoryCore,
): Pick<
  HandlersFor<'memory'>,
  'memory.list' | 'memory.why' | 'memory.edit' | 'memory.confirm' | 'memory.reject'
> {
  const { store, queries, deps, changed } = core;
  return {
    'memory.list': (input) => ({ items: queries.list(input) }),
    'memory.why': (input) => {
      const item = core.require(input.id);
      const provenance = queries.provenance(item.id);
      const turnIds = provenance.filter((p) => p.source === 'turn').map((p) => p.ref);
      const conversationIds = [
        ...new Set(provenance.filter((p) => p.source === 'conversation').map((p) => p.ref)),
      ];
      // A session memory comes from its whole conversation: its latest turns are shown.
      const sources =
        turnIds.length || conversationIds.length ? queries.sources(turnIds, conversationIds) : [];
      const { rowid: _r, ...shown } = item;
      return { item: shown, provenance, sources, versions: queries.versions(item.id) };
    },
    'memory.edit': (input, ctx) => {
      const item = core.require(input.id);
      const version = store.keepVersion(item.id, item.content, deps.clock.now());
      queries.setContent(item.id, input.content, deps.clock.now());
      if (item.status === 'active') store.index(item.rowid, input.content);
      ctx.note?.({ resource: item.id, details: { version } });
      changed('edited', item.id);
      return { item: core.plain(item.id) };
    },
    'memory.confirm': async (input, ctx) => {
      const item = core.require(input.id);
      if (item.status !== 'proposed')
        throw new AetherError('BadRequest', 'only proposed memories need confirming');
      const outcome = await deps.bus.invoke(
        'policy.perform',
        {
          capability: 'memory.write_durable',
          target: item.content.slice(0, 500),
          input: { confirmId: item.id },
          actor: 'user',
          why: 'you confirmed this in the Memory tab',
          confirmedByUser: true,
        },
        { changeId: ctx.changeId },
      );
      if (outcome.status !== 'done') throw new AetherError('PolicyDenied', outcome.explanation);
      return { item: core.plain(item.id) };
    },
    'memory.reject': (input, ctx) => {
      const item = core.require(input.id);
      queries.setStatus(item.id, 'rejected', deps.clock.now());
      ctx.note?.({ resource: item.id });
      changed('rejected', item.id);
      return { item: core.plain(item.id) };
    },
  };
}

function forgetHandlers(
  core: MemoryCore,
): Pick<HandlersFor<'memory'>, 'memory.forget' | 'memory.forget_about'> {
  const { queries, deps, changed } = core;
  return {
    'memory.forget': (input, ctx) => {
      const item = core.require(input.id);
      if (item.status === 'forgotten') return { forgotten: false };
      // Forgetting a fact also forgets the words that taught it, or it would be recalled from them.
      const taught = item.kind === 'turn' ? [] : queries.taught(item.id);
      core.forgetAll([item, ...taught.map(toStored)], deps.clock.now());
      ctx.note?.({
        resource: item.id,
        details: { kind: item.kind, purgeAfter: deps.clock.now() + core.graceMs },
      });
      changed('forgotten', item.id);
      return { forgotten: true };
    },
    'memory.forget_about': (input, ctx) => {
      const terms = input.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      if (!terms.length) return { forgotten: 0 };
      const proposed = queries
        .proposed()
        .filter((p) => terms.every((t) => p.content.toLowerCase().includes(t)));
      const all = [...queries.matching(terms), ...proposed];
      core.forgetAll(all.map(toStored), deps.clock.now());
      ctx.note?.({ resource: `about: ${input.text}`, details: { count: all.length } });
      changed('forgotten', null);
      return { forgotten: all.length };
    },
  };
}

export function itemHandlers(core: MemoryCore): Items {
  return {
    ...reviewHandlers(core),
    ...forgetHandlers(core),
  };
}
