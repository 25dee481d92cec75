// The app:// protocol the desktop window loads the renderer from: only the renderer's folder is
// reachable, the CSP is on every response. (Electron's protocol.handle itself needs the binary,
// which cannot be downloaded here; the release workflow's smoke test loads the real window.)
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_URL, appFileFor, serveAppFile } from './app-protocol.ts';
import { CSP } from './security.ts';

const root = mkdtempSync(join(tmpdir(), 'aether-app-protocol-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Aether</title>');
writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');

describe('app:// protocol', () => {
  it("serves the renderer's files with their type and the CSP", async () => {
    const page = await serveAppFile(APP_URL, root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(await page.text()).toContain('<title>Aether</title>');
    const script = await serveAppFile('app://aether/assets/main.js?v=1', root);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(appFileFor('app://aether/', root)).toBe(join(root, 'index.html'));
  });

  it('refuses every way out of the folder, other hosts and other schemes', async () => {
    for (const url of [
      'app://aether/../outside.txt',
      'app://aether/%2e%2e/outside.txt',
      'app://aether/assets/%2e%2e%2f%2e%2e%2foutside.txt',
    ]) {
      const file = appFileFor(url, root);
      expect(file === null || file.startsWith(join(root, '/')), url).toBe(true);
      expect((await serveAppFile(url, root)).status, url).toBe(404);
    }
    for (const url of [
      'app://aether/assets/%2e%2e%2f%2e%2e%2foutside.txt',
      'app://aether/%00index.html',
      'app://aether/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://aether/index.html',
      'not a url',
    ])
      expect(appFileFor(url, root), url).toBeNull();
    const missing = await serveAppFile('app://aether/nope.js', root);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
  });
});
