// Updates in the desktop app: electron-updater's autoUpdater behind the signed-feed and channel
// checks of update-service.ts; each check an `app.update` action through L5 (gated.ts), at start
// and every six hours unless turned off (settings `update.auto`, `update.channel`); "update
// ready — restart when you like" said by a notification, the tray's menu and settings (L7's
// `trust.report_update`). The restart waits for what busy.ts says is under way.
import { Notification } from 'electron';
import electronUpdater from 'electron-updater';
import type { Host, Logger } from '../engines/host/index.ts';
import { watchBusy } from './busy.ts';
import { gatedCheck } from './update/gated.ts';
import {
  createUpdateService,
  type UpdateChannel,
  type UpdateState,
} from './update/update-service.ts';

const EVERY_MS = 6 * 3600_000;

/** Starts updates for a host that is up; `ready` hears a version once it can be restarted into. */
export function startDesktopUpdates(
  host: Host,
  log: Logger,
  publicKey: string,
  ready: (version: string) => void,
) {
  const { settings } = host.storage;
  const report = (s: UpdateState) => void host.bus.invoke('trust.report_update', s).catch(() => {});
  const busy = watchBusy(host, () => service.idle());
  const service = createUpdateService({
    updater: electronUpdater.autoUpdater,
    publicKey,
    settings: {
      auto: settings.get<boolean>('update.auto') ?? true,
      channel: settings.get<UpdateChannel>('update.channel') ?? 'stable',
    },
    busy: () => busy.busy(),
    onState: (s) => {
      report(s);
      if (s.state !== 'ready' || s.waitingFor) return;
      log.info('update.ready', { version: s.version });
      ready(s.version);
      new Notification({
        title: `Aether ${s.version} is ready`,
        body: 'Restart when you like (from the tray); it is also installed when you quit.',
      }).show();
    },
  });
  report(service.state());
  // Settings send the user's choices and "restart now" back as L7's events.
  const subs = [
    host.bus.on('trust.updates_changed', ({ payload: p }) =>
      service.setSettings({ auto: p.auto, channel: p.channel }),
    ),
    host.bus.on('trust.update_restart_requested', () => void service.restart()),
  ];
  const stop = service.schedule(EVERY_MS, gatedCheck(host));
  return {
    service,
    stop() {
      stop();
      busy.dispose();
      subs.forEach((s) => s.dispose());
    },
  };
}
