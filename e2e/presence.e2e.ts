// The companion's face in Chromium against the headless host: the stage shows the 2D avatar
// drawn from L3's frames (its own subscription); while a text reply streams the mouth moves and
// it is closed again once the reply is done; the layer follows the turn; reduced motion keeps
// the head still; the stage collapses into a compact face in the header.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { collectErrors, launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const REPLY = Array.from({ length: 120 }, (_, i) => (i === 0 ? 'Well,' : ` word${i}`));

let browser: Browser;
let host: HostProcess;
beforeAll(async () => {
  browser = await launch();
  host = await startHost({
    dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-face-')),
    model: cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY }),
  });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function open(reducedMotion: 'reduce' | 'no-preference' = 'no-preference') {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion,
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(host.url);
  await page.getByTestId('avatar').waitFor();
  return { page, errors };
}

type Seen = { viseme: string; layer: string; head: string };

/** Starts recording every change of what the avatar shows (attributes and head pose). */
const record = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { seen: Seen[] };
    w.seen = [];
    const a = document.querySelector('[data-testid=avatar]')!;
    const note = () =>
      w.seen.push({
        viseme: a.getAttribute('data-viseme')!,
        layer: a.getAttribute('data-layer')!,
        head: a.querySelector('g')!.getAttribute('transform')!,
      });
    new MutationObserver(note).observe(a, { attributes: true, subtree: true });
    note();
  });
const recorded = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the companion's face", () => {
  it('moves its mouth while the reply streams and rests when it is done', async () => {
    const { page, errors } = await open();
    const avatar = page.getByTestId('avatar');
    expect(await avatar.getAttribute('data-viseme')).toBe('closed');
    expect(await avatar.getAttribute('aria-label')).toMatch(/resting|blinking/);
    await page.getByTestId('chat-input').fill('Tell me something long');
    await record(page);
    await page.getByTestId('chat-send').click();
    const finished = page.waitForFunction(
      () =>
        document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle' &&
        document.querySelectorAll('[data-testid=message-assistant]').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    await finished;
    const seen = await recorded(page);
    const speaking = seen.filter((s) => s.layer === 'speaking');
    expect(speaking.length).toBeGreaterThan(3);
    const shapes = new Set(speaking.map((s) => s.viseme));
    shapes.delete('closed');
    expect(shapes.size).toBeGreaterThanOrEqual(2);
    await expect.poll(() => avatar.getAttribute('data-viseme')).toBe('closed');
    await expect.poll(() => avatar.getAttribute('data-layer')).toBe('idle');
    // The head sways a little while it lives.
    await record(page);
    await wait(600);
    const heads = await recorded(page);
    expect(new Set(heads.map((h) => h.head)).size).toBeGreaterThan(1);
    await shot(page, 'face-stage');
    expect(errors).toEqual([]);
  });

  it('keeps the head still with reduced motion, and collapses into the header', async () => {
    const { page } = await open('reduce');
    await record(page);
    await wait(600);
    const heads = await recorded(page);
    expect(heads.length).toBeGreaterThan(0);
    expect(new Set(heads.map((h) => h.head))).toEqual(
      new Set(['translate(0 0) rotate(0) scale(1)']),
    );
    await page.getByTestId('presence-collapse').click();
    await expect.poll(() => page.getByTestId('presence-stage').count()).toBe(0);
    await page.getByTestId('avatar-compact').waitFor();
    await page.reload();
    await page.getByTestId('avatar-compact').waitFor(); // the choice is kept
    await page.getByTestId('presence-collapse').click();
    await page.getByTestId('presence-stage').waitFor();
  });
});
