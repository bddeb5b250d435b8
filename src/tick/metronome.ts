/**
 * The metronome: a real-time tick source for the tick loop, up to 1 kHz. Node timers cannot hold such a
 * rate (`setInterval` drifts, `setTimeout` rounds to whole ms), so a worker thread (`metronome.worker.js`)
 * sleeps until absolute deadlines on CLOCK_MONOTONIC — deadline(k) = startNs + k·periodNs — and wakes the
 * consumer (this thread) with `Atomics.notify`, received here by `Atomics.waitAsync`.
 *
 * The callback gets `{ tick, deadlineNs, wakeNs, lateByNs }`; times are `process.hrtime.bigint()` ns
 * (CLOCK_MONOTONIC). A consumer more than one period behind skips to the current tick (never a burst of
 * catch-up callbacks); ticks never delivered are counted in `stats().skipped`.
 *
 * Sources: clock_nanosleep(2) (absolute sleeps), sched(7) and pthread_setaffinity_np(3) (the `realtime`
 * option), docs/realtime.md (measurements, what the main thread should do).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { halAddonPath, tryLoadHalNative, type RealtimePolicy, type ThreadScheduler } from '../../hal/native/index.js';
import { LatencyHistogram, type LatencySummary } from '../metrics/histogram.js';
import { B64, B64_OFFSET, I32, SHARED_BYTES } from './metronome.worker.js';

/** Shortest and longest accepted period, ns (10 kHz … 1/60 Hz). */
export const MIN_PERIOD_NS = 100_000n;
export const MAX_PERIOD_NS = 60_000_000_000n;

/** What the callback receives for one tick. */
export interface MetronomeTick {
  /** Tick number, 0-based, counted across period changes; jumps when ticks were skipped. */
  readonly tick: number;
  /** Scheduled time of the tick, hrtime (CLOCK_MONOTONIC) ns. */
  readonly deadlineNs: bigint;
  /** When the metronome thread woke and signalled the wake that led to this callback, hrtime ns. */
  readonly wakeNs: bigint;
  /** Callback start − deadline, ns (≥ 0: the metronome never fires early). */
  readonly lateByNs: number;
}

export interface MetronomeOptions {
  /** Tick period, ns (integer in [1e5, 6e10]). */
  readonly periodNs: bigint | number;
  readonly onTick: (tick: MetronomeTick) => void;
  /** Real-time priority (sched(7)) and CPU affinity for the metronome thread; needs the karana_hal addon. */
  readonly realtime?: { readonly priority: number; readonly policy?: RealtimePolicy; readonly cpus?: readonly number[] };
  /** How the metronome thread sleeps: `addon` (clock_nanosleep), `atomics` (Atomics.wait), `auto` (addon
   * when built). Default `auto`. */
  readonly sleep?: 'auto' | 'addon' | 'atomics';
  /** How it wakes this thread: `atomics` (notify + waitAsync, default) or `message` (postMessage). */
  readonly wake?: 'atomics' | 'message';
  /** Busy-wait over the last `spinNs` before each deadline on the metronome thread, ns. Default 0. */
  readonly spinNs?: number;
  /** Called when `onTick` throws (the metronome goes on; `tick` is the tick) or the metronome thread fails
   * (`tick` is null; it has stopped). Default: rethrown as an uncaught exception, as a throwing timer would. */
  readonly onError?: (error: unknown, tick: MetronomeTick | null) => void;
}

/** The metronome thread as it runs (from the addon; `null` without it). */
export interface MetronomeThread {
  readonly threadId: number;
  readonly scheduler: ThreadScheduler;
  readonly cpus: readonly number[];
}

export interface MetronomeStats {
  /** Callbacks run. */
  readonly ticks: number;
  /** Ticks never delivered because the consumer (or the metronome thread) was over a period late. */
  readonly skipped: number;
  /** Callbacks that threw. */
  readonly errors: number;
  /** Last tick delivered, −1 before the first. */
  readonly lastTick: number;
  /** Callback start − deadline, ns. */
  readonly lateness: LatencySummary;
  readonly sleep: 'addon' | 'atomics';
  readonly wake: 'atomics' | 'message';
  readonly thread: MetronomeThread | null;
}

/** A tick as the metronome thread published it. */
export interface TickNotice {
  readonly tick: number;
  readonly deadlineNs: bigint;
  readonly periodNs: bigint;
}

/**
 * Skip logic of the consumer, a pure function of the notices and the clock (tested with a fake clock).
 * A notice already delivered (or older) is dropped; one whose deadline is a period or more behind `nowNs`
 * is advanced to the current tick, tick + ⌊(now − deadline) / period⌋; ticks between the last delivered
 * one and the delivered one are counted as skipped.
 */
export class TickGate {
  lastTick = -1;
  skipped = 0;

