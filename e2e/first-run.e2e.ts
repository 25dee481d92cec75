// The first run in Chromium against a headless host on a fresh data folder: the wizard opens,
// each step works (a model served by a local HTTP server, resumed after the server drops; the
// fake microphone for the level meter; a preset and posture through approval cards) and ends
// with the persona's hello; quitting mid-way resumes at the same step; skipping everything
// leaves a working chat; the trust center shows the preset, a grant given in chat, and revoke.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../engines/interaction/speech/speech.fixture.ts';
import {
  startModelServer,
  type ModelServer,
} from '../engines/router/models/model-server.fixture.ts';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { launch, shot } from './support/browser.ts';
import { writeCatalog } from './support/catalog.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

let server: ModelServer;
let browser: Browser;
let top: string;
let catalog: string;
const hosts: HostProcess[] = [];

beforeAll(async () => {
  const file = cachedModel({
    preset: 'tiny',
    type: 'q8_0',
    script: ['Nice', ' to', ' meet', ' you.'],
  });
  top = mkdtempSync(join(tmpdir(), 'aether-e2e-first-run-'));
  // The same server answers as an OpenAI-compatible one would when asked for its models.
  const list = join(top, 'models.json');
  writeFileSync(list, JSON.stringify({ object: 'list', data: [{ id: 'tiny-remote' }] }));
  server = await startModelServer(
    { '/tiny.gguf': file, '/v1/models': list },
    { delayMsPerChunk: 40 },
  );
  catalog = join(top, 'catalog.json');
  writeCatalog(catalog, file, `${server.base}/tiny.gguf`);
  // A steady tone on the fake microphone (looping), for the level meter.
  const wav = join(top, 'tone.wav');
  writeWav(
    wav,
    Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
  );
  browser = await launch([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ]);
});
afterAll(async () => {
  await browser?.close();
  for (const h of hosts) await h.stop();
  await server?.close();
});

async function host(dataDir: string, workspace?: string) {
  const h = await startHost({
    dataDir,
    workspace,
    firstRun: true,
    env: { AETHER_MODEL_CATALOG: catalog },
  });
  hosts.push(h);
  return h;
}
async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(url);
  return page;
}
const step = (page: Page) => page.getByTestId('onboarding-step').getAttribute('data-step');
async function next(page: Page, from: string, to: string | null) {
  expect(await step(page)).toBe(from);
  await page.getByTestId('onboarding-next').click();
  if (to) await expect.poll(() => step(page)).toBe(to);
}
/** Inside the wizard (the workspace is drawn under it). */
const inWizard = (page: Page, id: string) => page.getByTestId('onboarding').getByTestId(id);
async function allow(page: Page) {
  await page.getByTestId('approval-card').waitFor();
  await page.getByTestId('approval-allow').click();
}

