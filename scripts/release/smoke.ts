/// <reference lib="dom" />
// The smoke test of a built package, run by the release workflow on each platform's runner (the
// Electron binary cannot run here): the window opens on app://, the page has no Node, the CSP
// is in force, and a chat turn is answered by a generated GGUF model.
// `node scripts/release/smoke.ts PATH/TO/EXECUTABLE`
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { makeModel } from '../gguf/make-model.ts';

async function smoke(executable: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-smoke-'));
  const model = join(dataDir, 'smoke.gguf');
  makeModel(model, { preset: 'tiny', type: 'q8_0', script: ['Hello from the package.'] });
  const app = await electron.launch({
    executablePath: executable,
    args: ['--data-dir', dataDir, '--model', model, '--skip-first-run'],
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const facts = await page.evaluate(() => ({
    url: location.href,
    node: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
  }));
  if (!facts.url.startsWith('app://aether/')) throw new Error(`the page is ${facts.url}`);
  if (facts.node !== 'undefined' || facts.process !== 'undefined')
    throw new Error('the page can reach Node');
  const blocked = await page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        document.addEventListener('securitypolicyviolation', () => resolve(true), { once: true });
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.body.append(s);
        setTimeout(() => resolve(false), 500);
      }),
  );
  if (!blocked) throw new Error('an inline script ran: the CSP is not in force');
  await page.getByTestId('chat-input').fill('hello');
  await page.getByTestId('chat-input').press('Enter');
  const reply = page.getByTestId('message-assistant').last();
  await reply.waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=message-assistant][data-status=complete]'),
    undefined,
    { timeout: 60_000 },
  );
  await app.close();
  console.log(
    `smoke: ${executable} opened app://, no Node in the page, CSP in force, a turn answered`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await smoke(process.argv[2]!);