  /** The tick to deliver now for `notice` at `nowNs`, or `null` when it is stale. */
  admit(notice: TickNotice, nowNs: bigint): { readonly tick: number; readonly deadlineNs: bigint } | null {
    let { tick, deadlineNs } = notice;
    if (nowNs - deadlineNs >= notice.periodNs) {
      const behind = (nowNs - deadlineNs) / notice.periodNs;
      tick += Number(behind);
      deadlineNs += behind * notice.periodNs;
    }
    if (tick <= this.lastTick) return null;
    this.skipped += tick - this.lastTick - 1;
    this.lastTick = tick;
    return { tick, deadlineNs };
  }
}

/** `periodNs` as a bigint, validated. @throws RangeError `"periodNs" must be an integer number of ns in [100000, 60000000000], got 5` */
export function checkPeriodNs(periodNs: unknown): bigint {
  const ok =
    (typeof periodNs === 'bigint' || (typeof periodNs === 'number' && Number.isSafeInteger(periodNs))) &&
    BigInt(periodNs) >= MIN_PERIOD_NS &&
    BigInt(periodNs) <= MAX_PERIOD_NS;
  if (!ok) {
    const got = typeof periodNs === 'bigint' ? `${periodNs}n` : typeof periodNs === 'number' ? String(periodNs) : typeof periodNs;
    throw new RangeError(`"periodNs" must be an integer number of ns in [${MIN_PERIOD_NS}, ${MAX_PERIOD_NS}], got ${got}`);
  }
  return BigInt(periodNs);
}

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
/** ES2024 `Atomics.waitAsync` (in Node ≥ 16; not in the ES2023 lib typings). */
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';
type WorkerMessage =
  | { type: 'ready'; startNs: bigint; threadId: number | null; scheduler: ThreadScheduler | null; cpus: number[] | null }
  | { type: 'error'; message: string; code: string | null }
  | { type: 'tick'; tick: number; deadlineNs: bigint; wakeNs: bigint; periodNs: bigint };

/** Ticks on absolute deadlines from a worker thread; see the module docs. One-shot: start once, stop once. */
export class Metronome {
  private periodNs: bigint;
  private readonly onTick: (tick: MetronomeTick) => void;
  private readonly onError: (error: unknown, tick: MetronomeTick | null) => void;
  private readonly options: MetronomeOptions;
  private readonly sleepMode: 'addon' | 'atomics';
  private readonly shared = new SharedArrayBuffer(SHARED_BYTES);
  private readonly i32 = new Int32Array(this.shared, 0, 4);
  private readonly b64 = new BigInt64Array(this.shared, B64_OFFSET, 5);
  private readonly gate = new TickGate();
  private readonly lateness = new LatencyHistogram();
  private state: State = 'idle';
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private thread: MetronomeThread | null = null;
  private ticks = 0;
  private errors = 0;

  /**
   * @throws RangeError for a bad `periodNs`; TypeError `"onTick" must be a function, got …`;
   *   Error when `realtime` or `sleep: 'addon'` is asked for and the addon is not built (with the reason).
   */
  constructor(options: MetronomeOptions) {
    this.periodNs = checkPeriodNs(options.periodNs);
    if (typeof options.onTick !== 'function') throw new TypeError(`"onTick" must be a function, got ${typeof options.onTick}`);
    this.options = options;
    this.onTick = options.onTick;
    this.onError =
      options.onError ??
      ((error) =>
        setImmediate(() => {
          throw error;
        }));
    const hal = tryLoadHalNative();
    if (options.realtime !== undefined && hal.hal === null) throw new Error(`"realtime" needs the karana_hal addon: ${hal.reason}`);
    if (options.sleep === 'addon' && hal.hal === null) throw new Error(`"sleep" is 'addon' but the karana_hal addon is unavailable: ${hal.reason}`);
    this.sleepMode = options.sleep === 'atomics' || hal.hal === null ? 'atomics' : 'addon';
    Atomics.store(this.b64, B64.PERIOD_REQ, this.periodNs);
  }

