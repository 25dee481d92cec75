// The desktop window's security decisions, as plain functions so they are tested without
// Electron: what the window may navigate to, which permissions it gets, which frames may talk.
export const hardenedWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
} as const;

/** Only our own page may be shown; anything else is refused (and never opened inside the app). */
export function isOwnPage(url: string, appUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export type PermissionRequest = {
  permission: string;
  requestingUrl: string;
  mediaTypes?: string[];
};

/** Every permission is denied except the microphone, and only for our own page. */
export function allowPermission(request: PermissionRequest, appUrl: string): boolean {
  if (request.permission !== 'media') return false;
  if (!isOwnPage(request.requestingUrl, appUrl)) return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "worker-src 'self' blob:; connect-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
