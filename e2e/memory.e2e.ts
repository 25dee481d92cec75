// Memory as a user meets it: tell a fact, restart, find it recalled and used; forget it; restart;
// it is gone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const model = cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Noted', ' with', ' care.'] });
let dataDir: string;
let host: HostProcess;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'aether-e2e-memory-'));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function open(): Promise<Page> {
  host = await startHost({ dataDir, model });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
  await page.getByTestId('turn-state').waitFor();
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  // Counted from the page itself, not from a count taken before: after a reload the earlier turns
  // may still be arriving when the message is sent (this failed once in a clean-clone run).
  await expect
    .poll(async () => {
      const users = page.getByTestId('message-user');
      const n = await users.count();
      return (
        n > 0 &&
        (await users.last().textContent()) === text &&
        (await page.getByTestId('message-assistant').count()) === n
      );
    })
    .toBe(true);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
  );
}

const factItems = (page: Page) =>
  page.getByTestId('memory-item').filter({ hasText: 'my sister is called Ada' });

describe('long-term memory', () => {
  it('keeps a fact across a restart, shows where it came from, and uses it in a later turn', async () => {
    let page = await open();
    await say(page, 'remember that my sister is called Ada');
    await page.getByTestId('memory-tab').click();
    await expect.poll(() => factItems(page).count()).toBe(1);
    await page.close();
    await host.stop();

    page = await open();
    await page.getByTestId('memory-tab').click();
    await expect.poll(() => factItems(page).count()).toBe(1);
    await factItems(page).getByTestId('memory-why').click();
    await expect
      .poll(() => page.getByTestId('memory-why-text').textContent())
      .toContain('remember that my sister is called Ada');
    await shot(page, 'memory-tab');
    await page.getByTestId('tab-inspector').click();
    await say(page, 'who is my sister?');
    expect(await page.getByTestId('inspector-memories').textContent()).toContain(
      'my sister is called Ada',
    );
    await page.close();
  });

  it('forgets from the Memory tab, and the fact stays gone after a restart', async () => {
    let page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await page.getByTestId('memory-tab').click();
    await factItems(page).getByTestId('memory-forget').click();
    await expect.poll(() => factItems(page).count()).toBe(0);
    await page.close();
    await host.stop();

    page = await open();
    await page.getByTestId('memory-tab').click();
    await page.getByTestId('memory-search').fill('sister');
    await expect
      .poll(() => page.getByTestId('memory-list').textContent())
      .not.toContain('my sister is called Ada');
    await page.getByTestId('tab-inspector').click();
    await say(page, 'who is my sister?');
    expect(await page.getByTestId('inspector-memories').textContent()).not.toContain(
      'my sister is called Ada',
    );
    await page.close();
  });
});
