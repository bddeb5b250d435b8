/** The project's seeded generator for simulated physical effects in tests (`src/math/splitmix.ts`). */
export { SplitMix64 } from '../../src/math/splitmix.js';
