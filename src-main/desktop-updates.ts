// Updates in the desktop app: electron-updater's autoUpdater behind the signed-feed and channel
// checks of update-service.ts; each check an `app.update` action through L5 (gated.ts), at start
// and every six hours unless turned off (settings `update.auto`, `update.channel`); "update
// ready — restart when you like" said by a notification and the tray's menu. The restart waits
// for what busy.ts says is under way.
import { Notification } from 'electron';
import electronUpdater from 'electron-updater';
import type { Host, Logger } from '../engines/host/index.ts';
import { watchBusy } from './busy.ts';
import { RELEASE_PUBLIC_KEY } from './update/feed-signature.ts';
import { gatedCheck } from './update/gated.ts';
import {
  createUpdateService,
  type UpdateChannel,
  type UpdateService,
  type UpdateState,
} from './update/update-service.ts';

const EVERY_MS = 6 * 3600_000;

/** The service behind L5's `app.update` executor, made before the host it serves. */
export function createDesktopUpdates(settings: { get<T>(key: string): T | undefined }) {
  let onReady: (version: string) => void = () => {};
  let report: (s: UpdateState) => void = () => {};
  let busy: () => string | null = () => null;
  const service: UpdateService = createUpdateService({
    updater: electronUpdater.autoUpdater,
    publicKey: RELEASE_PUBLIC_KEY,
    settings: {
      auto: settings.get<boolean>('update.auto') ?? true,
      channel: settings.get<UpdateChannel>('update.channel') ?? 'stable',
    },
    busy: () => busy(),
    onState: (s) => {
      report(s);
      if (s.state !== 'ready' || s.waitingFor) return;
      onReady(s.version);
      new Notification({
        title: `Aether ${s.version} is ready`,
        body: 'Restart when you like (from the tray); it is also installed when you quit.',
      }).show();
    },
  });
  return {
    service,
    /** Starts the schedule once the host is up. */
    start(host: Host, log: Logger, ready: (version: string) => void) {
      const watch = watchBusy(host, () => service.idle());
      busy = () => watch.busy();
      onReady = (version) => {
        log.info('update.ready', { version });
        ready(version);
      };
      // Settings show the state and send the user's choices and "restart now" back as events.
      report = (s) => void host.bus.invoke('trust.report_update', s).catch(() => {});
      report(service.state());
      const subs = [
        host.bus.on('trust.updates_changed', ({ payload: p }) =>
          service.setSettings({ auto: p.auto, channel: p.channel }),
        ),
        host.bus.on('trust.update_restart_requested', () => void service.restart()),
      ];
      const stop = service.schedule(EVERY_MS, gatedCheck(host));
      return () => {
        stop();
        watch.dispose();
        subs.forEach((s) => s.dispose());
      };
    },
  };
}
