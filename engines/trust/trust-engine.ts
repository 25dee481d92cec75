// L7 trust: computes, from the other engines over the bus, the views the trust center and the
// first run render. It decides nothing: every change it offers is an L5 command the UI sends.
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  DisposableSet,
  type Bus,
  type Clock,
  type EngineHealth,
  type HandlersFor,
} from '../bus/index.ts';
import { activityOf } from './activity.ts';
import { columnsOf } from './columns.ts';
import { detectHardware } from './hardware.ts';
import { watchNetwork } from './network.ts';
import { onboardingStore, type Settings } from './onboarding.ts';
import { postureOf } from './posture.ts';
import { memoryFit, memoryNeeded, recommend } from './recommend.ts';
import { reviewOf } from './review.ts';
import { updatesOf } from './updates.ts';

export type TrustDeps = {
  bus: Bus;
  clock: Clock;
  settings: Settings;
  dataDir: string;
  /** Where ~ is, for paths said the way the user knows them. */
  home?: string;
};

const WINDOW = { '24h': 86_400_000, '7d': 7 * 86_400_000 };

async function spendingOf(bus: Bus, provider: string | null) {
  if (!provider) return [];
  const c = await bus.invoke('policy.get_costs', { provider });
  return [
    {
      provider,
      daily: { ...c.daily, capCents: c.caps?.dailyCents ?? null },
      monthly: { ...c.monthly, capCents: c.caps?.monthlyCents ?? null },
      tripped: (c.caps?.trippedAt ?? null) !== null,
    },
  ];
}

function viewHandler(
  deps: TrustDeps,
  home: string,
  reachable: () => boolean,
): HandlersFor<'trust'>['trust.get_view'] {
  const { bus } = deps;
  return async (input) => {
    const [modes, { grants }, state, router, remote, memory] = await Promise.all([
      bus.invoke('policy.get_modes', { preset: input.preset }),
      bus.invoke('policy.list_grants', {}),
      bus.invoke('policy.get_state', {}),
      bus.invoke('router.get_status', {}),
      bus.invoke('router.get_remote', {}),
      bus.invoke('memory.get_settings', {}),
    ]);
    const now = deps.clock.now();
    const columns = columnsOf(modes, grants, { now, home });
    const posture = postureOf({
      modes,
      auditProblem: state.auditProblem,
      model: { state: router.state, error: router.error?.message ?? null },
      remoteConfigured: remote.enabled && remote.baseUrl !== null,
      memoryOn: memory.keeping !== 'off',
      online: remote.breaker !== 'open' && reachable(),
    });
    return {
      ...columns,
      posture,
      grants,
      suggestions: reviewOf(grants, { now, home }),
      spending: await spendingOf(bus, remote.provider),
      audit: {
        healthy: state.auditHealthy,
        problem: state.auditProblem,
        head: state.head,
        checkpointSeq: state.checkpointSeq,
        lastVerify: state.lastVerify,
        keyFingerprint: state.keyFingerprint,
      },
      modes,
    };
  };
}

function activityHandler(
  deps: TrustDeps,
  home: string,
): HandlersFor<'trust'>['trust.list_activity'] {
  const { bus } = deps;
  return async (input) => {
    const now = deps.clock.now();
    const filter = {
      sinceAt: now - WINDOW[input.window],
      limit: 500,
      capability: input.capability,
    };
    const [decisions, outcomes, { grants }, { preset }] = await Promise.all([
      bus.invoke('policy.list_audit', { ...filter, kind: 'policy.decision' }),
      bus.invoke('policy.list_audit', { ...filter, kind: 'policy.outcome' }),
      bus.invoke('policy.list_grants', { includeRevoked: true, usage: false }),
      // Only the preset's name: the state, not every capability's mode.
      bus.invoke('policy.get_state', {}),
    ]);
    const entries = activityOf([...decisions.rows, ...outcomes.rows], {
      grants: new Map(grants.map((g) => [g.id, g])),
      preset,
      home,
      now,
    });
    return {
      entries: input.outcome ? entries.filter((e) => e.outcome === input.outcome) : entries,
    };
  };
}

