/**
 * Property tests (fast-check) run with one fixed seed, so `npm test` is deterministic: a failure in CI reproduces
 * on any machine. `FC_SEED=<n>` runs them with another seed, `FC_SEED=random` with a fresh one per run (to
 * explore; fast-check prints the seed and the shrunk counterexample of a failure, to pin as a case).
 */
import fc from 'fast-check';

const given = process.env.FC_SEED;
const seed = given === 'random' ? undefined : given === undefined || given === '' ? 0x6b6172 : Number(given);
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${given}`);
fc.configureGlobal(seed === undefined ? {} : { seed });
