/**
 * Typed wrapper of the karana_hal C addon (`hal/native/karana_hal.c`, built by `binding.gyp` into
 * `build/Release/karana_hal.node`): the Linux kernel interfaces Node lacks — CLOCK_MONOTONIC_RAW,
 * absolute-deadline sleep, real-time scheduling, CPU affinity and timer slack of the calling thread.
 *
 * Load it with {@link loadHalNative} (throws a clear error when it is missing) or {@link tryLoadHalNative}
 * (returns `null` and the reason). Every thread function acts on the CALLING thread (main thread or a
 * worker thread), never on the process. Sources: clock_gettime(2), clock_nanosleep(2), sched(7),
 * pthread_setschedparam(3), pthread_setaffinity_np(3), prctl(2) PR_SET_TIMERSLACK, gettid(2).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real-time policies of sched(7): `fifo` = SCHED_FIFO, `rr` = SCHED_RR (round-robin among equals). */
export type RealtimePolicy = 'fifo' | 'rr';

/** A thread's scheduling policy (sched(7): other, fifo, rr, batch, idle, deadline) and static priority. */
export interface ThreadScheduler {
  readonly policy: 'other' | 'fifo' | 'rr' | 'batch' | 'idle' | 'deadline' | 'unknown';
  /** Static priority: 1–99 for fifo/rr, 0 otherwise. */
  readonly priority: number;
}

/** The addon's functions. Argument errors are TypeError/RangeError naming the parameter and the value;
 * OS errors are Errors with `code` (`EPERM`, `EINVAL`, …). */
export interface HalNative {
  /** CLOCK_MONOTONIC_RAW, ns (not slewed by NTP; its rate differs slightly from CLOCK_MONOTONIC). */
  monotonicRawNs(): bigint;
  /** CLOCK_MONOTONIC, ns: the clock of `process.hrtime.bigint()`. */
  monotonicNs(): bigint;
  /**
   * Block the calling thread until CLOCK_MONOTONIC reaches `deadline` (ns), with clock_nanosleep(2)
   * TIMER_ABSTIME, retried on EINTR; returns at once for a past deadline. Worker threads only: it blocks the
   * event loop of the thread that calls it.
   * @throws TypeError/RangeError `"deadline" must be a bigint of ns on CLOCK_MONOTONIC in [0, 2^63), got …`
   */
  sleepUntilMonotonicNs(deadline: bigint): void;
  /**
   * Give the calling thread a real-time policy and priority (pthread_setschedparam(3), sched(7)).
   * @throws RangeError `"priority" must be an integer in [1, 99], got 120` (range from
   *   sched_get_priority_min/max), `"policy" must be 'fifo' or 'rr', got …`
   * @throws Error with code `EPERM` naming the cause (no CAP_SYS_NICE, RLIMIT_RTPRIO too low, cgroup RT
   *   runtime) and the fix (CAP_SYS_NICE, `ulimit -r` / `rtprio` in /etc/security/limits.conf, root).
   */
  setThreadRealtime(priority: number, policy: RealtimePolicy): void;
  /** Return the calling thread to SCHED_OTHER (priority 0); this also resets its timer slack to the default. */
  setThreadNormal(): void;
  /** The calling thread's policy and priority. */
  getThreadScheduler(): ThreadScheduler;
  /**
   * Pin the calling thread to `cpus` (pthread_setaffinity_np(3)); all or nothing.
   * @throws RangeError `"cpus" must be a non-empty array of CPU numbers, got …`,
   *   `"cpus[1]" must be an integer in [0, 1023], got …`, `"cpus[0]" = 7 is not a CPU this thread may run on
   *   (offline, absent, or outside this process's cpuset)` (code EINVAL).
   */
  setThreadAffinity(cpus: readonly number[]): void;
  /** CPUs the calling thread may run on, ascending. */
  getThreadAffinity(): number[];
  /**
   * Set the calling thread's timer slack, ns (prctl(2) PR_SET_TIMERSLACK): how much later than asked the
   * kernel may end its sleeps (default 50 µs for normal threads, 0 for real-time ones).
   * @throws RangeError `"slackNs" must be an integer in [1, 1000000000], got …`
   */
  setTimerSlackNs(slackNs: number): void;
  /** Kernel thread id of the calling thread (gettid(2)); equals `process.pid` on the main thread. */
  threadId(): number;
}

