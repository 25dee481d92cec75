// A 3D avatar in Chromium (WebGL through SwiftShader) against the headless host: the user picks
// a generated VRM file, L5 asks, and the same behaviour frames drive it (its mouth moves while a
// reply streams); it stays across a reload; VRM 0.x loads too; a broken, a foreign and an
// oversized file are refused with their reasons and the 2D face stays; without WebGL the app
// says so and keeps the 2D face.
import { closeSync, mkdtempSync, openSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { makeVrm } from '../scripts/vrm/make-vrm.ts';
import { collectErrors, launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const REPLY = ['Hello there,', ' the avatar speaks with the same frames as the face.'];
const files = mkdtempSync(join(tmpdir(), 'aether-e2e-vrm-files-'));
const file = (name: string, bytes: Buffer | string) => {
  writeFileSync(join(files, name), bytes);
  return join(files, name);
};

let browser: Browser;
let host: HostProcess;
beforeAll(async () => {
  browser = await launch();
  host = await startHost({
    dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-vrm-')),
    model: cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY }),
  });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function open(b: Browser = browser): Promise<{ page: Page; errors: string[] }> {
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await page.goto(host.url);
  await page.getByTestId('presence-stage').waitFor();
  return { page, errors };
}

/** Picks `path` in the stage's file picker and allows the approval it raises. */
async function pick(page: Page, path: string) {
  await page.getByTestId('avatar-vrm-pick').setInputFiles(path);
  const card = page.getByTestId('approval-card');
  await card.waitFor();
  expect(await card.textContent()).toMatch(/Show a 3D avatar/);
  await page.getByTestId('approval-allow').click();
}

const shown3d = (page: Page) =>
  page
    .locator('[data-testid=avatar][data-kind=vrm][data-state=shown]')
    .waitFor({ timeout: 30_000 });

describe('a 3D avatar', () => {
  it('replaces the 2D face once allowed, moves its mouth with the reply, and stays after a reload', async () => {
    const { page, errors } = await open();
    await page.locator('[data-testid=avatar][data-kind="2d"]').waitFor();
    await pick(page, file('Me.vrm', makeVrm({ spec: '1.0', name: 'Test Me' })));
    await shown3d(page);
    const avatar = page.getByTestId('avatar');
    // Frames keep coming to it: they are drawn and timed.
    await expect
      .poll(async () => Number(await avatar.getAttribute('data-drawn')))
      .toBeGreaterThan(30);
    expect(Number(await avatar.getAttribute('data-draw-p50'))).toBeGreaterThan(0);
    await page.evaluate(() => {
      const w = window as unknown as { visemes: string[] };
      w.visemes = [];
      const a = document.querySelector('[data-testid=avatar]')!;
      new MutationObserver(() => w.visemes.push(a.getAttribute('data-viseme')!)).observe(a, {
        attributes: true,
        attributeFilter: ['data-viseme'],
      });
    });
    // The reply is spoken (the embedded voice), so the mouth moves for as long as it is heard —
    // a text-only reply from this tiny model streams in a few milliseconds, too short to sample.
    await page.getByTestId('voice-output-toggle').click();
    await expect
      .poll(() => page.getByTestId('voice-output-toggle').getAttribute('aria-pressed'))
      .toBe('true');
    await page.getByTestId('chat-input').fill('Say something?');
    await page.getByTestId('chat-send').click();
    const visemes = () => page.evaluate(() => (window as unknown as { visemes: string[] }).visemes);
    await expect
      .poll(async () => (await visemes()).filter((v) => v !== 'closed').length, {
        timeout: 60_000,
      })
      .toBeGreaterThan(3);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
      undefined,
      { timeout: 60_000 },
    );
    await expect.poll(() => avatar.getAttribute('data-viseme'), { timeout: 10_000 }).toBe('closed');
    await page.getByTestId('voice-output-toggle').click();
    await shot(page, 'face-vrm');
    await page.reload();
    await shown3d(page);
    expect(await page.getByTestId('avatar-vrm-pick').locator('..').textContent()).toMatch(
      /Test Me/,
    );
    await page.getByTestId('avatar-vrm-clear').click();
    await page.locator('[data-testid=avatar][data-kind="2d"]').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a VRM 0.x file the same way', async () => {
    const { page, errors } = await open();
    await pick(page, file('Old.vrm', makeVrm({ spec: '0.x' })));
    await shown3d(page);
    await expect
      .poll(async () => Number(await page.getByTestId('avatar').getAttribute('data-drawn')))
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a broken, a foreign and an oversized file with their reasons; the face stays', async () => {
    const { page } = await open();
    const message = page.getByTestId('avatar-vrm-message');
    const huge = join(files, 'Huge.vrm');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 65 * 1024 * 1024);
    closeSync(fd);
    for (const [path, why] of [
      [file('Broken.vrm', 'this is not a model, only words'), /not a glTF binary/],
      [huge, /is 65\.0 MB; an avatar may be at most 64\.0 MB/],
      [file('face.png', 'not even a vrm'), /not a \.vrm file/],
    ] as const) {
      await page.getByTestId('avatar-vrm-pick').setInputFiles(path);
      await expect.poll(() => message.textContent()).toMatch(why);
      // The avatar set before (the VRM 0.x one) is still the one shown.
      expect(await page.getByTestId('avatar').getAttribute('data-kind')).toBe('vrm');
    }
    await page.close();
  });

  it('says when this window cannot draw 3D, and keeps the 2D face', async () => {
    const noGl = await launch(['--disable-3d-apis']);
    try {
      const { page } = await open(noGl);
      await expect
        .poll(() => page.getByTestId('avatar-vrm-message').textContent(), { timeout: 15_000 })
        .toMatch(/WebGL is not available/);
      expect(await page.getByTestId('avatar').getAttribute('data-kind')).toBe('2d');
    } finally {
      await noGl.close();
    }
  });
});
