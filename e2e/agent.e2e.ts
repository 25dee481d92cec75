// The model proposes a tool call (a scripted model, so it always does): the approval card
// appears, and once allowed the result shows in the chat as a block the user can open.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { launch, openWorkspace, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const TOOL_SCRIPT = [
  '<tool_call>',
  '{"name": "files_read", "arguments": {"path": "notes/todo.md"}}',
  '</tool_call>',
];
let host: HostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-e2e-agent-')));
  mkdirSync(join(top, 'ws', 'notes'), { recursive: true });
  writeFileSync(join(top, 'ws', 'notes', 'todo.md'), 'water the plants');
  host = await startHost({
    dataDir: join(top, 'data'),
    workspace: join(top, 'ws'),
    model: cachedModel({ preset: 'tiny', type: 'q8_0', script: TOOL_SCRIPT }),
  });
  browser = await launch();
  page = await openWorkspace(browser, host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('a tool call proposed by the model', () => {
  it('raises an approval card, and the result shows in the chat', async () => {
    await page.getByTestId('chat-input').fill('What is on my todo list?');
    await page.getByTestId('chat-input').press('Enter');
    const card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Read a file.*notes\/todo\.md.*persona:default/s);
    await shot(page, 'agent-approval');
    await page.getByTestId('approval-allow').click();
    const step = page.getByTestId('tool-step');
    await expect.poll(() => step.count()).toBe(1);
    expect(await step.getAttribute('data-status')).toBe('done');
    await step.locator('summary').click();
    expect(await step.textContent()).toContain('water the plants');
    await expect
      .poll(() => page.getByTestId('message-assistant').last().textContent())
      .toContain('water the plants');
    expect(await page.getByTestId('message-assistant').last().textContent()).not.toContain(
      '<tool_call>',
    );
    await shot(page, 'agent-result');
  });
});
