// A new user with no model downloads one from the Models tab (served here by a local HTTP
// server standing in for the model hub), watches it arrive, and talks to it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startModelServer,
  type ModelServer,
} from '../engines/router/models/model-server.fixture.ts';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { launch, openWorkspace, shot } from './support/browser.ts';
import { writeCatalog } from './support/catalog.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const SCRIPT = ['I', ' arrived', ' over', ' the', ' network.'];
let server: ModelServer;
let host: HostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const file = cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT });
  // Slow enough to watch the progress bar move.
  server = await startModelServer({ '/tiny.gguf': file }, { delayMsPerChunk: 90 });
  const dir = mkdtempSync(join(tmpdir(), 'aether-e2e-models-'));
  const catalog = join(dir, 'catalog.json');
  writeCatalog(catalog, file, `${server.base}/tiny.gguf`);
  host = await startHost({ dataDir: join(dir, 'data'), env: { AETHER_MODEL_CATALOG: catalog } });
  browser = await launch();
  page = await openWorkspace(browser, host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await server?.close();
});

describe('downloading a model', () => {
  it('downloads from the Models tab with visible progress, then the companion answers with it', async () => {
    await page.getByTestId('tab-models').click();
    expect(await page.getByTestId('models-list').textContent()).toMatch(/No model yet/);
    await page.getByTestId('model-download').click();
    await page.getByTestId('approval-card').waitFor();
    expect(await page.getByTestId('approval-card').textContent()).toMatch(/Download a model/);
    await page.getByTestId('approval-allow').click();
    const bar = page.getByTestId('model-progress');
    await bar.waitFor();
    await expect
      .poll(async () => Number(await bar.getAttribute('data-percent')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await shot(page, 'model-downloading');
    await expect
      .poll(() => page.getByTestId('model-installed').count(), { timeout: 20_000 })
      .toBe(1);
    expect(await page.getByTestId('models-list').textContent()).toMatch(/answers your messages/);
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('chat-input').fill('Hello?');
    await page.getByTestId('chat-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('message-assistant').last().textContent(), { timeout: 20_000 })
      .toBe(SCRIPT.join(''));
    await shot(page, 'model-answers');
  });
});
