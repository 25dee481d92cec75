import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code. Real SQLite files, real node-llama-cpp on
// generated models, real sockets on 127.0.0.1; nothing of ours is mocked.
export default defineConfig({
  test: {
    include: [
      'engines/**/*.test.ts',
      'scripts/**/*.test.ts',
      'src-main/**/*.test.ts',
      'src-renderer/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Model processes are heavy on a 2-core machine; files run one at a time.
    fileParallelism: false,
  },
});
