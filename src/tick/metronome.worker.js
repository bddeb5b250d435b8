/**
 * The metronome thread (a worker thread started by `Metronome`, see `metronome.ts`). It fires on absolute
 * deadlines, deadline(k) = deadline(k₀) + (k − k₀)·periodNs on CLOCK_MONOTONIC (the clock of
 * `process.hrtime.bigint()`), so errors never accumulate: it sleeps until the deadline, publishes
 * (tick, deadline, wake time, period) in shared memory under a seqlock, and wakes the consumer thread
 * (`Atomics.notify` on the sequence word, or a `postMessage`).
 *
 * Sleeping: `addon` = karana_hal `sleepUntilMonotonicNs` (clock_nanosleep(2) TIMER_ABSTIME, with the
 * thread's timer slack set to 1 ns, prctl(2)); `atomics` = `Atomics.wait` on the control word with the
 * remaining time as timeout. Sleeps are cut in slices of at most {@link SLICE_NS} so that `stop()` and
 * `setPeriod()` are seen within a slice (the `atomics` sleep also wakes at once on notify). An optional spin
 * covers the last `spinNs` before the deadline. The thread never fires before its deadline, and when it
 * wakes more than one period late it fires the current tick (no burst); the consumer counts the gap.
 *
 * Plain ESM JavaScript with JSDoc types: it runs unchanged from `src/` (vitest) and from `dist/` (tsc).
 * Importing it only gives the shared-memory layout; the loop runs only in a worker started with
 * `workerData.kind === 'karana-metronome'`.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/** Int32 slots of the shared buffer. */
export const I32 = Object.freeze({
  /** Control generation: bumped by the owner on stop/setPeriod; the sleeping thread waits on it. */
  CTRL: 0,
  /** 1 once stop is requested. */
  STOP: 1,
  /** Seqlock of the tick snapshot: odd while the metronome thread writes; the consumer waits on it. */
  SEQ: 2,
});

/** BigInt64 slots of the shared buffer, starting at byte {@link B64_OFFSET}. */
export const B64 = Object.freeze({
  /** Last tick fired (0-based). */
  TICK: 0,
  /** Its deadline, CLOCK_MONOTONIC ns. */
  DEADLINE: 1,
  /** When the metronome thread woke for it, CLOCK_MONOTONIC ns. */
  WAKE: 2,
  /** The period in force for it, ns. */
  PERIOD: 3,
  /** Period requested by the owner (set before the thread starts, then by `setPeriod`), ns. */
  PERIOD_REQ: 4,
});

export const B64_OFFSET = 16;
/** Size of the shared buffer, bytes. */
export const SHARED_BYTES = B64_OFFSET + 8 * 5;
/** Longest single sleep, ns: bounds how late stop/setPeriod are seen with the addon sleep. */
export const SLICE_NS = 20_000_000n;

/**
 * @typedef {object} MetronomeWorkerData
 * @property {'karana-metronome'} kind
 * @property {SharedArrayBuffer} shared
 * @property {bigint | null} startNs deadline of tick 0 (CLOCK_MONOTONIC ns); null = when the thread is ready
 * @property {'addon' | 'atomics'} sleep
 * @property {'atomics' | 'message'} wake
 * @property {number} spinNs busy-wait before each deadline, ns (0 = none)
 * @property {string | null} addonPath karana_hal.node, required for `sleep: 'addon'` and `realtime`
 * @property {{ priority: number, policy: 'fifo' | 'rr', cpus: number[] | null } | null} realtime
 */

/**
 * @typedef {object} HalSubset
 * @property {(deadline: bigint) => void} sleepUntilMonotonicNs
 * @property {(priority: number, policy: 'fifo' | 'rr') => void} setThreadRealtime
 * @property {(cpus: readonly number[]) => void} setThreadAffinity
 * @property {() => number[]} getThreadAffinity
 * @property {() => { policy: string, priority: number }} getThreadScheduler
 * @property {(slackNs: number) => void} setTimerSlackNs
 * @property {() => number} threadId
 */

const now = () => process.hrtime.bigint();
/** @type {(file: string) => unknown} */
const requireAddon = createRequire(import.meta.url);

