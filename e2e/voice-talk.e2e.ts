// A spoken conversation in Chromium with the fake microphone and a generated speech pack (scripted
// streaming recogniser, `npm run serve -- --speech DIR` as a user would give one): the user asks a question
// aloud, sees the words as they are recognised, the words become the message by themselves, the
// reply is spoken (pieces played through the page's player), and speaking over the long reply
// ducks it, stops it, and leaves in the conversation only what was heard.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../scripts/gguf/cache.ts';
import {
  microphoneWav,
  speechTools,
  spoken,
  testPack,
} from '../engines/interaction/speech/speech.fixture.ts';
import { launchWithMicrophone, openWorkspace, shot } from './support/browser.ts';
import { startHost, type HostProcess } from './support/host-process.ts';

const REPLY = [
  'Sure,',
  ' the weather today is mild.',
  ' There may be some light rain in the afternoon, so take a coat with you.',
  ' Tomorrow looks brighter, with sunshine from the morning until the late evening.',
  ' The weekend will be warm and dry, which is good news for a walk in the park.',
  ' Next week the temperature drops again, and the wind picks up near the coast.',
];

let host: HostProcess;
let browser: Browser;
let page: Page;

/** One second of quiet, the question, six seconds while the reply plays, then speech over it. */
function microphone(top: string): string {
  const wav = join(top, 'mic.wav');
  microphoneWav(wav, [
    spoken('what is the weather like', 1, 6),
    spoken('wait, stop, that is enough, thank you', 0, 2),
  ]);
  return wav;
}

beforeAll(async () => {
  if (speechTools) return;
  const top = mkdtempSync(join(tmpdir(), 'aether-e2e-talk-'));
  const wav = microphone(top);
  host = await startHost({
    dataDir: join(top, 'data'),
    model: cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY }),
    speech: [testPack('what is the weather like', { streaming: true })],
  });
  browser = await launchWithMicrophone(wav);
  page = await openWorkspace(browser, host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('talking with Aether', () => {
  it.skipIf(speechTools)('asks aloud, hears the reply, and interrupts it', async () => {
    const seen = { states: new Set<string>(), words: new Set<string>(), speaking: false };
    const watch = setInterval(() => {
      void page
        .evaluate(() => ({
          state: document.querySelector('[data-testid=turn-state]')?.getAttribute('data-state'),
          words: document.querySelector('[data-testid=voice-transcript]')?.textContent,
          speaking: document
            .querySelector('[data-testid=voice-state]')
            ?.getAttribute('data-speaking'),
        }))
        .then(({ state, words, speaking }) => {
          if (state) seen.states.add(state);
          if (words) seen.words.add(words);
          if (speaking) seen.speaking = true;
        })
        .catch(() => {});
    }, 25);
    await page.getByTestId('voice-output-toggle').click();
    await expect
      .poll(() => page.getByTestId('voice-output-toggle').getAttribute('aria-pressed'))
      .toBe('true');
    await page.getByTestId('voice-toggle').click();
    // The words become the message by themselves, and the reply starts to be spoken.
    await expect
      .poll(() => page.getByTestId('message-user').first().textContent(), { timeout: 20_000 })
      .toBe('WHAT IS THE WEATHER LIKE');
    await expect.poll(() => seen.speaking, { timeout: 15_000 }).toBe(true);
    // The inspector shows the pipeline: what was heard and the time to the first audio.
    await expect
      .poll(() => page.getByTestId('inspector-first-audio').textContent())
      .toMatch(/^\d+ ms$/);
    await shot(page, 'voice-speaking');
    // Speaking over it: ducked, then stopped, and the reply keeps only what was heard.
    await expect.poll(() => seen.states.has('barged_in'), { timeout: 20_000 }).toBe(true);
    const full = REPLY.join('');
    await expect
      .poll(async () => (await page.getByTestId('message-assistant').first().textContent()) ?? '', {
        timeout: 15_000,
      })
      .not.toBe(full);
    clearInterval(watch);
    const kept = (await page.getByTestId('message-assistant').first().textContent()) ?? '';
    // The reply shows what was heard, marked as stopped.
    expect(kept).toMatch(/\(stopped\)$/);
    const heard = kept.replace(/\s*\(stopped\)$/, '');
    expect(heard.length).toBeGreaterThan(0);
    expect(full.startsWith(heard)).toBe(true);
    // The words came one by one while they were spoken (a streaming recogniser).
    expect([...seen.words].some((w) => /what is/i.test(w) && !/like/i.test(w))).toBe(true);
    expect([...seen.states]).toEqual(
      expect.arrayContaining(['listening', 'speaking', 'barged_in']),
    );
  });
});
