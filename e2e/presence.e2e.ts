// The companion's face in Chromium against the headless host: the stage shows the 2D avatar
// drawn from L3's frames (its own subscription); while the reply is spoken (the embedded voice)
// the mouth moves with its playback, closes in its pauses, and rests once it is done; the layer follows the turn; reduced motion keeps
// the head still; the stage collapses into a compact face in the header; the theme follows the
// OS; each bundled persona has a face of its own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { ARTIFACTS, collectErrors, launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const REPLY = [
  'Well,',
  ' the garden is green today.',
  ' The roses opened this morning, and the apple tree is full of bees.',
];

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

async function open(
  reducedMotion: 'reduce' | 'no-preference' = 'no-preference',
  colorScheme: 'dark' | 'light' = 'dark',
) {
  const viewport = { width: 1280, height: 800 };
  const context = await browser.newContext({ viewport, reducedMotion, colorScheme });
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
  it('moves its mouth with the spoken reply, closes it in the pauses, and rests after', async () => {
    const { page, errors } = await open();
    const avatar = page.getByTestId('avatar');
    expect(await avatar.getAttribute('data-viseme')).toBe('closed');
    expect(await avatar.getAttribute('aria-label')).toMatch(/resting|blinking/);
    // The embedded voice says the reply (no download): the mouth follows its playback.
    await page.getByTestId('voice-output-toggle').click();
    await expect
      .poll(() => page.getByTestId('voice-output-toggle').getAttribute('aria-pressed'))
      .toBe('true');
    await page.getByTestId('chat-input').fill('How is the garden?');
    await page.getByTestId('chat-send').click();
    // While the reply is heard: a second and a half of what the face shows.
    await expect
      .poll(() => page.getByTestId('turn-state').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('speaking');
    await record(page);
    await wait(1500);
    const speaking = (await recorded(page)).filter((s) => s.layer === 'speaking');
    expect(speaking.length).toBeGreaterThan(20);
    const shapes = new Set(speaking.map((s) => s.viseme));
    expect(shapes.has('closed')).toBe(true); // between words and sentences
    shapes.delete('closed');
    expect(shapes.size).toBeGreaterThanOrEqual(2);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
      undefined,
      { timeout: 60_000 },
    );
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

  it('keeps the head still with reduced motion (the OS or Aether), and collapses', async () => {
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
    // Aether's own setting does the same where the OS asks for full motion.
    const moving = (await open()).page;
    await moving.getByTestId('presence-still').click();
    await wait(300); // the frames already on their way
    await record(moving);
    await wait(600);
    const still = await recorded(moving);
    expect(new Set(still.map((h) => h.head))).toEqual(
      new Set(['translate(0 0) rotate(0) scale(1)']),
    );
  });

  it('follows the OS theme, dark or light, from the same design tokens', async () => {
    const looks: Record<string, string> = {};
    for (const scheme of ['dark', 'light'] as const) {
      const { page } = await open('no-preference', scheme);
      looks[scheme] = await page.evaluate(
        () => getComputedStyle(document.documentElement).backgroundColor,
      );
      const space = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--space-2').trim(),
      );
      expect(space).toBe('8px');
      await shot(page, `theme-${scheme}`);
      await page.context().close();
    }
    expect(looks.dark).toBe('rgb(15, 17, 21)');
    expect(looks.light).toBe('rgb(246, 247, 249)');
  });
  it("draws each bundled persona's own face (screenshots for the guide)", async () => {
    const { page } = await open();
    const faces = new Set<string>();
    for (const [id, name, shape] of [
      ['atlas', 'Atlas', 'soft-square'],
      ['pip', 'Pip', 'drop'],
      ['default', 'Aether', 'round'],
    ]) {
      await page.getByTestId('persona-tab').click();
      await page.getByTestId('persona-picker').selectOption(id);
      await page.getByTestId('persona-activate').click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe(name);
      const avatar = page.getByTestId('avatar');
      await expect.poll(() => avatar.getAttribute('data-shape')).toBe(shape);
      faces.add(await avatar.evaluate((a) => getComputedStyle(a).getPropertyValue('--face-fill')));
      await avatar.screenshot({ path: join(ARTIFACTS, `face-${id}.png`) });
    }
    expect(faces.size).toBe(3);
  });
});
