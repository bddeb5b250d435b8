/**
 * Fault injection: a wrapper around any HAL device that damages its stream as a `faults` table says
 * (`schema.ts`, `docs/faults.md`) — drops samples, corrupts them (a {@link SampleError}), stalls delivery,
 * unplugs the device for a while, steps its clock — deterministically for a given seed. The wrapped device
 * keeps its `info`; the runtime cannot tell it from a real faulty device.
 *
 * Time: `atS` is device time since the device's first sample (before any injected clock jump).
 * Wrap the device before opening it, or call the wrapper's `open()` (it opens the wrapped device, which is a
 * no-op for one already open): until then reads pass straight through, without faults.
 *
 * Disconnect, as a live driver behaves when unplugged (`hal/live/live-device.ts`): the `read()` that reaches
 * `atS` throws a {@link DeviceError} (`imu0: disconnected (fault injection at 3 s for 1 s)`), later reads
 * resolve `null`; `open()` then fails `failedReopens` times with a DeviceError and afterwards reconnects, and
 * the stream resumes with the first sample after the outage (the samples of `[atS, atS + forS)` are lost).
 * The wrapped device itself stays open, so a replayed recording is not restarted. `close()` closes it;
 * `open()` after `close()` starts over (same faults, same choices).
 */
import { DeviceError, SampleError } from '../types.js';
import type { Device, DeviceInfo } from '../types.js';
import { mulberry32 } from './prng.js';
import type { Random } from './prng.js';
import type { FaultsConfig } from './schema.js';

/** Counts of injected faults. */
export interface FaultStats {
  dropped: number;
  corrupted: number;
  stalls: number;
  stalledMs: number;
  disconnects: number;
  failedReopens: number;
  clockJumps: number;
}

