/**
 * Reconnecting wrapper: keeps any HAL device going through unplugs. When `read()` throws a
 * {@link DeviceError} (the device went away: a USB IMU unplugged, an I²C bus error, injected by
 * `hal/faults/`), the wrapper reports `disconnected`, then reopens the device with exponential back-off —
 * reporting `reconnecting` before each attempt and `open` once it is back — and goes on reading. It never
 * ends on its own: only `close()` (or the device ending its stream with `null`, as a finished recording does)
 * ends it. A {@link SampleError} passes through untouched; the first `open()` is not retried (a device
 * missing at start is the caller's `DeviceError`).
 *
 * Back-off: attempt n waits `min(maxDelayMs, initialDelayMs · factor^(n−1))` — 0.1 s, 0.2 s, 0.4 s … capped at
 * 5 s by default — times `1 ± jitter` drawn from a seeded PRNG (default jitter 0: deterministic; a fleet of
 * devices that share a hub may want 0.2 so they do not all retry at once).
 *
 * State changes go to the listeners of {@link ReconnectingDevice.onStateChange}, synchronously, in order; the
 * hardware layer's ingest forwards them to the bus topic `device.state`.
 */
import { mulberry32 } from '../faults/prng.js';
import type { Random } from '../faults/prng.js';
import { DeviceError, SampleError } from '../types.js';
import type { Device, DeviceInfo } from '../types.js';

/** Connection states reported by a {@link DeviceStateSource}. */
export type ConnectionState = 'open' | 'disconnected' | 'reconnecting';

export interface DeviceStateChange {
  readonly state: ConnectionState;
  /** Why (the DeviceError's message) or which attempt. */
  readonly message: string;
  /** Reconnection attempt, 1-based (`reconnecting` and `open` after a disconnect). */
  readonly attempt?: number;
}

/** A device that reports connection changes besides its samples. */
export interface DeviceStateSource {
  /** Calls `listener` on every change; returns the unsubscribe function. */
  onStateChange(listener: (change: DeviceStateChange) => void): () => void;
}

/** True when `device` reports connection states (a {@link ReconnectingDevice}). */
export function isDeviceStateSource(device: unknown): device is DeviceStateSource {
  return typeof (device as Partial<DeviceStateSource> | null)?.onStateChange === 'function';
}

export interface ReconnectOptions {
  /** First back-off, ms (default 100). */
  readonly initialDelayMs?: number;
  /** Back-off cap, ms (default 5000). */
  readonly maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Relative jitter, 0–1 (default 0: none). */
  readonly jitter?: number;
  /** Seed of the jitter PRNG (default 1). */
  readonly seed?: number;
  /** Waits `ms`; resolves early when `signal` aborts (default a timer). Tests pass a fake. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Counters of a reconnecting device. */
export interface ReconnectStats {
  disconnects: number;
  attempts: number;
  reconnects: number;
}

export class ReconnectingDevice<TInfo extends DeviceInfo, TSample> implements Device<TInfo, TSample>, DeviceStateSource {
  readonly stats: ReconnectStats = { disconnects: 0, attempts: 0, reconnects: 0 };
  readonly #listeners = new Set<(change: DeviceStateChange) => void>();
  readonly #options: Required<Omit<ReconnectOptions, 'seed'>>;
  readonly #random: Random;
  #closing = new AbortController();

  constructor(
    readonly inner: Device<TInfo, TSample>,
    options: ReconnectOptions = {},
  ) {
    this.#options = {
      initialDelayMs: options.initialDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? 5000,
      factor: options.factor ?? 2,
      jitter: options.jitter ?? 0,
      sleep: options.sleep ?? sleep,
    };
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.#options;
    if (!(initialDelayMs > 0 && maxDelayMs >= initialDelayMs && factor >= 1 && jitter >= 0 && jitter <= 1)) {
      throw new DeviceError(inner.info.id, `reconnect back-off needs 0 < initialDelayMs ≤ maxDelayMs, factor ≥ 1, jitter in [0, 1]`);
    }
    this.#random = mulberry32(options.seed ?? 1);
  }

  get info(): TInfo {
    return this.inner.info;
  }

  onStateChange(listener: (change: DeviceStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async open(): Promise<void> {
    if (this.#closing.signal.aborted) this.#closing = new AbortController();
    await this.inner.open();
  }

  async read(): Promise<TSample | null> {
    for (;;) {
      if (this.#closing.signal.aborted) return null;
      try {
        return await this.inner.read();
      } catch (err) {
        if (err instanceof SampleError || !(err instanceof DeviceError) || this.#closing.signal.aborted) throw err;
        if (err.message.endsWith('read() before open()')) throw err;
        this.stats.disconnects += 1;
        this.#emit({ state: 'disconnected', message: err.message });
        if (!(await this.#reconnect())) return null;
      }
    }
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.inner.close();
  }

  /** Back-off delay before attempt `n` (1-based), ms. */
  delayMs(n: number): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.#options;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** (n - 1));
    return jitter === 0 ? base : base * (1 + jitter * (2 * this.#random() - 1));
  }

  /** Reopens until it works (true) or the device is closed (false). */
  async #reconnect(): Promise<boolean> {
    const signal = this.#closing.signal;
    for (let attempt = 1; ; attempt++) {
      const delay = this.delayMs(attempt);
      await this.#options.sleep(delay, signal);
      if (signal.aborted) return false;
      this.stats.attempts += 1;
      this.#emit({ state: 'reconnecting', message: `${this.info.id}: reconnecting, attempt ${attempt} after ${Math.round(delay)} ms`, attempt });
      try {
        await this.inner.open();
      } catch (err) {
        if (signal.aborted) return false;
        if (!(err instanceof DeviceError)) throw err;
        continue;
      }
      if (signal.aborted) return false;
      this.stats.reconnects += 1;
      this.#emit({ state: 'open', message: `${this.info.id}: reconnected after ${attempt} attempt${attempt === 1 ? '' : 's'}`, attempt });
      return true;
    }
  }

  #emit(change: DeviceStateChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}

/** `device` wrapped in a {@link ReconnectingDevice}. */
export function withReconnect<TInfo extends DeviceInfo, TSample>(device: Device<TInfo, TSample>, options: ReconnectOptions = {}): ReconnectingDevice<TInfo, TSample> {
  return new ReconnectingDevice(device, options);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
