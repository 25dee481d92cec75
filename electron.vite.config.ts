import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Three bundles: the Electron main process (with the model and speech workers as their own
// entries, since they run in utility processes), the sandboxed preload, and the React renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/index.ts'),
          'model-worker': resolve('engines/router/local/worker.ts'),
          'audit-verify-worker': resolve('engines/policy/audit/verify-worker.ts'),
          'speech-worker': resolve('engines/interaction/speech/speech-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot be ES modules.
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    worker: { format: 'es' },
    // Monaco is loaded only when the Persona tab opens; its chunk is large by nature.
    build: {
      outDir: 'out/renderer',
      minify: true,
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