function hardwareHandler(deps: TrustDeps): HandlersFor<'trust'>['trust.get_hardware'] {
  return async () => {
    const { catalog, installed } = await deps.bus.invoke('models.list', {});
    let hardware = null;
    let problem: string | null = null;
    try {
      hardware = detectHardware(join(deps.dataDir, 'models'));
    } catch (error) {
      problem = `could not read this computer: ${(error as Error).message}`;
    }
    const r = recommend(hardware, catalog);
    const option = (o: (typeof r.chat)[number] | null) =>
      o && {
        id: o.entry.id,
        name: o.entry.name,
        sizeBytes: o.entry.sizeBytes,
        needBytes: o.needBytes,
        fit: o.fit,
      };
    return {
      hardware,
      problem,
      recommendation: {
        pick: option(r.pick),
        smaller: option(r.smaller),
        larger: option(r.larger),
        embedding: option(r.embedding),
        chat: r.chat.map((o) => option(o)!),
        sentence: r.sentence,
      },
      installed: installed
        .filter((m) => m.purpose === 'chat')
        .map((m) => ({
          id: m.id,
          name: m.name,
          sizeBytes: m.sizeBytes,
          needBytes: memoryNeeded(m),
          fit: memoryFit(m, hardware),
        })),
    };
  };
}

type UpdateCommands =
  'trust.get_updates' | 'trust.set_updates' | 'trust.restart_to_update' | 'trust.report_update';

/** Update settings and state; a change is said to the page and to the desktop's updater. */
function updateHandlers(
  bus: Bus,
  updates: ReturnType<typeof updatesOf>,
): Pick<HandlersFor<'trust'>, UpdateCommands> {
  const said = (view: ReturnType<typeof updates.view>, changeId?: string) => {
    bus.emit('trust.updates_changed', view, { source: 'trust', changeId });
    return view;
  };
  return {
    'trust.get_updates': () => updates.view(),
    'trust.set_updates': (input, ctx) => said(updates.set(input), ctx.changeId),
    'trust.restart_to_update': (_input, ctx) => {
      const ready = updates.view().state?.state === 'ready';
      if (ready)
        bus.emit('trust.update_restart_requested', {}, { source: 'trust', changeId: ctx.changeId });
      return { requested: ready };
    },
    'trust.report_update': (state) => {
      said(updates.report(state));
      return { ok: true as const };
    },
  };
}

export function createTrustEngine(deps: TrustDeps) {
  const own = new DisposableSet();
  const home = deps.home ?? homedir();
  const onboarding = onboardingStore(deps.settings);
  const updates = updatesOf(deps.settings);
  let state: EngineHealth['state'] = 'starting';
  return {
    /** Marks the first run done for a host started for scripts (`--skip-first-run`). */
    skipFirstRun() {
      if (!onboarding.started()) onboarding.change({ op: 'skip_all' });
    },
    start() {
      const handlers: Omit<HandlersFor<'trust'>, UpdateCommands> = {
        'trust.get_view': viewHandler(deps, home, watchNetwork(deps.bus, own)),
        'trust.list_activity': activityHandler(deps, home),
        'trust.get_hardware': hardwareHandler(deps),
        'trust.get_onboarding': () => onboarding.view(),
        'trust.set_onboarding': (input, ctx) => {
          ctx.note?.({
            resource: input.op === 'step' ? input.step : input.op,
            details: { ...input },
          });
          const view = onboarding.change(input);
          deps.bus.emit(
            'trust.onboarding_changed',
            { onboarding: view },
            { source: 'trust', changeId: ctx.changeId },
          );
          return view;
        },
      };
      own.add(deps.bus.handleAll({ ...handlers, ...updateHandlers(deps.bus, updates) }));
      state = 'ok';
    },
    health: (): EngineHealth => ({ state }),
    dispose() {
      own.dispose();
      state = 'stopped';
    },
  };
}

export type TrustEngine = ReturnType<typeof createTrustEngine>;
