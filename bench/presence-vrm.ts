// bench:presence's VRM part, in Debian's Chromium (WebGL through SwiftShader, on the CPU)
// against the headless host: the generated VRM is picked in the stage as a user would, allowed,
// and drawn from L3's frames at 60 fps for a while. Reported: the time to pose and draw one
// frame, and of that three.js's draw alone — the bare dependency's cost in the same frames.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { makeVrm } from '../scripts/vrm/make-vrm.ts';
import { CHROMIUM, pageReady, serveHost } from './page-host.ts';
import { round } from './stats.ts';

export async function vrmFrameBench(ms: number) {
  const missing = pageReady();
  if (missing) return { skipped: missing };
  const dir = mkdtempSync(join(tmpdir(), 'aether-bench-vrm-'));
  const file = join(dir, 'bench.vrm');
  const bytes = makeVrm({ spec: '1.0' });
  writeFileSync(file, bytes);
  const host = await serveHost(join(dir, 'data'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await page.getByTestId('avatar-vrm-pick').setInputFiles(file);
    await page.getByTestId('approval-allow').click();
    const avatar = page.locator('[data-testid=avatar][data-kind=vrm][data-state=shown]');
    await avatar.waitFor({ timeout: 60_000 });
    const before = Number((await avatar.getAttribute('data-drawn')) ?? 0);
    await new Promise((r) => setTimeout(r, ms));
    const read = async (name: string) => Number(await avatar.getAttribute(name));
    const drawn = (await read('data-drawn')) - before;
    const frameP50 = await read('data-draw-p50');
    return {
      model: { bytes: bytes.length, spec: '1.0' },
      seconds: ms / 1000,
      framesDrawn: drawn,
      fps: round(drawn / (ms / 1000)),
      frameMs: { p50: frameP50, p99: await read('data-draw-p99') },
      threeDrawP50Ms: await read('data-three-p50'),
      shareOf60fpsBudget: Math.round((frameP50 / (1000 / 60)) * 1000) / 1000,
      note: "main-thread time per frame: posing (Aether) + three-vrm's update + three.js's draw call; the pixels are rasterised in Chromium's GPU process (SwiftShader here, on the CPU), and fps says whether the page kept up",
    };
  } finally {
    await browser.close();
    host.stop();
  }
}
