import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native addons (napi-rs, node-gyp, onnxruntime) load once per process: forks keep them isolated.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The HIL suites (test/hil/) also write test-results/hil-report.json.
    reporters: ['default', './test/hil/reporter.ts'],
  },
});
