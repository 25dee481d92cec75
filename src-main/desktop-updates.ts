// Updates in the desktop app: electron-updater's autoUpdater behind the signed-feed and channel
// checks of update-service.ts, a check at start and every six hours (unless turned off in
// settings: `update.auto`, `update.channel`), and "update ready — restart when you like" said
// by a notification and the tray's menu. The restart waits for what busy.ts says is under way.
import { Notification } from 'electron';
import electronUpdater from 'electron-updater';
import type { Host, Logger } from '../engines/host/index.ts';
import { watchBusy } from './busy.ts';
import { RELEASE_PUBLIC_KEY } from './update/feed-signature.ts';
import { createUpdateService, type UpdateChannel } from './update/update-service.ts';

const EVERY_MS = 6 * 3600_000;

export function startUpdates(host: Host, log: Logger, onReady: (version: string) => void) {
  const { settings } = host.storage;
  const busy = watchBusy(host, () => service.idle());
  const service = createUpdateService({
    updater: electronUpdater.autoUpdater,
    publicKey: RELEASE_PUBLIC_KEY,
    settings: {
      auto: settings.get<boolean>('update.auto') ?? true,
      channel: settings.get<UpdateChannel>('update.channel') ?? 'stable',
    },
    busy: () => busy.busy(),
    onState: (s) => {
      log.info('update.state', { ...s });
      if (s.state !== 'ready' || s.waitingFor) return;
      onReady(s.version);
      new Notification({
        title: `Aether ${s.version} is ready`,
        body: 'Restart when you like (from the tray); it is also installed when you quit.',
      }).show();
    },
  });
  const stop = service.schedule(EVERY_MS);
  return {
    restart: () => service.restart(),
    dispose() {
      stop();
      busy.dispose();
    },
  };
}
