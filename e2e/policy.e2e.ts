// The policy gate as a user meets it: approval cards for slash commands, grants that stop the
// asking, the audit tab that verifies, and a tampered log that stops every side effect.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openWorkspace, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

let browser: Browser;
let host: HostProcess;
let page: Page;
let dataDir: string;

beforeAll(async () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-e2e-policy-')));
  const workspace = join(top, 'ws');
  mkdirSync(join(workspace, 'notes'), { recursive: true });
  writeFileSync(join(workspace, 'notes', 'todo.md'), 'buy milk');
  writeFileSync(join(workspace, 'notes', 'other.md'), 'call Ada');
  dataDir = join(top, 'data');
  host = await startHost({ dataDir, workspace });
  browser = await launch();
  page = await openWorkspace(browser, host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const replies = () => page.getByTestId('message-assistant');
const idle = () =>
  page.waitForFunction(
    () => document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state') === 'idle',
  );

async function send(text: string): Promise<void> {
  const before = await replies().count();
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  await expect.poll(() => replies().count()).toBe(before + 1);
}

async function lastReply(): Promise<string> {
  await idle();
  // The turn may still be starting when the label reads idle: wait for the placeholder to go.
  await expect.poll(async () => (await replies().last().textContent()) ?? '').not.toBe('…');
  return (await replies().last().textContent()) ?? '';
}

describe('approving actions', () => {
  it('shows a card for /read; allow once reads the file, and the next read asks again', async () => {
    await send('/read notes/todo.md');
    const card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await card.getByTestId('approval-resource').textContent()).toMatch(/notes\/todo\.md$/);
    expect(await page.getByTestId('turn-state').textContent()).toBe('awaiting_approval');
    await shot(page, 'approval-card');
    await page.getByTestId('approval-allow').click();
    expect(await lastReply()).toContain('buy milk');
    await card.waitFor({ state: 'detached' });

    await send('/read notes/todo.md');
    await card.waitFor();
    // The card takes the focus when it appears, so the keyboard answers it: Escape denies.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('approval-card');
    await page.keyboard.press('Escape');
    const denied = await lastReply();
    expect(denied).toMatch(/I did not do it/);
    expect(denied).not.toContain('buy milk');
  });

  it('allowing for the folder, always, stops the asking for files inside it', async () => {
    await send('/read notes/todo.md');
    await page.getByTestId('approval-card').waitFor();
    await page.getByTestId('approval-scope').selectOption('folder');
    await page.getByTestId('approval-duration').selectOption('always');
    await page.getByTestId('approval-allow').click();
    expect(await lastReply()).toContain('buy milk');
    await send('/read notes/other.md');
    expect(await lastReply()).toContain('call Ada');
    expect(await page.getByTestId('approval-card').count()).toBe(0);
    await page.getByTestId('tab-grants').click();
    await expect.poll(() => page.getByTestId('grant-item').count()).toBe(1);
    expect(await page.getByTestId('grants-list').textContent()).toMatch(/files\.read.*notes/);
    await shot(page, 'grants-tab');
  });

  it('verifies the audit log from the Audit tab', async () => {
    await page.getByTestId('tab-audit').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBeGreaterThan(4);
    await page.getByTestId('audit-verify').click();
    const result = page.getByTestId('audit-verify-result');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(/intact: \d+ rows/);
    await page.getByTestId('audit-row').first().getByRole('button', { name: /Why/ }).click();
    await expect
      .poll(() => page.getByTestId('audit-row').first().textContent())
      .toMatch(/because|Done|Failed/);
    await shot(page, 'audit-tab');
  });

  it('revoking all grants makes it ask again', async () => {
    await page.getByTestId('tab-grants').click();
    await page.getByTestId('grants-revoke-all').click();
    await expect.poll(() => page.getByTestId('grant-item').count()).toBe(0);
    await send('/read notes/other.md');
    await page.getByTestId('approval-card').waitFor();
    await page.getByTestId('approval-deny').click();
    expect(await lastReply()).toMatch(/I did not do it/);
  });

  it('finds a tampered database, names the bad row, and refuses side effects', async () => {
    const db = new Database(join(dataDir, 'aether.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET decision = 'forged' WHERE seq = 2").run();
    db.close();
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-verify').click();
    const result = page.getByTestId('audit-verify-result');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect(await result.textContent()).toMatch(/row 2/);
    await page.getByTestId('audit-broken-banner').waitFor();
    await send('/read notes/todo.md');
    const reply = await lastReply();
    expect(reply).toMatch(/I did not do it.*audit log/s);
    expect(reply).not.toContain('buy milk');
    expect(await page.getByTestId('approval-card').count()).toBe(0);
    await shot(page, 'audit-tampered');
  });
});