/** Outcome of {@link tryLoadHalNative}: the addon, or `null` and why it could not be loaded. */
export type HalLoadResult =
  | { readonly hal: HalNative; readonly reason: null }
  | { readonly hal: null; readonly reason: string };

const BUILD_HINT = 'build it with `npm run build` or `node hal/native/build.mjs` (needs python3, make, a C compiler and the Node headers)';

/** The repository (package) root: the nearest directory above this module holding `package.json`. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`karana_hal: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of the built addon, `<package root>/build/Release/karana_hal.node` (may not exist). */
export function halAddonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'karana_hal.node');
}

let cached: HalLoadResult | undefined;

/** Load the addon from {@link halAddonPath} (once per thread) or return `null` and the reason; never throws. */
export function tryLoadHalNative(): HalLoadResult {
  if (cached !== undefined) return cached;
  try {
    cached = tryLoadHalNativeFrom(halAddonPath());
  } catch (error) {
    cached = { hal: null, reason: (error as Error).message };
  }
  return cached;
}

/** Load the addon from `file` (not cached) or return `null` and the reason; never throws. */
export function tryLoadHalNativeFrom(file: string): HalLoadResult {
  if (process.platform !== 'linux') {
    return { hal: null, reason: `karana_hal: the HAL addon is Linux-only; this is ${process.platform}` };
  }
  if (!existsSync(file)) return { hal: null, reason: `karana_hal: native addon not found at ${file}; ${BUILD_HINT}` };
  try {
    return { hal: createRequire(import.meta.url)(file) as HalNative, reason: null };
  } catch (error) {
    return { hal: null, reason: `karana_hal: could not load ${file} (${(error as Error).message}); re${BUILD_HINT}` };
  }
}

/**
 * The addon.
 * @throws Error when it is not built or cannot be loaded, saying where it looked and how to build it.
 */
export function loadHalNative(): HalNative {
  const result = tryLoadHalNative();
  if (result.hal === null) throw new Error(result.reason);
  return result.hal;
}

/** What {@link pinCallingThread} applies; every field is optional. */
export interface PinOptions {
  /** Real-time priority (1–99 on Linux); omitted: the policy is left alone. */
  readonly priority?: number;
  /** Default `fifo`. */
  readonly policy?: RealtimePolicy;
  /** CPUs to pin to; omitted: affinity is left alone. */
  readonly cpus?: readonly number[];
}

/** The calling thread after {@link pinCallingThread}: its id, what it now runs with, and how to undo it. */
export interface PinnedThread {
  readonly threadId: number;
  readonly scheduler: ThreadScheduler;
  readonly cpus: readonly number[];
  /** Restore the policy, priority and affinity the thread had before (on the same thread). */
  restore(): void;
}

/**
 * Apply CPU affinity, then a real-time priority, to the calling thread (e.g. the main thread that runs the
 * tick callbacks; see docs/realtime.md). Affinity is applied first so that a refused priority leaves the
 * thread as it was (the affinity is rolled back).
 * @throws what {@link loadHalNative}, `setThreadAffinity` and `setThreadRealtime` throw.
 */
export function pinCallingThread(options: PinOptions): PinnedThread {
  const hal = loadHalNative();
  const before = { scheduler: hal.getThreadScheduler(), cpus: hal.getThreadAffinity() };
  const restore = (): void => {
    const { policy, priority } = before.scheduler;
    if (policy === 'fifo' || policy === 'rr') hal.setThreadRealtime(priority, policy);
    else hal.setThreadNormal();
    hal.setThreadAffinity(before.cpus);
  };
  if (options.cpus !== undefined) hal.setThreadAffinity(options.cpus);
  if (options.priority !== undefined) {
    try {
      hal.setThreadRealtime(options.priority, options.policy ?? 'fifo');
    } catch (error) {
      hal.setThreadAffinity(before.cpus);
      throw error;
    }
  }
  return { threadId: hal.threadId(), scheduler: hal.getThreadScheduler(), cpus: hal.getThreadAffinity(), restore };
}
