/**
 * Phase and clock math of the native core (karana-phase): device-clock → host-clock mapping robust to
 * one-sided queueing delay (`ClockSync`: TICSync lower hull, PI loop, least squares), circular
 * statistics, and the Kuramoto order parameter and coupling steps of cluster phase (seed 003).
 * See `docs/native-phase.md`.
 */
export * from './phase/clock.js';
export * from './phase/circular.js';
