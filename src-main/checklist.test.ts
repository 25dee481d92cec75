// Electron's security checklist (electronjs.org/docs/latest/tutorial/security), item by item, as
// assertions over the window's settings, the security functions and the main process's wiring.
// What needs the real binary (the page really has no Node, the CSP really blocks an inline
// script) is checked by scripts/release/smoke.ts on each package in the release workflow.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_SCHEME_PRIVILEGES, APP_URL } from './app-protocol.ts';
import { allowPermission, CSP, hardenedWebPreferences, isOwnPage } from './security.ts';

const main = readFileSync('src-main/index.ts', 'utf8');
const builder = parse(readFileSync('electron-builder.yml', 'utf8'));

const preload = readFileSync('src-preload/index.ts', 'utf8');

describe("Electron's security checklist", () => {
  it('1, 18: only our own content, served from app:// (never http, never file://)', () => {
    expect(main).toContain('win.loadURL(appUrl)');
    expect(main).not.toMatch(/loadFile\(|loadURL\(['"`]http/);
    expect(APP_URL.startsWith('app://')).toBe(true);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
  });

  it('2–4: no Node in the page, context isolation on, the renderer sandboxed', () => {
    expect(hardenedWebPreferences).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      contextIsolation: true,
      sandbox: true,
    });
    expect(main).toContain('...hardenedWebPreferences');
  });

  it('5: every permission request and check is decided, and only the microphone for our page', () => {
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('setPermissionCheckHandler');
    expect(allowPermission({ permission: 'geolocation', requestingUrl: APP_URL }, APP_URL)).toBe(
      false,
    );
  });

  it('6–10: web security on, a CSP, no insecure content, no experimental or Blink features', () => {
    expect(hardenedWebPreferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    });
    expect(main).toContain("'Content-Security-Policy': [CSP]");
    expect(CSP).toMatch(/default-src 'self'/);
    expect(CSP).not.toMatch(/unsafe-eval/);
    expect(main).not.toContain('enableBlinkFeatures');
  });

  it('11–15: no webviews, no navigation away, new windows refused, only https links to the browser', () => {
    expect(hardenedWebPreferences.webviewTag).toBe(false);
    expect(main).toContain("'will-attach-webview'");
    expect(main).toContain("'will-navigate'");
    expect(main).toMatch(/setWindowOpenHandler[\s\S]*action: 'deny'/);
    expect(main).toMatch(/if \(url\.startsWith\('https:\/\/'\)\) void shell\.openExternal\(url\)/);
    expect(isOwnPage('https://evil.example/index.html', APP_URL)).toBe(false);
  });

  it('16–17: the current Electron, and every IPC sender checked', () => {
    expect(main).toMatch(/isOwnPage\(frame\.url, appUrl\)/);
    const electron = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8'));
    expect(Number(electron.version.split('.')[0])).toBeGreaterThanOrEqual(40);
  });

  it('19: fuses set as shipped, and the app loads only from its ASAR', () => {
    expect(builder.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('20: the page gets one bridge of named functions, never ipcRenderer or Electron itself', () => {
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*\b(ipcRenderer|require|process)\b/);
  });
});
