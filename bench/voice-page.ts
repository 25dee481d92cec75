// The page's side of barge-in for bench:voice, in Debian's Chromium with the fake microphone: a
// spoken question, the reply spoken by the page's player, then the user speaking over it. How
// long after the onset of that speech (on the microphone's clock) the page ducked the reply —
// its energy gate reads every 20 ms frame, before the host's VAD has heard anything.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { cachedModel } from '../scripts/gguf/cache.ts';
import {
  energySpan,
  microphoneWav,
  spoken,
  testPack,
} from '../engines/interaction/speech/speech.fixture.ts';
import { CHROMIUM, pageReady, serveHost } from './page-host.ts';
import { summary } from './stats.ts';

/** Silence, the question, quiet while the reply plays, then speech over it; where that begins. */
function microphone(dir: string): { wav: string; overOnsetMs: number } {
  const wav = join(dir, 'mic.wav');
  const over = spoken('wait, stop, that is enough', 0, 2);
  const [, overAt] = microphoneWav(wav, [spoken('what is the weather like', 1, 5), over]);
  return { wav, overOnsetMs: overAt + energySpan(over).onMs };
}

/** A reply long enough to still be playing when the user speaks over it. */
const LONG_REPLY = [
  'Sure,',
  ' the sea is deep and wide.',
  ' It covers most of the Earth and holds most of its water.',
  ' Waves move across it all day and all night, pushed by the wind.',
  ' Far below, there are mountains, valleys and creatures that glow in the dark.',
];

export async function pageDuckBench(runs: number) {
  const missing = pageReady();
  if (missing) return { skipped: missing };
  const model = cachedModel({ preset: 'tiny', type: 'q8_0', script: LONG_REPLY });
  const dir = mkdtempSync(join(tmpdir(), 'aether-bench-page-'));
  const { wav, overOnsetMs } = microphone(dir);
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const pack = testPack('what is the weather like');
    const host = await serveHost(join(dir, `data-${i}`), ['--model', model, '--speech', pack]);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}%noloop`,
        '--no-sandbox',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(host.url);
      await page.getByTestId('voice-output-toggle').click();
      await page.getByTestId('voice-toggle').click();
      await page.waitForFunction(
        () => performance.getEntriesByName('aether:duck').length > 0,
        null,
        {
          timeout: 20_000,
        },
      );
      const ducks = await page.evaluate(() =>
        performance
          .getEntriesByName('aether:duck')
          .map((m) => (m as unknown as { detail: { audioMs: number } }).detail.audioMs),
      );
      const duck = ducks.find((ms) => ms >= overOnsetMs - 100);
      if (duck !== undefined) latencies.push(duck - overOnsetMs);
    } catch {
      // this run counts as missed
    } finally {
      await browser.close();
      host.stop();
    }
  }
  return { onsetToPageDuckMs: summary(latencies), missed: runs - latencies.length };
}