  /**
   * Start the metronome thread; tick 0 is due at `startNs` (hrtime ns; default: as soon as the thread is
   * ready). A `startNs` in the past skips (and counts) the ticks already gone.
   * @throws Error when already started; the addon's error (e.g. EPERM) when `realtime` cannot be applied.
   */
  async start(startNs?: bigint): Promise<void> {
    if (this.state !== 'idle') throw new Error(`Metronome.start: already ${this.state}; a Metronome starts once`);
    this.state = 'starting';
    const realtime = this.options.realtime;
    const worker = new Worker(new URL('./metronome.worker.js', import.meta.url), {
      workerData: {
        kind: 'karana-metronome',
        shared: this.shared,
        startNs: startNs ?? null,
        sleep: this.sleepMode,
        wake: this.options.wake ?? 'atomics',
        spinNs: this.options.spinNs ?? 0,
        addonPath: this.sleepMode === 'addon' || realtime !== undefined ? halAddonPath() : null,
        realtime: realtime === undefined ? null : { priority: realtime.priority, policy: realtime.policy ?? 'fifo', cpus: realtime.cpus ?? null },
      },
    });
    this.worker = worker;
    // Not events.once: it would reject on a worker 'error' and leave an unhandled rejection behind.
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    let message: WorkerMessage;
    try {
      const first = await Promise.race([
        once(worker, 'message') as Promise<[WorkerMessage]>,
        this.exited.then(() => [{ type: 'error', message: 'metronome thread exited before it was ready', code: null }] as const),
      ]);
      message = first[0];
    } catch (error) {
      message = { type: 'error', message: `metronome thread failed to start: ${(error as Error).message}`, code: null };
    }
    if (message.type !== 'ready') {
      this.state = 'stopped';
      await worker.terminate();
      const error = new Error(message.type === 'error' ? message.message : 'metronome thread: unexpected first message') as Error & { code?: string };
      if (message.type === 'error' && message.code !== null) error.code = message.code;
      throw error;
    }
    if (message.threadId !== null && message.scheduler !== null && message.cpus !== null) {
      this.thread = { threadId: message.threadId, scheduler: message.scheduler, cpus: message.cpus };
    }
    if (this.state !== 'starting') return; // stop() was called meanwhile
    this.state = 'running';
    worker.on('error', (error) => this.onError(error, null));
    worker.on('exit', () => {
      if (this.state === 'running') this.state = 'stopped';
    });
    if ((this.options.wake ?? 'atomics') === 'message') {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'tick' && this.state === 'running') this.deliver(m, m.wakeNs);
      });
    } else {
      void this.consume();
    }
  }

  /** Change the period, ns; the next tick is due one new period after the last one fired. @throws RangeError as the constructor. */
  setPeriod(periodNs: bigint | number): void {
    this.periodNs = checkPeriodNs(periodNs);
    Atomics.store(this.b64, B64.PERIOD_REQ, this.periodNs);
    this.signal();
  }

  /** Stop: no callback runs after this call; resolves when the metronome thread has exited. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (this.state === 'idle') this.state = 'stopped';
    if (this.state === 'stopped' || this.state === 'stopping' || worker === null) return;
    this.state = 'stopping';
    Atomics.store(this.i32, I32.STOP, 1);
    this.signal();
    Atomics.notify(this.i32, I32.SEQ); // release the waitAsync of consume()
    await this.exited;
    this.state = 'stopped';
  }

  stats(): MetronomeStats {
    return {
      ticks: this.ticks,
      skipped: this.gate.skipped,
      errors: this.errors,
      lastTick: this.gate.lastTick,
      lateness: this.lateness.summary(),
      sleep: this.sleepMode,
      wake: this.options.wake ?? 'atomics',
      thread: this.thread,
    };
  }

  private signal(): void {
    Atomics.add(this.i32, I32.CTRL, 1);
    Atomics.notify(this.i32, I32.CTRL);
  }

  /** Consumer loop of the `atomics` wake: wait for the sequence word to move, read the snapshot, deliver. */
  private async consume(): Promise<void> {
    let seen = Atomics.load(this.i32, I32.SEQ);
    while (this.state === 'running') {
      const wait = waitAsync(this.i32, I32.SEQ, seen);
      if (wait.async) await wait.value;
      if (this.state !== 'running') return;
      const seq = Atomics.load(this.i32, I32.SEQ);
      const notice: TickNotice = {
        tick: Number(Atomics.load(this.b64, B64.TICK)),
        deadlineNs: Atomics.load(this.b64, B64.DEADLINE),
        periodNs: Atomics.load(this.b64, B64.PERIOD),
      };
      const wakeNs = Atomics.load(this.b64, B64.WAKE);
      // Seqlock: odd = being written, moved = torn read; either way wait for (or re-read) the next value.
      const stable = (seq & 1) === 0 && Atomics.load(this.i32, I32.SEQ) === seq;
      seen = seq;
      if (stable && seq !== 0) this.deliver(notice, wakeNs);
    }
  }

  private deliver(notice: TickNotice, wakeNs: bigint): void {
    const nowNs = process.hrtime.bigint();
    const due = this.gate.admit(notice, nowNs);
    if (due === null) return;
    const tick: MetronomeTick = { tick: due.tick, deadlineNs: due.deadlineNs, wakeNs, lateByNs: Number(nowNs - due.deadlineNs) };
    this.lateness.record(tick.lateByNs);
    this.ticks += 1;
    try {
      this.onTick(tick);
    } catch (error) {
      this.errors += 1;
      this.onError(error, tick);
    }
  }
}
