import type { RunCommandOptions } from '../../src/cli/run.js';

/** `karana run --speed 0 --no-hud --quiet` with detection on, as the tests run it. */
export const quietRun: RunCommandOptions = { speed: 0, hud: false, port: 0, host: '127.0.0.1', tickHz: 1000, detect: true, rtPriority: 0, quiet: true };