/**
 * @param {MetronomeWorkerData} data
 * @param {import('node:worker_threads').MessagePort} port
 */
function run(data, port) {
  const i32 = new Int32Array(data.shared, 0, 4);
  const b64 = new BigInt64Array(data.shared, B64_OFFSET, 5);
  /** @type {HalSubset | null} */
  let hal = null;
  try {
    if (data.addonPath !== null) hal = /** @type {HalSubset} */ (requireAddon(data.addonPath));
    if (hal !== null && data.realtime !== null) {
      if (data.realtime.cpus !== null) hal.setThreadAffinity(data.realtime.cpus);
      hal.setThreadRealtime(data.realtime.priority, data.realtime.policy);
    }
    if (hal !== null && data.realtime === null && data.sleep === 'addon') hal.setTimerSlackNs(1);
  } catch (error) {
    const e = /** @type {Error & { code?: string }} */ (error);
    port.postMessage({ type: 'error', message: e.message, code: e.code ?? null });
    return;
  }
  const sleepTo = data.sleep === 'addon' && hal !== null ? hal.sleepUntilMonotonicNs : null;
  let gen = Atomics.load(i32, I32.CTRL);
  const spinNs = BigInt(Math.max(0, Math.round(data.spinNs)));

  /**
   * Sleep until `deadline`; 'due' when reached, 'ctrl' when the owner changed something first.
   * @param {bigint} deadline
   * @returns {'due' | 'ctrl'}
   */
  const sleepUntil = (deadline) => {
    const coarse = deadline - spinNs;
    for (let t = now(); t < coarse; t = now()) {
      if (Atomics.load(i32, I32.CTRL) !== gen) return 'ctrl';
      const target = coarse - t > SLICE_NS ? t + SLICE_NS : coarse;
      if (sleepTo !== null) sleepTo(target);
      else Atomics.wait(i32, I32.CTRL, gen, Number(target - t) / 1e6);
    }
    while (now() < deadline); // the spin (spinNs > 0 only); also guards against an early timeout
    return Atomics.load(i32, I32.CTRL) !== gen ? 'ctrl' : 'due';
  };

  let periodNs = Atomics.load(b64, B64.PERIOD_REQ); // read after `gen`: a later setPeriod bumps CTRL
  let tick = 0;
  let deadline = data.startNs ?? now();
  /** @type {bigint | null} */
  let lastDeadline = null;
  port.postMessage({
    type: 'ready',
    startNs: deadline,
    threadId: hal?.threadId() ?? null,
    scheduler: hal?.getThreadScheduler() ?? null,
    cpus: hal?.getThreadAffinity() ?? null,
  });
  while (Atomics.load(i32, I32.STOP) === 0) {
    if (sleepUntil(deadline) === 'ctrl') {
      gen = Atomics.load(i32, I32.CTRL);
      const requested = Atomics.load(b64, B64.PERIOD_REQ);
      if (requested !== periodNs) {
        periodNs = requested;
        if (lastDeadline !== null) deadline = lastDeadline + periodNs;
      }
      continue;
    }
    const wakeNs = now();
    if (wakeNs - deadline >= periodNs) {
      const behind = (wakeNs - deadline) / periodNs; // whole periods missed: fire the current tick
      tick += Number(behind);
      deadline += behind * periodNs;
    }
    Atomics.add(i32, I32.SEQ, 1); // odd: writing
    Atomics.store(b64, B64.TICK, BigInt(tick));
    Atomics.store(b64, B64.DEADLINE, deadline);
    Atomics.store(b64, B64.WAKE, wakeNs);
    Atomics.store(b64, B64.PERIOD, periodNs);
    Atomics.add(i32, I32.SEQ, 1); // even: stable
    if (data.wake === 'atomics') Atomics.notify(i32, I32.SEQ);
    else port.postMessage({ type: 'tick', tick, deadlineNs: deadline, wakeNs, periodNs });
    lastDeadline = deadline;
    tick += 1;
    deadline += periodNs;
  }
}

/** @type {unknown} */
const received = workerData;
const data = /** @type {Partial<MetronomeWorkerData> | null | undefined} */ (received);
if (parentPort !== null && data?.kind === 'karana-metronome') run(/** @type {MetronomeWorkerData} */ (data), parentPort);
