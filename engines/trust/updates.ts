// The desktop's updates as settings show them: check automatically or not, the channel (kept in
// settings, where the desktop reads them), and where the updater is (reported by the desktop,
// held in memory). L7 decides nothing here: the check itself is L5's `app.update`.
import type { UpdateView } from '../bus/index.ts';
import type { Settings } from './onboarding.ts';

type UpdateState = NonNullable<UpdateView['state']>;

export function updatesOf(settings: Settings) {
  let state: UpdateState | null = null;
  const view = (): UpdateView => ({
    available: state !== null,
    auto: settings.get<boolean>('update.auto') ?? true,
    channel: settings.get<UpdateView['channel']>('update.channel') ?? 'stable',
    state,
  });
  return {
    view,
    set(input: { auto?: boolean; channel?: UpdateView['channel'] }): UpdateView {
      if (input.auto !== undefined) settings.set('update.auto', input.auto);
      if (input.channel !== undefined) settings.set('update.channel', input.channel);
      return view();
    },
    report(next: UpdateState): UpdateView {
      state = next;
      return view();
    },
  };
}
