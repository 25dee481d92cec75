// The tray icon of the installed app: show the window, stop speaking replies, start at login
// (opt-in, off until the user ticks it), restart to update once one is ready, and quit.
import { app, Menu, nativeImage, Tray } from 'electron';

export type TrayActions = {
  show(): void;
  mute(): void;
  restartToUpdate(): void;
  quit(): void;
};

export function createTray(iconPath: string, actions: TrayActions) {
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 22, height: 22 }));
  tray.setToolTip('Aether');
  let updateReady: string | null = null;
  const render = () =>
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Aether', click: actions.show },
        { label: 'Stop speaking replies', click: actions.mute },
        {
          label: 'Start at login',
          type: 'checkbox',
          checked: app.getLoginItemSettings().openAtLogin,
          click: (item) => app.setLoginItemSettings({ openAtLogin: item.checked }),
        },
        ...(updateReady
          ? [{ label: `Restart to update to ${updateReady}`, click: actions.restartToUpdate }]
          : []),
        { type: 'separator' as const },
        { label: 'Quit Aether', click: actions.quit },
      ]),
    );
  render();
  tray.on('click', actions.show);
  return {
    /** An update is ready: the menu offers the restart (it is never done unasked). */
    updateReady(version: string | null): void {
      updateReady = version;
      render();
    },
    dispose: () => tray.destroy(),
  };
}
