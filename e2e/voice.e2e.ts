// Speaking to Aether in Chromium with the fake microphone (a flite WAV that plays once): the
// microphone opens, the words travel as binary frames to the host's speech process, the turn
// listens and transcribes, and — no recogniser ships with Aether — the companion says so in plain
// words and how to get one, while typing keeps working.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  microphoneWav,
  speechTools,
  spoken,
} from '../engines/interaction/speech/speech.fixture.ts';
import { launchWithMicrophone, openWorkspace, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

let host: HostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (speechTools) return;
  const top = mkdtempSync(join(tmpdir(), 'aether-e2e-voice-'));
  const wav = join(top, 'speech.wav');
  microphoneWav(wav, [spoken('hello there, how are you today', 1, 2)]);
  host = await startHost({ dataDir: join(top, 'data') });
  browser = await launchWithMicrophone(wav);
  page = await openWorkspace(browser, host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('speaking to Aether', () => {
  it.skipIf(speechTools)(
    'listens, and says plainly that no recogniser is installed yet',
    async () => {
      const seen = new Set<string>();
      const watch = setInterval(() => {
        void page
          .getByTestId('turn-state')
          .getAttribute('data-state')
          .then((s) => s && seen.add(s))
          .catch(() => {});
      }, 25);
      await page.getByTestId('voice-toggle').click();
      await expect
        .poll(() => page.getByTestId('voice-toggle').getAttribute('aria-pressed'))
        .toBe('true');
      await expect
        .poll(() => page.getByTestId('voice-state').textContent(), { timeout: 15_000 })
        .toContain('no speech recogniser is installed');
      clearInterval(watch);
      expect(seen.has('listening') || seen.has('transcribing')).toBe(true);
      await shot(page, 'voice-no-recogniser');
      // Typing still works while the microphone is on.
      await page.getByTestId('chat-input').fill('hello');
      await page.getByTestId('chat-input').press('Enter');
      await expect
        .poll(() => page.getByTestId('message-assistant').last().textContent())
        .toMatch(/^Hello/);
    },
  );
});
