// The desktop window's security decisions. These run without the Electron binary (which cannot
// be downloaded here); src-main/index.ts only wires them into Electron's hooks.
import { describe, expect, it } from 'vitest';
import { allowPermission, CSP, hardenedWebPreferences, isOwnPage } from './security.ts';

const APP = 'app://aether/index.html';

describe('desktop window hardening', () => {
  it('isolates the page from Node and Electron', () => {
    expect(hardenedWebPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('allows navigation only to our own page', () => {
    expect(isOwnPage(`${APP}#chat`, APP)).toBe(true);
    expect(isOwnPage('https://example.com/', APP)).toBe(false);
    expect(isOwnPage('file:///etc/passwd', APP)).toBe(false);
    expect(isOwnPage('not a url', APP)).toBe(false);
  });

  it('denies every permission except the microphone for our own page', () => {
    expect(
      allowPermission({ permission: 'media', requestingUrl: APP, mediaTypes: ['audio'] }, APP),
    ).toBe(true);
    expect(
      allowPermission(
        { permission: 'media', requestingUrl: APP, mediaTypes: ['audio', 'video'] },
        APP,
      ),
    ).toBe(false);
    expect(
      allowPermission(
        { permission: 'media', requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] },
        APP,
      ),
    ).toBe(false);
    for (const permission of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'midi',
    ]) {
      expect(allowPermission({ permission, requestingUrl: APP }, APP)).toBe(false);
    }
  });

  it('has a CSP that allows only our own scripts', () => {
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).toContain("object-src 'none'");
    expect(CSP).not.toContain('unsafe-eval');
  });
});
