/**
 * Typed wrapper of the karana_hal C addon (`hal/native/karana_hal.c`, built by `binding.gyp` into
 * `build/Release/karana_hal.node`): the Linux kernel interfaces Node lacks — CLOCK_MONOTONIC_RAW,
 * absolute-deadline sleep, real-time scheduling, CPU affinity and timer slack of the calling thread, and
 * V4L2 mmap capture with kernel timestamps ({@link V4l2Native}, `hal/native/v4l2.c`).
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

/** Opaque handle of an open V4L2 device (`v4l2Open`); closed by `v4l2Close` or when garbage-collected. */
export interface V4l2Handle {
  readonly __v4l2Handle: unique symbol;
}

/** VIDIOC_QUERYCAP (struct v4l2_capability); `deviceCaps` are the capabilities of this node. */
export interface V4l2Capability {
  readonly driver: string;
  readonly card: string;
  readonly busInfo: string;
  /** Kernel version the driver was built for, `(major << 16) | (minor << 8) | patch`. */
  readonly version: number;
  readonly capabilities: number;
  readonly deviceCaps: number;
}

/** A frame interval (VIDIOC_ENUM_FRAMEINTERVALS, VIDIOC_S_PARM `timeperframe`): seconds per frame = n / d. */
export interface V4l2Fraction {
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * A frame size of a format (VIDIOC_ENUM_FRAMESIZES). Discrete sizes list their intervals; a stepwise or
 * continuous range gives its maximum as `widthPx × heightPx` and its bounds and steps, with the intervals
 * of the maximum size (a stepwise interval range as its [min, max]).
 */
export interface V4l2FrameSize {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly minWidthPx?: number;
  readonly minHeightPx?: number;
  readonly stepWidthPx?: number;
  readonly stepHeightPx?: number;
  readonly intervals: readonly V4l2Fraction[];
}

/** A pixel format the device offers (VIDIOC_ENUM_FMT), e.g. `{fourcc: 'YUYV', description: 'YUYV 4:2:2'}`. */
export interface V4l2FormatDesc {
  readonly fourcc: string;
  readonly description: string;
  /** V4L2_FMT_FLAG_* (1 = compressed, 2 = emulated). */
  readonly flags: number;
  readonly sizes: readonly V4l2FrameSize[];
}

/** The format in force (VIDIOC_G_FMT / what VIDIOC_S_FMT actually set; struct v4l2_pix_format). */
export interface V4l2PixFormat {
  readonly fourcc: string;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Bytes per row of the (first) plane, padding included; 0 for compressed formats. */
  readonly bytesPerLine: number;
  /** Bytes a buffer needs (the largest compressed frame for MJPEG). */
  readonly sizeImage: number;
  readonly field: number;
  readonly colorspace: number;
}

/**
 * A filled buffer (VIDIOC_DQBUF, struct v4l2_buffer). Its pixels are the first `bytesUsed` bytes of the
 * ArrayBuffer `index` returned by `v4l2StartStreaming`, valid until `v4l2Queue(handle, index)`.
 */
export interface V4l2DequeuedBuffer {
  readonly index: number;
  readonly bytesUsed: number;
  /** Frame counter of the driver; a gap means frames were dropped (no buffer was queued in time). */
  readonly sequence: number;
  /** V4L2_BUF_FLAG_*. */
  readonly flags: number;
  /** V4L2_BUF_FLAG_ERROR: the data may be corrupt (a USB packet was lost). */
  readonly error: boolean;
  /** The kernel's capture timestamp, ns, on the clock `timestampClock` names. */
  readonly timestampNs: bigint;
  /**
   * `monotonic` (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC): CLOCK_MONOTONIC, the host clock of
   * `process.hrtime.bigint()`; `copy`: copied from an output buffer (mem-to-mem devices), not a capture
   * time; `unknown`: the driver does not say (old drivers, often wall-clock time).
   */
  readonly timestampClock: 'monotonic' | 'copy' | 'unknown';
  /** When in the frame the timestamp was taken: `eof` end of frame (the default), `soe` start of exposure. */
  readonly timestampSource: 'eof' | 'soe';
  /** CLOCK_MONOTONIC right after VIDIOC_DQBUF on the waiting thread, ns. */
  readonly dequeuedNs: bigint;
}

/**
 * The V4L2 capture functions of the addon (`hal/native/v4l2.c`; Linux V4L2 API, mmap streaming I/O).
 * Errors carry `code` = the errno name (`ENOENT`, `EACCES`, `EBUSY`, `ENODEV`, `ENOTTY` for a file that is
 * not a V4L2 device, …) and name the device path, the ioctl and the fix; argument errors are
 * TypeError/RangeError naming the parameter. Elsewhere than Linux every function throws "only available on
 * Linux".
 */
export interface V4l2Native {
  /** open(2) O_RDWR|O_NONBLOCK + VIDIOC_QUERYCAP; refuses nodes without single-planar capture and streaming. */
  v4l2Open(path: string): V4l2Handle;
  v4l2QueryCap(handle: V4l2Handle): V4l2Capability;
  v4l2EnumFormats(handle: V4l2Handle): V4l2FormatDesc[];
  v4l2GetFormat(handle: V4l2Handle): V4l2PixFormat;
  /** VIDIOC_S_FMT (progressive); returns what the driver set, which may differ from what was asked. */
  v4l2SetFormat(handle: V4l2Handle, fourcc: string, widthPx: number, heightPx: number): V4l2PixFormat;
  /** VIDIOC_S_PARM `timeperframe`; the interval the driver chose, or null when it cannot set one. */
  v4l2SetFrameInterval(handle: V4l2Handle, numerator: number, denominator: number): V4l2Fraction | null;
  /**
   * VIDIOC_REQBUFS (mmap) + VIDIOC_QUERYBUF + mmap + VIDIOC_QBUF of every buffer + VIDIOC_STREAMON.
   * @returns one external ArrayBuffer per kernel buffer (no copy); detached by stop/close (byteLength 0).
   */
  v4l2StartStreaming(handle: V4l2Handle, bufferCount: number): ArrayBuffer[];
  /** poll(2) + VIDIOC_DQBUF on a worker thread; null on timeout or `v4l2Cancel`. One in flight per handle. */
  v4l2Dequeue(handle: V4l2Handle, timeoutMs: number): Promise<V4l2DequeuedBuffer | null>;
  /** VIDIOC_QBUF: gives buffer `index` back to the driver (its ArrayBuffer's bytes may change from now on). */
  v4l2Queue(handle: V4l2Handle, index: number): void;
  /** Wakes a pending `v4l2Dequeue` (it resolves null). */
  v4l2Cancel(handle: V4l2Handle): void;
  /** VIDIOC_STREAMOFF, detach and munmap the buffers, VIDIOC_REQBUFS 0. */
  v4l2StopStreaming(handle: V4l2Handle): void;
  /** Stops streaming and closes the file descriptor; idempotent. */
  v4l2Close(handle: V4l2Handle): void;
}

/** The addon's functions. Argument errors are TypeError/RangeError naming the parameter and the value;
 * OS errors are Errors with `code` (`EPERM`, `EINVAL`, …). */
export interface HalNative extends V4l2Native {
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
