// Editing the persona as a user does: the Persona tab's Monaco editor, Ctrl+S, the header and the
// next greeting change; a YAML error gets a marker on its line and the previous persona stays.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResources } from '../engines/host/index.ts';
import { collectErrors, launch, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

let browser: Browser;
let host: HostProcess;
const original = readFileSync(join(sourceResources.personasDir, 'default', 'persona.yaml'), 'utf8');
const renamed = original
  .replace('display_name: Aether', 'display_name: Juniper')
  .replace('- Hello! What can I do for you?', '- Well met, traveller.');

beforeAll(async () => {
  browser = await launch();
  host = await startHost({ dataDir: mkdtempSync(join(tmpdir(), 'aether-e2e-persona-')) });
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** What the editor shows (Monaco draws spaces as no-break spaces). */
const shown = async (page: Page) =>
  ((await page.locator('[data-testid=persona-editor] .view-lines').textContent()) ?? '').replaceAll(
    '\u00a0',
    ' ',
  );

/** Find and replace in the editor (Ctrl+H, replace all), as a user would change a value. */
async function replaceInEditor(page: Page, find: string, replace: string): Promise<void> {
  await page.locator('[data-testid=persona-editor] .view-lines').click();
  await page.keyboard.press('Control+H');
  await page.locator('[data-testid=persona-editor] .find-widget .find-part textarea').fill(find);
  await page
    .locator('[data-testid=persona-editor] .find-widget .replace-part textarea')
    .fill(replace);
  await page
    .locator('[data-testid=persona-editor] .find-widget .replace-part textarea')
    .press('Control+Alt+Enter');
  await page.keyboard.press('Escape');
  await expect.poll(() => shown(page)).toContain(replace.split('\n').at(-1)!.trim());
}

/** The line number shown beside the first error squiggle. */
async function markedLine(page: Page): Promise<number> {
  return page.evaluate(() => {
    const squiggle = document
      .querySelector('[data-testid=persona-editor] .squiggly-error')!
      .getBoundingClientRect();
    const numbers = [...document.querySelectorAll('[data-testid=persona-editor] .line-numbers')];
    const row = numbers.find((n) => Math.abs(n.getBoundingClientRect().top - squiggle.top) < 4)!;
    return Number(row.textContent);
  });
}

describe('the Persona tab', () => {
  it('saves an edit with Ctrl+S: the header shows the new name and the next greeting uses the new phrase', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(host.url);
    await page.getByTestId('persona-tab').click();
    await page.locator('[data-testid=persona-editor] .view-lines').waitFor();
    await expect.poll(() => shown(page)).toContain('display_name: Aether');
    await replaceInEditor(page, 'display_name: Aether', 'display_name: Juniper');
    await replaceInEditor(page, 'Hello! What can I do for you?', 'Well met, traveller.');
    await page.locator('[data-testid=persona-editor] .view-lines').click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.locator('.column-header h1').textContent()).toBe('Juniper');
    await page.getByTestId('chat-input').fill('hello');
    await page.getByTestId('chat-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('message-assistant').first().textContent())
      .toMatch(/^Well met, traveller\./);
    await expect
      .poll(() => page.getByTestId('persona-summary').textContent())
      .toContain('Juniper: your companion');
    await shot(page, 'persona-saved');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks a YAML error on its line while typing; saving it keeps the previous persona', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('persona-tab').click();
    await expect.poll(() => shown(page)).toContain('display_name: Juniper');
    // A second display_name under the first: YAML refuses duplicate keys.
    await page
      .locator('[data-testid=persona-editor] .view-line', { hasText: 'display_name' })
      .click();
    await page.keyboard.press('End');
    await page.keyboard.type('\ndisplay_name: Broken');
    const line = renamed.split('\n').indexOf('display_name: Juniper') + 2;
    await expect
      .poll(() => page.locator('[data-testid=persona-editor] .squiggly-error').count())
      .toBeGreaterThan(0);
    expect(await markedLine(page)).toBe(line);
    await page.getByTestId('persona-save').click();
    await expect
      .poll(() => page.getByTestId('persona-error').textContent())
      .toContain(`Line ${line}, column 1: Map keys must be unique`);
    await expect
      .poll(() => page.getByTestId('persona-toast').textContent())
      .toContain(`line ${line}, column 1: Map keys must be unique`);
    await shot(page, 'persona-error');
    expect(await page.locator('.column-header h1').textContent()).toBe('Juniper');
    await page.getByTestId('chat-input').fill('hello');
    await page.getByTestId('chat-input').press('Enter');
    // Still Juniper's greetings (they take turns).
    await expect
      .poll(() => page.getByTestId('message-assistant').last().textContent())
      .toMatch(/^(Well met, traveller\.|Hi, good to see you)/);
    await page.close();
  });

  it('completes enum values from the persona JSON Schema', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('persona-tab').click();
    await page.getByTestId('persona-picker').selectOption('atlas');
    await expect.poll(() => shown(page)).toContain('verbosity: terse');
    // The YAML worker starts on first use: hovering a key shows the schema's text once it is ready.
    const key = page
      .locator('[data-testid=persona-editor] .view-line', { hasText: 'schema_version' })
      .locator('span', { hasText: 'schema_version' })
      .last();
    await expect
      .poll(async () => {
        await page.mouse.move(0, 0);
        await key.hover();
        await new Promise((r) => setTimeout(r, 600));
        return (
          await page.locator('[data-testid=persona-editor] .monaco-hover').allTextContents()
        ).join(' ');
      })
      .toContain('pack format version');
    await page
      .locator('[data-testid=persona-editor] .view-line', { hasText: 'verbosity' })
      .locator('span', { hasText: 'terse' })
      .last()
      .dblclick();
    await page.keyboard.press('Backspace');
    const suggestions = page.locator(
      '[data-testid=persona-editor] .suggest-widget .monaco-list-row',
    );
    const asked = async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Space');
      await new Promise((r) => setTimeout(r, 500));
      return (await suggestions.allTextContents()).join(' ');
    };
    await expect.poll(asked).toContain('expansive');
    const all = (await suggestions.allTextContents()).join(' ');
    for (const value of ['terse', 'balanced', 'expansive']) expect(all).toContain(value);
    await shot(page, 'persona-completion');
    await page.close();
  });
});