describe('the first run', () => {
  it('goes through every step, survives a quit, and ends with the persona saying hello', async () => {
    const dataDir = join(top, 'data-full');
    const workspace = join(top, 'ws');
    mkdirSync(join(workspace, 'notes'), { recursive: true });
    writeFileSync(join(workspace, 'notes', 'todo.md'), 'buy milk');
    let h = await host(dataDir, workspace);
    let page = await open(h.url);
    await page.getByTestId('onboarding').waitFor();
    await shot(page, 'guide-1-welcome');
    await page.getByTestId('onboarding-theme').selectOption('light');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await next(page, 'welcome', 'computer');
    await page.getByTestId('onboarding-hardware').waitFor();
    expect(await page.getByTestId('onboarding-fits').textContent()).toMatch(
      /^This computer has .* Tiny chat model fits/,
    );
    await shot(page, 'guide-2-computer');
    await next(page, 'computer', 'persona');
    // Each bundled persona as a card with its own face and first line.
    const pip = page.locator('[data-testid=onboarding-persona][data-id=pip]');
    expect(await pip.getByTestId('onboarding-persona-line').textContent()).toMatch(/^Heya!/);
    const shapes = await page
      .locator('[data-testid=onboarding-persona] [data-testid=presence-face]')
      .evaluateAll((faces) => faces.map((f) => f.getAttribute('data-shape')));
    expect(new Set(shapes).size).toBeGreaterThan(1);
    await pip.click();
    await shot(page, 'guide-3-persona');
    await next(page, 'persona', 'model');

    // The model: labelled before downloading; the server drops half-way; the second try resumes.
    await expect
      .poll(() =>
        page
          .locator('[data-testid=onboarding-model-fit][data-id=tiny-chat]')
          .getAttribute('data-fit'),
      )
      .toBe('fits');
    // A model server: asked for its models first (a web request, so a card asks).
    await page.getByText('Or an OpenAI-compatible server').click();
    await inWizard(page, 'onboarding-server-url').fill(`${server.base}/v1`);
    await inWizard(page, 'onboarding-server-probe').click();
    await allow(page);
    await expect
      .poll(() => inWizard(page, 'onboarding-server-said').textContent())
      .toBe('It offers: tiny-remote');
    server.breakNext('/tiny.gguf', 256 * 1024);
    await inWizard(page, 'model-download').click();
    await allow(page);
    await inWizard(page, 'model-error').waitFor({ timeout: 20_000 });
    expect(await inWizard(page, 'model-error').textContent()).toMatch(/resume/);
    await inWizard(page, 'model-download').click();
    // L5 may ask again (the first answer was for once) or not; either way the download resumes.
    await page.getByTestId('approval-card').or(inWizard(page, 'model-progress')).first().waitFor();
    if (await page.getByTestId('approval-card').count()) await allow(page);
    await inWizard(page, 'model-progress').waitFor();
    await shot(page, 'guide-4-model');
    await expect
      .poll(
        () => server.requests.some((r) => r.range?.startsWith('bytes=') && r.range !== 'bytes=0-'),
        { timeout: 20_000 },
      )
      .toBe(true);
    // The download goes on in the background while the user moves on, said on every step.
    await next(page, 'model', 'voice');
    await expect
      .poll(() => inWizard(page, 'onboarding-downloads').count(), { timeout: 20_000 })
      .toBe(0);

    // Quit mid-wizard: the host stops, starts again on the same folder, and the page comes back.
    await page.close();
    await h.stop();
    h = await host(dataDir, workspace);
    page = await open(h.url);
    await page.getByTestId('onboarding').waitFor();
    expect(await step(page)).toBe('voice');

    await page.getByTestId('onboarding-mic-test').click();
    await expect
      .poll(
        async () =>
          Number(await page.getByTestId('onboarding-mic-level').getAttribute('data-level')),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0.05);
    await page.getByTestId('onboarding-talk-hands-free').check();
    // The preview is said by the host's speech process and played here; a failure would be said.
    await page.getByTestId('voice-preview').click();
    await expect.poll(() => page.getByTestId('voice-preview').isEnabled()).toBe(true);
    expect(await page.getByTestId('onboarding-mic-problem').count()).toBe(0);
    await shot(page, 'guide-5-voice');
    await next(page, 'voice', 'autonomy');
    await page.locator('[data-testid=onboarding-preset][data-id=operator]').click();
    await expect
      .poll(() => page.getByTestId('trust-can').textContent())
      .toMatch(/Read a file in your workspace/);
    await shot(page, 'guide-6-autonomy');
    // A "no" on the card leaves the preset as it was, and the step where it is.
    await page.getByTestId('onboarding-next').click();
    await page.getByTestId('approval-card').waitFor();
    await page.getByTestId('approval-deny').click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/./);
    // Had it moved on, the next step would show within a round trip.
    await page.waitForTimeout(300);
    expect(await step(page)).toBe('autonomy');
    await page.getByTestId('onboarding-next').click();
    await allow(page);
    await expect.poll(() => step(page)).toBe('privacy');
    await page.getByTestId('onboarding-memory').selectOption('ask');
    await shot(page, 'guide-7-privacy');
    await page.getByTestId('onboarding-next').click();
    await allow(page);
    await expect.poll(() => step(page)).toBe('summary');
    const summary = await page.getByTestId('onboarding-summary').textContent();
    expect(summary).toMatch(/Personapip/);
    expect(summary).toMatch(/Autonomyoperator/);
    expect(summary).toMatch(/Privacylocal only, memory ask/);
    expect(summary).toMatch(/Voicehands-free, text replies/);
    await expect
      .poll(() => page.getByTestId('onboarding-step').textContent())
      .toContain(`Everything lives in ${dataDir}`);
    await shot(page, 'guide-8-summary');
    await next(page, 'summary', null);
    await page.getByTestId('onboarding').waitFor({ state: 'detached' });
    const hello = page.getByTestId('message-assistant').last();
    await expect
      .poll(() => hello.getAttribute('data-status'), { timeout: 20_000 })
      .toBe('complete');
    expect(await hello.textContent()).toMatch(/Heya|Oh hi/);
    await shot(page, 'guide-9-hello');
    // Hands-free was chosen: the microphone is on now.
    expect(await page.getByTestId('voice-toggle').getAttribute('aria-pressed')).toBe('true');
    // The model finished in the background (its checksum checked before it was installed).
    await expect
      .poll(() => page.getByTestId('posture-badge').getAttribute('title'), { timeout: 20_000 })
      .not.toMatch(/No model/);

    // The trust center: what the operator preset allows; a grant given in chat; revoke.
    await page.getByTestId('posture-badge').click();
    await page.getByTestId('trust-center').waitFor();
    expect(await page.getByTestId('trust-can').textContent()).toMatch(
      /Read a file in your workspace/,
    );
    expect(await page.getByTestId('trust-never').textContent()).toMatch(/Ask a remote model/);
    await page.getByTestId('panel-close').click();
    await page.getByTestId('chat-input').fill('/write notes/todo.md finished');
    await page.getByTestId('chat-input').press('Enter');
    await page.getByTestId('approval-card').waitFor();
    await page.getByTestId('approval-scope').selectOption('folder');
    await page.getByTestId('approval-duration').selectOption('session');
    await page.getByTestId('approval-uses').selectOption('3');
    await page.getByTestId('approval-allow').click();
    await page.getByTestId('posture-badge').click();
    const grant = page.getByTestId('trust-grant');
    await expect.poll(() => grant.count()).toBe(1);
    expect(await grant.textContent()).toMatch(/files\.write|notes/);
    expect(await grant.textContent()).toMatch(/2 uses left/);
    expect(await page.getByTestId('trust-activity').textContent()).toMatch(
      /Aether wrote .*todo\.md/,
    );
    await shot(page, 'guide-10-trust-center');
    await grant.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => grant.count()).toBe(0);
    // Undo the write: the overwritten file gets its previous content back (asked, audited).
    expect(readFileSync(join(workspace, 'notes', 'todo.md'), 'utf8')).toBe('finished');
    await page.getByTestId('activity-undo').first().click();
    await allow(page);
    await expect
      .poll(() => readFileSync(join(workspace, 'notes', 'todo.md'), 'utf8'))
      .toBe('buy milk');
    await page.close();
  });

  it('skipping everything leaves a working chat', async () => {
    const h = await host(join(top, 'data-skip'));
    const page = await open(h.url);
    await page.getByTestId('onboarding').waitFor();
    await page.getByTestId('onboarding-skip').click();
    await expect.poll(() => step(page)).toBe('computer');
    await page.getByTestId('onboarding-skip-all').click();
    await page.getByTestId('onboarding').waitFor({ state: 'detached' });
    await page.getByTestId('chat-input').fill('Hello!');
    await page.getByTestId('chat-input').press('Enter');
    const reply = page.getByTestId('message-assistant').last();
    await expect
      .poll(() => reply.getAttribute('data-status'), { timeout: 20_000 })
      .toBe('complete');
    await page.reload();
    await page.getByTestId('turn-state').waitFor();
    expect(await page.getByTestId('onboarding').count()).toBe(0);
    // Settings move the workspace folder, once the approval card says yes.
    const moved = join(top, 'moved-ws');
    mkdirSync(moved);
    await page.getByTestId('open-settings').click();
    const form = page.getByTestId('settings-workspace');
    await form.getByRole('textbox').fill(moved);
    await form.getByRole('button', { name: 'Move it' }).click();
    await allow(page);
    await expect.poll(() => page.getByTestId('settings-workspace-now').textContent()).toBe(moved);
    // A headless host does not update itself, and settings say so.
    await expect
      .poll(() => page.getByTestId('settings-updates').textContent())
      .toMatch(/does not update itself/);
    await page.close();
  });

  it('delete everything, typed and approved, starts a fresh first run and the old database is gone', async () => {
    const dataDir = join(top, 'data-delete');
    const h = await host(dataDir);
    const page = await open(h.url);
    await page.getByTestId('onboarding-skip-all').click();
    await page.getByTestId('chat-input').fill('my secret plans');
    await page.getByTestId('chat-input').press('Enter');
    await expect.poll(() => page.getByTestId('message-assistant').count()).toBe(1);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.getByTestId('export-all').click();
    await allow(page);
    await expect
      .poll(() => page.getByTestId('data-said').textContent(), { timeout: 10_000 })
      .toMatch(/^Exported to .*\.tar$/);
    expect(await page.getByTestId('delete-all').isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm').fill('delete everything');
    await shot(page, 'guide-11-settings');
    await page.getByTestId('delete-all').click();
    await allow(page);
    // The page reconnects to the fresh host on its own: the first run again, nothing of before.
    await page.getByTestId('onboarding').waitFor({ timeout: 20_000 });
    expect(await step(page)).toBe('welcome');
    await page.getByTestId('onboarding-skip-all').click();
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(0);
    const db = new Database(join(dataDir, 'aether.db'), { readonly: true });
    const rows = db.prepare('SELECT kind FROM audit_log ORDER BY seq').all() as Array<{
      kind: string;
    }>;
    const said = db
      .prepare("SELECT count(*) AS n FROM turns WHERE user_text LIKE '%secret%'")
      .get() as { n: number };
    db.close();
    expect(rows[0].kind).toBe('data.deleted');
    expect(said.n).toBe(0);
    expect(existsSync(join(dataDir, 'exports'))).toBe(false);
    await page.close();
  });
});
