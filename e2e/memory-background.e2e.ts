// Memory's background work as a user meets it: the local model (a scripted GGUF answering with the
// JSON its grammar asks for) suggests a memory, the user keeps it in the Memory tab; a failure
// shows in the inspector; pausing upkeep sticks across a reload.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const FACT = "The user's sister Ada lives in Lisbon";
const model = cachedModel({
  preset: 'tiny',
  type: 'q8_0',
  script: ['{"facts": [', '{"fact": "', FACT, '", "kind": "fact"}', ']}'],
});
let browser: Browser;
let host: HostProcess | undefined;

beforeAll(async () => {
  browser = await launch();
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
});
afterAll(async () => {
  await browser?.close();
});

async function open(env: Record<string, string>): Promise<Page> {
  host = await startHost({ dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-membg-')), model, env });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
  await page.getByTestId('turn-state').waitFor();
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
  );
}

describe('memory in the background', () => {
  it('the model suggests a memory; the user keeps it', async () => {
    const page = await open({ AETHER_EXTRACT_IDLE_MS: '200' });
    await say(page, 'my sister Ada moved to Lisbon last spring');
    await page.getByTestId('memory-tab').click();
    const suggestion = page.getByTestId('memory-item').filter({ hasText: FACT });
    await expect
      .poll(() => suggestion.getAttribute('data-status'), { timeout: 15_000 })
      .toBe('proposed');
    await shot(page, 'memory-suggestion');
    await suggestion.getByTestId('memory-confirm').click();
    await expect.poll(() => suggestion.getAttribute('data-status')).toBe('active');
    await page.getByTestId('memory-kind').selectOption('session');
    await expect
      .poll(() => page.getByTestId('memory-list').textContent())
      .toContain('user: my sister Ada moved to Lisbon last spring');
    expect(
      await page
        .getByTestId('memory-item')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
    ).toEqual(['session']);

    await page.getByTestId('memory-pause').check();
    await page.reload();
    await page.getByTestId('memory-tab').click();
    await expect.poll(() => page.getByTestId('memory-pause').isChecked()).toBe(true);
    await page.close();
  });

  it('a failed extraction is shown in the inspector', async () => {
    const page = await open({ AETHER_EXTRACT_IDLE_MS: '200', AETHER_EXTRACT_MAX_TOKENS: '2' });
    await say(page, 'my sister Ada moved to Lisbon last spring');
    const problems = page.getByTestId('inspector-memory-problems');
    await expect
      .poll(() => problems.textContent(), { timeout: 15_000 })
      .toMatch(/cut off after 2 tokens/);
    await shot(page, 'memory-problem');
    await page.close();
  });
});
