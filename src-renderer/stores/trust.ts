// L7's views as the host computes them: the trust center (can / ask / never, posture, grants,
// suggestions, activity) and the first run's checklist. The host decides; every fix offered here
// is an L5 command.
import type {
  ActivityEntry,
  CommandInput,
  CommandOutput,
  Onboarding,
  OnboardingStep,
  Suggestion,
  TrustView,
} from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, coalesce, type Slice } from './bound.ts';

export type Hardware = CommandOutput<'trust.get_hardware'>;
export type Panel = 'trust' | 'settings' | null;
export type ActivityFilter = { window: '24h' | '7d'; capability: string; outcome: string };

export type TrustState = {
  view: TrustView | null;
  activity: ActivityEntry[];
  filter: ActivityFilter;
  onboarding: Onboarding | null;
  hardware: Hardware | null;
  panel: Panel;
  notice: string | null;
  reload(): Promise<void>;
  refresh(): Promise<void>;
  loadActivity(filter?: Partial<ActivityFilter>): Promise<void>;
  loadHardware(): Promise<void>;
  open(panel: Panel): void;
  fix(suggestion: Suggestion): Promise<void>;
  /** Undo the file change of this outcome row (an approval card asks first). */
  undo(auditSeq: number): Promise<void>;
  step(step: OnboardingStep, outcome: 'done' | 'skipped', choice?: string): Promise<void>;
  skipAll(): Promise<void>;
  replay(): Promise<void>;
};

const views: Slice<
  TrustState,
  'view' | 'activity' | 'filter' | 'refresh' | 'loadActivity' | 'fix' | 'notice' | 'undo'
> = (client, set, get) => ({
  view: null,
  activity: [],
  filter: { window: '24h', capability: '', outcome: '' },
  notice: null,
  async refresh() {
    set({ view: await client.invoke('trust.get_view', {}) });
  },
  async loadActivity(change = {}) {
    const filter = { ...get().filter, ...change };
    set({ filter });
    const { entries } = await client.invoke('trust.list_activity', {
      window: filter.window,
      capability: filter.capability || undefined,
      outcome: (filter.outcome || undefined) as ActivityEntry['outcome'] | undefined,
    });
    set({ activity: entries });
  },
  async undo(auditSeq) {
    try {
      const o = await client.invoke('policy.undo', { auditSeq });
      set({ notice: o.status === 'done' ? null : (o.error?.message ?? o.explanation) });
    } catch (e) {
      set({ notice: say(e) });
    }
    await get().loadActivity();
  },
  async fix(suggestion) {
    try {
      for (const id of suggestion.fix.ids) await client.invoke('policy.revoke_grant', { id });
      set({ notice: null });
    } catch (e) {
      set({ notice: say(e) });
    }
    await get().refresh();
  },
});

const firstRun: Slice<
  TrustState,
  'onboarding' | 'hardware' | 'loadHardware' | 'step' | 'skipAll' | 'replay'
> = (client, set) => {
  const change = async (input: CommandInput<'trust.set_onboarding'>) => {
    try {
      const onboarding = await client.invoke('trust.set_onboarding', input);
      set({ onboarding });
    } catch (e) {
      set({ notice: say(e) });
    }
  };
  return {
    onboarding: null,
    hardware: null,
    async loadHardware() {
      set({ hardware: await client.invoke('trust.get_hardware', {}) });
    },
    step: (step, outcome, choice) => change({ op: 'step', step, outcome, choice }),
    skipAll: () => change({ op: 'skip_all' }),
    replay: () => change({ op: 'replay' }),
  };
};

export function createTrustStore(client: AetherClient) {
  return boundStore<TrustState>(
    (set, get) => ({
      ...views(client, set, get),
      ...firstRun(client, set, get),
      panel: null,
      open(panel) {
        set({ panel });
        if (panel === 'trust') void get().loadActivity();
      },
      async reload() {
        const [onboarding] = await Promise.all([
          client.invoke('trust.get_onboarding', {}),
          get().refresh(),
        ]);
        set({ onboarding });
      },
    }),
    (get, set) => {
      // Grants, decisions and health change the views: one refresh per burst of events.
      const again = coalesce(150, () => {
        void get().refresh();
        if (get().panel === 'trust') void get().loadActivity();
      });
      return [
        client.on('trust.onboarding_changed', (e) => set({ onboarding: e.payload.onboarding })),
        client.on('policy.grants_changed', again.schedule),
        client.on('policy.audit_appended', again.schedule),
        client.on('policy.health_changed', again.schedule),
        client.on('router.status_changed', again.schedule),
        again.cancel,
      ];
    },
  );
}
