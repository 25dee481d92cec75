import { defineConfig } from 'vitest/config';

// User journeys in Debian's Chromium (playwright-core) against a real headless host.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Models load and answer at the machine's pace; a poll waits for that, not a fixed second.
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
