// Updates as the user sees them: checked (automatically or on request) on the chosen channel,
// offered only when the feed is signed by Aether's release key, downloaded in the background,
// then "update ready — restart when you like". Aether never restarts on its own: a restart the
// user asked for waits until no turn, download or approval is under way; otherwise the update is
// installed when the app quits. Works on electron-updater's AppUpdater (any platform's).
import type { AppUpdater } from 'electron-updater';
import { checkFeed } from './feed-signature.ts';

export type UpdateChannel = 'stable' | 'beta';
export type UpdateSettings = { auto: boolean; channel: UpdateChannel };

export type UpdateState =
  | { state: 'idle' | 'checking' | 'up-to-date' }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'ready'; version: string; waitingFor: string | null }
  | { state: 'refused' | 'failed'; reason: string };

/** What of electron-updater's AppUpdater this uses. */
export type Updater = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowPrerelease'
  | 'allowDowngrade'
  | 'channel'
  | 'isUpdateSupported'
  | 'checkForUpdates'
  | 'quitAndInstall'
  | 'on'
>;

export type UpdateDeps = {
  updater: Updater;
  publicKey: string;
  settings: UpdateSettings;
  /** What is under way that a restart would cut (a turn, a download, an approval), or null. */
  busy: () => string | null;
  onState: (state: UpdateState) => void;
};

const isPrerelease = (version: string) => version.includes('-');

/** Offered only when signed by the release key, and a beta only on the beta channel. */
function supported(
  publicKey: string,
  settings: UpdateSettings,
  info: { version: string },
  set: (s: UpdateState) => void,
) {
  const signed = checkFeed(info, publicKey);
  if (!signed.ok) {
    set({ state: 'refused', reason: signed.reason });
    return false;
  }
  if (settings.channel === 'stable' && isPrerelease(info.version)) {
    set({ state: 'refused', reason: `${info.version} is a beta; you are on the stable channel` });
    return false;
  }
  return true;
}

/** electron-updater's events as the states the user sees. */
function listen(updater: Updater, set: (s: UpdateState) => void, state: () => UpdateState) {
  updater.on('update-not-available', () => {
    if (state().state === 'checking') set({ state: 'up-to-date' });
  });
  updater.on('update-available', (info) =>
    set({ state: 'downloading', version: info.version, percent: 0 }),
  );
  updater.on('download-progress', (p) => {
    const now = state();
    const version = now.state === 'downloading' ? now.version : '';
    set({ state: 'downloading', version, percent: Math.round(p.percent) });
  });
  updater.on('update-downloaded', (info) =>
    set({ state: 'ready', version: info.version, waitingFor: null }),
  );
  updater.on('error', (error) => {
    if (state().state !== 'refused') set({ state: 'failed', reason: error.message });
  });
}

/** Channels are files (latest*.yml, beta*.yml); a stable user is never offered a prerelease. */
function useChannel(updater: Updater, channel: UpdateChannel): void {
  updater.channel = channel === 'beta' ? 'beta' : 'latest';
  updater.allowPrerelease = channel === 'beta';
  // Setting the channel turns downgrades on in electron-updater; never go back a version.
  updater.allowDowngrade = false;
}

export function createUpdateService(deps: UpdateDeps) {
  const { updater } = deps;
  let state: UpdateState = { state: 'idle' };
  let restartWanted = false;
  let settings = deps.settings;
  const set = (next: UpdateState) => {
    state = next;
    deps.onState(next);
  };
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  useChannel(updater, settings.channel);
  updater.isUpdateSupported = (info) => supported(deps.publicKey, settings, info, set);
  listen(updater, set, () => state);
  const restartIfIdle = (): boolean => {
    if (state.state !== 'ready' || !restartWanted) return false;
    const busy = deps.busy();
    if (busy) {
      set({ ...state, waitingFor: busy });
      return false;
    }
    updater.quitAndInstall(false, true);
    return true;
  };
  return {
    state: () => state,
    /** Looks for an update now (also what the automatic check calls). */
    async check(): Promise<UpdateState> {
      // One update at a time: a download under way or one waiting for its restart stays as it is.
      if (state.state === 'downloading' || state.state === 'ready') return state;
      set({ state: 'checking' });
      try {
        const result = await updater.checkForUpdates();
        // A failed download is said through the 'error' event; its promise must not go unheard.
        result?.downloadPromise?.catch(() => {});
      } catch (error) {
        if (state.state !== 'refused') set({ state: 'failed', reason: (error as Error).message });
      }
      return state;
    },
    /** Runs `check` (through the gate) at start and every `everyMs`, while automatic checks are on. */
    schedule(everyMs: number, check: () => Promise<unknown>) {
      const run = () => {
        if (settings.auto) void check().catch(() => {});
      };
      run();
      const t = setInterval(run, everyMs);
      return () => clearInterval(t);
    },
    setSettings(s: UpdateSettings): void {
      settings = s;
      useChannel(updater, s.channel);
    },
    /** The user said "restart now": done at once when idle, else once what is under way ends. */
    restart(): boolean {
      restartWanted = true;
      return restartIfIdle();
    },
    /** Something that held a restart back has ended. */
    idle: (): boolean => restartIfIdle(),
  };
}

export type UpdateService = ReturnType<typeof createUpdateService>;
