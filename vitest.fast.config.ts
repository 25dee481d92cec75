import { configDefaults, defineConfig } from 'vitest/config';
import { UNIT_TESTS } from './vitest.config.ts';

// The edit loop (`npm run test:fast`): every unit test that starts no model process and runs no
// crash loop, in parallel. The full suite (`npm test`) still runs all of them; the list is
// checked by scripts/fast-project.test.ts against the files that start a model.
export const SLOW = [
  'engines/policy/audit/crash.test.ts',
  'engines/host/command-effects.test.ts',
  'engines/host/host.test.ts',
  'engines/host/transports/openai-api.test.ts',
  'engines/interaction/voice-turn.test.ts',
  'engines/interaction/preload.test.ts',
  'engines/memory/background.test.ts',
  'engines/memory/vectors.test.ts',
  'engines/persona/persona-engine.test.ts',
  'engines/router/agent/agent-loop.test.ts',
  'engines/router/local/local-provider.test.ts',
  'engines/router/models/model-manager.test.ts',
  'engines/router/remote/remote-routing.test.ts',
  'engines/router/remote/prices.test.ts',
  'engines/router/tiers.test.ts',
  'engines/trust/trust-engine.test.ts',
  'scripts/gguf/make-model.test.ts',
  'scripts/doors.test.ts',
  'scripts/release/package.test.ts',
];

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    exclude: [...configDefaults.exclude, ...SLOW],
    testTimeout: 30_000,
  },
});
