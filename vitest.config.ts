import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code. Real SQLite files, real node-llama-cpp on
// generated models, real sockets on 127.0.0.1; nothing of ours is mocked.
/** Where the unit and integration tests are (the fast project runs a subset of the same). */
export const UNIT_TESTS = [
  'engines/**/*.test.ts',
  'scripts/**/*.test.ts',
  'src-main/**/*.test.ts',
  'src-renderer/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Model processes are heavy on a 2-core machine; files run one at a time.
    fileParallelism: false,
  },
});
