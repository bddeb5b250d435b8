import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native addons (napi-rs, node-gyp, onnxruntime) load once per process: forks keep them isolated.
    pool: 'forks',
    // fast-check with a fixed seed (FC_SEED to change it): test/setup/fast-check.ts.
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    // Runs keep state (world-locked anchors) under $XDG_STATE_HOME: tests get their own, never the developer's.
    env: { XDG_STATE_HOME: join(tmpdir(), `karana-test-state-${process.pid}`) },
    hookTimeout: 120_000,
    // The HIL suites (test/hil/) also write test-results/hil-report.json.
    reporters: ['default', './test/hil/reporter.ts'],
  },
});
