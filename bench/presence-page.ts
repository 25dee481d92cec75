// The page's side of bench:presence, in Debian's Chromium against the headless host: the stage
// asks for 60 fps, and every change the avatar's head pose makes in the DOM is timed for a while.
// Jitter is how far each interval between drawn frames is from 1000/60 ms.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, pageReady, serveHost } from './page-host.ts';
import { percentile, round, summary } from './stats.ts';

export async function pageFrameBench(ms: number) {
  const missing = pageReady();
  if (missing) return { skipped: missing };
  const host = await serveHost(mkdtempSync(join(tmpdir(), 'aether-bench-face-')));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await page.getByTestId('avatar').waitFor();
    const times = await page.evaluate(async (span) => {
      // In the page: the bench's own types know no DOM.
      const dom = globalThis as unknown as {
        document: { querySelector(s: string): object };
        MutationObserver: new (fn: () => void) => {
          observe(node: object, options: object): void;
          disconnect(): void;
        };
      };
      const at: number[] = [];
      const head = dom.document.querySelector('[data-testid=avatar] g');
      const seen = new dom.MutationObserver(() => at.push(performance.now()));
      seen.observe(head, { attributes: true, attributeFilter: ['transform'] });
      await new Promise((r) => setTimeout(r, span));
      seen.disconnect();
      return at;
    }, ms);
    const intervals = times.slice(1).map((t, i) => t - times[i]);
    const off = intervals.map((d) => Math.abs(d - 1000 / 60));
    return {
      seconds: ms / 1000,
      framesDrawn: times.length,
      fps: round(times.length / (ms / 1000)),
      intervalMs: summary(intervals),
      jitterP95Ms: round(percentile(off, 95)),
      target: 'jitter p95 ≤ 4 ms',
    };
  } finally {
    await browser.close();
    host.stop();
  }
}