export interface FaultyDeviceOptions {
  /** Waits `ms` of wall time (default a timer); tests pass a fake. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Stamped = { readonly deviceTimeNs: bigint };
type Phase = 'closed' | 'open' | 'unplugged' | 'reported';

const NS_PER_S = 1e9;
const toNs = (s: number): bigint => BigInt(Math.round(s * NS_PER_S));

export class FaultyDevice<TInfo extends DeviceInfo, TSample extends Stamped> implements Device<TInfo, TSample> {
  readonly stats: FaultStats = { dropped: 0, corrupted: 0, stalls: 0, stalledMs: 0, disconnects: 0, failedReopens: 0, clockJumps: 0 };
  readonly #sleep: (ms: number) => Promise<void>;
  #phase: Phase = 'closed';
  #innerOpen = false;
  #random: Random;
  #firstNs: bigint | undefined;
  #lastNs: bigint | undefined;
  #index = 0;
  #stallsDone = 0;
  #jumpsDone = 0;
  #jumpNs = 0n;
  #disconnectsDone = 0;
  #reopenFailuresLeft = 0;
  /** Samples before this device time (since the first sample) were lost in an outage. */
  #resumeAtNs = -1n;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly inner: Device<TInfo, TSample>,
    readonly faults: FaultsConfig,
    options: FaultyDeviceOptions = {},
  ) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = mulberry32(faults.seed);
  }

  get info(): TInfo {
    return this.inner.info;
  }

  open(): Promise<void> {
    return this.#serial(async () => {
      if (this.#phase === 'open') return;
      if (this.#phase === 'unplugged' || this.#phase === 'reported') {
        if (this.#reopenFailuresLeft > 0) {
          this.#reopenFailuresLeft -= 1;
          this.stats.failedReopens += 1;
          throw new DeviceError(this.info.id, `cannot open ${this.info.source}: device absent (fault injection)`);
        }
        this.#phase = 'open';
        return;
      }
      await this.inner.open();
      this.#innerOpen = true;
      this.#reset();
      this.#phase = 'open';
    });
  }

  read(): Promise<TSample | null> {
    return this.#serial(async () => {
      if (this.#phase === 'closed' && !this.#innerOpen) return this.inner.read(); // before open(): the inner error
      if (this.#phase === 'unplugged') {
        this.#phase = 'reported';
        return null;
      }
      if (this.#phase !== 'open') return null;
      for (;;) {
        const sample = await this.inner.read();
        if (sample === null) return null;
        const out = await this.#inject(sample);
        if (out !== undefined) return out;
      }
    });
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      this.#phase = 'closed';
      this.#innerOpen = false;
      await this.inner.close();
    });
  }

  /** The sample as delivered, undefined when it is dropped or lost; throws the injected errors. */
  async #inject(sample: TSample): Promise<TSample | undefined> {
    const { id } = this.info;
    this.#firstNs ??= sample.deviceTimeNs;
    const sinceNs = sample.deviceTimeNs - this.#firstNs;
    const index = this.#index++;
    const dtS = this.#lastNs === undefined ? 0 : Number(sample.deviceTimeNs - this.#lastNs) / NS_PER_S;
    this.#lastNs = sample.deviceTimeNs;
    if (sinceNs < this.#resumeAtNs) return undefined; // lost while unplugged
    const unplug = this.faults.disconnect[this.#disconnectsDone];
    if (unplug !== undefined && sinceNs >= toNs(unplug.atS)) {
      this.#disconnectsDone += 1;
      this.stats.disconnects += 1;
      this.#resumeAtNs = toNs(unplug.atS + unplug.forS);
      this.#reopenFailuresLeft = unplug.failedReopens;
      this.#phase = 'unplugged';
      throw new DeviceError(id, `disconnected (fault injection at ${unplug.atS} s for ${unplug.forS} s)`);
    }
    // One draw per sample for each random fault, always in the same order: the choices depend only on the seed.
    const dropDraw = this.#random();
    const corruptDraw = this.#random();
    const stallDraw = this.#random();
    let stallMs = 0;
    const stall = this.faults.stall[this.#stallsDone];
    if (stall !== undefined && sinceNs >= toNs(stall.atS)) {
      this.#stallsDone += 1;
      stallMs += stall.forS * 1000;
    }
    const rate = this.faults.stallRate;
    if (rate !== undefined && stallDraw < 1 - Math.exp(-rate.perS * dtS)) stallMs += rate.forS * 1000;
    if (stallMs > 0) {
      this.stats.stalls += 1;
      this.stats.stalledMs += stallMs;
      await this.#sleep(stallMs);
    }
    const jump = this.faults.clockJump[this.#jumpsDone];
    if (jump !== undefined && sinceNs >= toNs(jump.atS)) {
      this.#jumpsDone += 1;
      this.stats.clockJumps += 1;
      this.#jumpNs += toNs(jump.byS);
    }
    if (dropDraw < this.faults.drop) {
      this.stats.dropped += 1;
      return undefined;
    }
    if (corruptDraw < this.faults.corrupt) {
      this.stats.corrupted += 1;
      throw new SampleError(id, { frame: index }, 'corrupt packet (fault injection)');
    }
    return this.#jumpNs === 0n ? sample : { ...sample, deviceTimeNs: sample.deviceTimeNs + this.#jumpNs };
  }

  #reset(): void {
    this.#random = mulberry32(this.faults.seed);
    this.#firstNs = undefined;
    this.#lastNs = undefined;
    this.#index = 0;
    this.#stallsDone = 0;
    this.#jumpsDone = 0;
    this.#jumpNs = 0n;
    this.#disconnectsDone = 0;
    this.#reopenFailuresLeft = 0;
    this.#resumeAtNs = -1n;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** `device` with the faults of `faults` injected, or `device` itself when there are none. */
export function withFaults<TInfo extends DeviceInfo, TSample extends Stamped>(
  device: Device<TInfo, TSample>,
  faults: FaultsConfig | undefined,
  options: FaultyDeviceOptions = {},
): Device<TInfo, TSample> {
  if (faults === undefined) return device;
  return new FaultyDevice(device, faults, options);
}
