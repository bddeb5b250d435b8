/**
 * The life cycle shared by the drivers of live devices (I²C, serial, USB HID, V4L2, ALSA, sysfs): the
 * device produces samples at its own pace; the driver pushes them (or pulls them in a poll loop) into a
 * bounded queue, and `read()` hands them out in capture order. The contract is that of {@link Device}
 * (`hal/types.ts`) and of the replay drivers (`hal/mock/replay-device.ts`), with what live devices add:
 *
 * - `read()` before `open()` throws a {@link DeviceError}; after `close()` it resolves `null`, every time.
 *   A pending `read()` waits for the next sample; `close()` resolves it with `null`.
 * - A full queue drops its *oldest* sample (the reader is behind; the newest data is worth most) and counts
 *   it in {@link LiveDevice.stats}; the queue holds `queueCapacity` samples (default 256).
 * - {@link LiveDevice.pushSampleError} queues a {@link SampleError} (a corrupt packet, a bad FIFO frame) in
 *   stream order: the `read()` that reaches it throws it, and the next `read()` returns the sample after it.
 * - {@link LiveDevice.fail} ends the device (unplugged, I/O error): samples already queued are still
 *   delivered, then `read()` throws the {@link DeviceError} once and resolves `null` afterwards. A wrapper
 *   may reopen it (`open()` after a failure or a `close()` starts it again).
 * - `open()` on an open device does nothing; a failed `open()` leaves the device unopened (it may be retried).
 *
 * Subclasses implement `openDevice` (start the stream and call `push` from then on, or call
 * {@link LiveDevice.startPolling}) and `closeDevice` (stop it; it must tolerate a half-done open).
 */
import { DeviceError, SampleError } from '../types.js';
import type { Device, DeviceInfo } from '../types.js';

type State = 'new' | 'open' | 'failed' | 'closed';
type Item<T> = { readonly sample: T } | { readonly error: SampleError };

/** Counters of a live device since it was created. */
export interface LiveStats {
  /** Samples pushed by the driver. */
  received: number;
  /** Samples dropped because the queue was full (oldest first). */
  dropped: number;
  /** Sample errors queued (corrupt packets and the like). */
  sampleErrors: number;
  /** Times the device was opened. */
  opens: number;
}

export interface LiveDeviceOptions {
  /** Samples held for a slow reader before the oldest is dropped. Default 256. */
  readonly queueCapacity?: number;
}

/** Host CLOCK_MONOTONIC now, ns (the clock of `process.hrtime.bigint()`), for `hostTimeNs` stamps. */
export function hostNowNs(): bigint {
  return process.hrtime.bigint();
}

export abstract class LiveDevice<TInfo extends DeviceInfo, TSample> implements Device<TInfo, TSample> {
  #info: TInfo;
  #state: State = 'new';
  readonly #capacity: number;
  #queue: Item<TSample>[] = [];
  #head = 0;
  #failure: DeviceError | undefined;
  #waiters: (() => void)[] = [];
  #pollTimer: NodeJS.Timeout | undefined;
  #pollBusy = false;
  #serialQueue: Promise<unknown> = Promise.resolve();
  readonly stats: LiveStats = { received: 0, dropped: 0, sampleErrors: 0, opens: 0 };

  protected constructor(info: TInfo, options: LiveDeviceOptions = {}) {
    this.#info = info;
    this.#capacity = options.queueCapacity ?? 256;
    if (!Number.isInteger(this.#capacity) || this.#capacity < 1) {
      throw new DeviceError(info.id, `queueCapacity must be a positive integer, got ${String(options.queueCapacity)}`);
    }
  }

  /** The device description; fields negotiated with the device (size, rate) are valid after `open()`. */
  get info(): TInfo {
    return this.#info;
  }

  /** True between a successful `open()` and `close()` or a failure. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  open(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'open') return;
      this.#queue = [];
      this.#head = 0;
      this.#failure = undefined;
      this.#state = 'open';
      try {
        this.#info = await this.openDevice();
        this.stats.opens += 1;
      } catch (err) {
        this.#state = 'new';
        await this.#release();
        throw asDeviceError(this.#info.id, err, `cannot open ${this.#info.source}`);
      }
    });
  }

  async read(): Promise<TSample | null> {
    if (this.#state === 'new') throw new DeviceError(this.#info.id, 'read() before open()');
    for (;;) {
      if (this.#head < this.#queue.length) {
        const item = this.#queue[this.#head] as Item<TSample>;
        this.#head += 1;
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        if ('error' in item) throw item.error;
        return item.sample;
      }
      if (this.#failure !== undefined) {
        const failure = this.#failure;
        this.#failure = undefined;
        throw failure;
      }
      if (this.#state !== 'open') return null;
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'new') return;
      const wasHeld = this.#state === 'open';
      this.#state = 'closed';
      this.#failure = undefined;
      this.#queue = [];
      this.#head = 0;
      if (wasHeld) await this.#release();
      this.#wake();
    });
  }

  /** Starts the device's stream and returns the full description. Throw a {@link DeviceError} when unusable. */
  protected abstract openDevice(): Promise<TInfo>;

  /** Stops the stream and releases the device; called once per open, also after a half-done open. */
  protected abstract closeDevice(): Promise<void>;

  /** Queues a sample (drops the oldest when full). Ignored unless the device is open. */
  protected push(sample: TSample): void {
    if (this.#state !== 'open') return;
    this.stats.received += 1;
    if (this.#queue.length - this.#head >= this.#capacity) {
      this.#head += 1;
      this.stats.dropped += 1;
    }
    this.#queue.push({ sample });
    this.#wake();
  }

  /** Queues a bad-sample error in stream order; the device goes on. */
  protected pushSampleError(error: SampleError): void {
    if (this.#state !== 'open') return;
    this.stats.sampleErrors += 1;
    this.#queue.push({ error });
    this.#wake();
  }

  /** Ends the device: queued samples are delivered, then `read()` throws `error` once, then `null`. */
  protected fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#failure = asDeviceError(this.#info.id, error, `lost ${this.#info.source}`);
    void this.#serial(() => this.#release());
    this.#wake();
  }

  /**
   * Calls `poll` every `intervalMs` while open (never two at once; a slow poll delays the next): for devices
   * read by polling (an I²C FIFO, sysfs files). What `poll` throws: a {@link SampleError} is queued, anything
   * else fails the device.
   */
  protected startPolling(intervalMs: number, poll: () => Promise<void> | void): void {
    this.#stopPolling();
    this.#pollTimer = setInterval(() => {
      if (this.#pollBusy || this.#state !== 'open') return;
      this.#pollBusy = true;
      void (async () => {
        try {
          await poll();
        } catch (err) {
          if (err instanceof SampleError) this.pushSampleError(err);
          else this.fail(err);
        } finally {
          this.#pollBusy = false;
        }
      })();
    }, intervalMs);
  }

  #stopPolling(): void {
    if (this.#pollTimer !== undefined) clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #release(): Promise<void> {
    this.#stopPolling();
    try {
      await this.closeDevice();
    } catch {
      // A device that is already gone cannot be closed any further.
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#serialQueue.then(task);
    this.#serialQueue = run.catch(() => undefined);
    return run;
  }
}

/** `err` as a {@link DeviceError} of device `id`, prefixed with `context` unless it already is one. */
export function asDeviceError(id: string, err: unknown, context: string): DeviceError {
  if (err instanceof DeviceError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new DeviceError(id, `${context}: ${reason}`, { cause: err });
}
