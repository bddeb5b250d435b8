/**
 * Public API of the Rust native core (`native/src`, napi-rs). This hand-written wrapper is what the
 * runtime imports; the generated loader (`binding.cjs`, `binding.d.ts`, produced by
 * `npm run build:native`) is private to it.
 *
 * Kernels take and fill caller-owned typed arrays without copying. `…Sync` functions run on the
 * calling thread; their async twins run on the libuv thread pool and must not have their buffers
 * touched until the promise settles. Caller errors (wrong sizes, bad options, buffers that share
 * memory where one is written) throw an `Error` whose message names the parameter and the value,
 * e.g. `"out" must hold 519168 floats, got 1000`; the async twins reject with the same messages.
 * Degraded data (a dropped IMU sample, a clock step) never throws: it is counted in the result.
 *
 * Conventions: SI units; timestamps are the runtime's monotonic clock in ns; quaternions are
 * Hamilton `[w, x, y, z]`, `q_world_body`, world frame z up. See `docs/native.md`.
 */
export * from './ts/image.js';
export * from './ts/features.js';
export * from './ts/detect.js';
export * from './ts/tracking.js';
export * from './ts/phase.js';
export * from './ts/vio.js';
