// First light, as a user sees it: chat with a local model in the three-column workspace.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { CHROMIUM, collectErrors, launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const REPLY = ['Hello!', ' I', ' am', ' Aether,', ' running', ' on', ' your', ' computer.'];
const REPLY_TEXT = REPLY.join('');

if (!existsSync(CHROMIUM))
  throw new Error(
    `Chromium not found at ${CHROMIUM}: install Debian's chromium (scripts/setup.sh does)`,
  );

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function open(host: HostProcess): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const errors = collectErrors(page);
  await page.goto(host.url);
  await page.getByTestId('turn-state').waitFor();
  return { page, errors };
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}

const idle = (page: Page) =>
  page.waitForFunction(
    () => document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
  );

describe('chatting with a local model', () => {
  let host: HostProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'aether-e2e-'));
    host = await startHost({
      dataDir,
      model: cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY }),
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('streams the reply into the chat and shows the live turn in the inspector', async () => {
    const { page, errors } = await open(host);
    // Record every length the reply passes through, to see it arrive in pieces.
    await page.evaluate(() => {
      const w = window as unknown as { lengths: number[] };
      w.lengths = [];
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid=message-assistant]');
        if (el) w.lengths.push(el.textContent?.length ?? 0);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await send(page, 'Hi there!');
    await expect
      .poll(() => page.getByTestId('message-assistant').first().textContent())
      .toBe(REPLY_TEXT);
    await idle(page);
    const lengths = await page.evaluate(() => (window as unknown as { lengths: number[] }).lengths);
    expect(new Set(lengths.filter((n) => n > 0 && n < REPLY_TEXT.length)).size).toBeGreaterThan(1);
    await expect
      .poll(() => page.getByTestId('message-user').first().textContent())
      .toBe('Hi there!');
    expect(await page.getByTestId('inspector-ttft').textContent()).toMatch(/^\d+ ms$/);
    // How much of the prompt the model had read already (the reading ahead, made visible).
    const prompt = await page.getByTestId('inspector-prompt').textContent();
    expect(prompt).toMatch(/^\d+ tokens, \d+ read already/);
    const [total, read] = prompt!.match(/\d+/g)!.map(Number);
    expect(total).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(total);
    expect(await page.getByTestId('inspector-model').textContent()).toMatch(/\.gguf$/);
    // The input keeps focus, ready for the next message.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'chat-input',
    );
    await shot(page, 'chat-reply');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds the conversation again after a reload', async () => {
    const { page } = await open(host);
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(1);
    expect(await page.getByTestId('conversation-list').textContent()).toContain('Hi there!');
    await expect
      .poll(() => page.getByTestId('message-assistant').first().textContent())
      .toBe(REPLY_TEXT);
    await page.reload();
    await expect.poll(() => page.getByTestId('message-user').count()).toBe(1);
    expect(page.url()).not.toContain('token=');
    await page.close();
  });

  it('starts a second conversation and switches between them', async () => {
    const { page } = await open(host);
    await page.getByTestId('conversation-new').click();
    await expect.poll(() => page.getByTestId('message-user').count()).toBe(0);
    await send(page, 'A second topic');
    await expect
      .poll(() => page.getByTestId('message-assistant').first().textContent())
      .toBe(REPLY_TEXT);
    await idle(page);
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(2);
    await page
      .getByTestId('conversation-item')
      .filter({ hasText: 'Hi there!' })
      .getByRole('button', { name: 'Hi there!' })
      .click();
    await expect
      .poll(() => page.getByTestId('message-user').first().textContent())
      .toBe('Hi there!');
    await shot(page, 'two-conversations');
    await page.close();
  });

  it('renames and deletes a conversation (with confirmation)', async () => {
    const { page } = await open(host);
    const second = page.getByTestId('conversation-item').filter({ hasText: 'A second topic' });
    await second.hover();
    await second.getByTestId('conversation-rename').click();
    await page.getByTestId('conversation-rename-input').fill('Renamed topic');
    await page.getByTestId('conversation-rename-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('conversation-list').textContent())
      .toContain('Renamed topic');
    const renamed = page.getByTestId('conversation-item').filter({ hasText: 'Renamed topic' });
    await renamed.hover();
    await renamed.getByTestId('conversation-delete').click();
    expect(await page.getByTestId('conversation-item').count()).toBe(2); // nothing deleted before confirming
    await renamed.getByTestId('conversation-delete-confirm').click();
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(1);
    await page.close();
  });

  it('keeps the conversation when the host restarts', async () => {
    await host.stop();
    host = await startHost({
      dataDir,
      model: cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY }),
    });
    const { page } = await open(host);
    await expect
      .poll(() => page.getByTestId('message-user').first().textContent())
      .toBe('Hi there!');
    await page.close();
  });
});

describe('stopping a long reply', () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await startHost({
      dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-stop-')),
      model: cachedModel({
        preset: 'tiny',
        type: 'q8_0',
        script: ['la', ' di', ' da,'],
        loop: true,
      }),
      maxTokens: 30_000,
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('stops the generation from the stop button and keeps what was said', async () => {
    const { page } = await open(host);
    await send(page, 'Sing forever');
    await page.getByTestId('chat-stop').waitFor();
    await expect
      .poll(async () => (await page.getByTestId('message-assistant').first().textContent())!.length)
      .toBeGreaterThan(30);
    await page.getByTestId('chat-stop').click();
    await idle(page);
    const reply = page.getByTestId('message-assistant').first();
    await expect.poll(() => reply.getAttribute('data-status')).toBe('stopped');
    const text = await reply.textContent();
    expect(text).toMatch(/^la di da,/);
    expect(text).toContain('(stopped)');
    await new Promise((r) => setTimeout(r, 300));
    expect(await reply.textContent()).toBe(text);
    await shot(page, 'stopped-reply');
    await page.close();
  });
});

describe('without a model', () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await startHost({ dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-nomodel-')) });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('says in the chat that no model is installed and how to add one', async () => {
    const { page } = await open(host);
    await send(page, 'Hello?');
    const reply = page.getByTestId('message-assistant').first();
    await expect.poll(() => reply.getAttribute('data-status')).toBe('error');
    expect(await reply.textContent()).toMatch(/No model installed.*--model/s);
    // The finished turn and the state change are two events: the label follows a moment later.
    await expect.poll(() => page.getByTestId('turn-state').textContent()).toBe('error');
    await shot(page, 'no-model');
    await page.close();
  });
});
