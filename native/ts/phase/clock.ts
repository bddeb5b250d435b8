/**
 * Device clock → host clock mapping (`ClockSync`), robust to one-sided queueing delay.
 *
 * A sample stamped `deviceNs` by the device clock arrives at host time `hostNs = device mapped to the
 * host clock + delay`, `delay ≥ 0` (USB/serial/network queueing, scheduling). The estimators fit
 * `hostNs − deviceNs = offset + skew · deviceNs` below (ticsync) or through (pll, leastSquares) the
 * points; see `docs/native-phase.md`.
 */
import { native, type NativeBinding } from '../binding.js';

/** Bits of the flags `update`/`updateBatch` return (several may be set). Degraded data never throws. */
export const CLOCK_FLAGS = Object.freeze({
  /** Device time went back (counter wrap, device reset): restarted at this sample. */
  deviceBackward: 1,
  /** The sample lies more than `stepThresholdS` below the line (device clock stepped forward): restarted. */
  stepForward: 2,
  /** Every sample for `stepHoldS` lay more than `stepThresholdS` above the line (device clock stepped back): restarted. */
  stepBackward: 4,
  /** Same device time as the previous sample: the earlier host arrival is kept. */
  duplicate: 8,
  /** The younger window took over (every `windowS`). */
  windowSwitched: 16,
  /** A window's hull reached `maxHullVertices` and was replaced early. */
  hullFull: 32,
  /** Not used: not finite, or device time or host − device beyond ±2⁶² ns. */
  ignored: 64,
  /** Host time earlier than the previous sample's (informational; the sample is used). */
  hostBackward: 128,
  /** Any restart: `deviceBackward | stepForward | stepBackward`. */
  restarted: 7,
});

export type ClockMethod = 'ticsync' | 'pll' | 'leastSquares';

/** Phase-locked loop settings (`method: 'pll'`). */
export interface PllOptions {
  /** Natural frequency ωn of the loop, rad/s (settling ≈ 4 / (ζ·ωn) s). Default 0.5. */
  readonly naturalFrequencyRadps?: number;
  /** Damping ratio ζ. Default 1/√2. */
  readonly damping?: number;
  /** Samples per clock-filter block; the lowest-delay sample of each drives one correction. Default 64. */
  readonly filterLength?: number;
}

export interface ClockSyncOptions {
  /** `'ticsync'` (default: lower convex hull), `'pll'` (PI loop) or `'leastSquares'` (biased by the delay; for comparison). */
  readonly method?: ClockMethod;
  /** Switching period of the windows, s: the estimate uses the latest one to two periods. Default 60. */
  readonly windowS?: number;
  /** Most hull vertices per window (two windows are kept; 16 bytes each). Default 256. */
  readonly maxHullVertices?: number;
  /** The estimate is `stable` once its window spans this long, s. Default 1. */
  readonly minSpanS?: number;
  /** A sample this far below the line, or all samples this far above it for `stepHoldS`, is a clock step, s. Default 0.02. */
  readonly stepThresholdS?: number;
  /** See `stepThresholdS`, s. Default 1. */
  readonly stepHoldS?: number;
  readonly pll?: PllOptions;
}

export const CLOCK_SYNC_DEFAULTS: Readonly<Required<Omit<ClockSyncOptions, 'pll'>> & { pll: Readonly<Required<PllOptions>> }> = Object.freeze({
  method: 'ticsync',
  windowS: 60,
  maxHullVertices: 256,
  minSpanS: 1,
  stepThresholdS: 0.02,
  stepHoldS: 1,
  pll: Object.freeze({ naturalFrequencyRadps: 0.5, damping: Math.SQRT1_2, filterLength: 64 }),
});

/** The mapping at the latest sample: `host = device + offsetNs + skewPpm·10⁻⁶ · (device − atDeviceNs)`. */
export interface ClockEstimate {
  /** The window spans `minSpanS` and holds a line from at least two samples. */
  readonly stable: boolean;
  /** Samples in the window the estimate comes from (since the restart for the PLL). */
  readonly samples: number;
  /** Device time those samples cover, ns. */
  readonly spanNs: number;
  /** Device time of the latest sample, ns (as given; exact below 2⁵³ ns). */
  readonly atDeviceNs: number;
  /** `host − device` at `atDeviceNs`, ns; NaN before the first sample. */
  readonly offsetNs: number;
  /** The host clock runs `1 + skewPpm·10⁻⁶` times as fast as the device clock. */
  readonly skewPpm: number;
  /** Scale of the offset error at `atDeviceNs`, ns (not a bound; see the docs per method). */
  readonly offsetUncertaintyNs: number;
  /** Scale of the skew error, ppm. */
  readonly skewUncertaintyPpm: number;
  /** Mean of `host − mapped host` over the window, ns (ticsync: the mean queueing delay; leastSquares: 0). */
  readonly meanResidualNs: number;
  /** Hull vertices of the window (ticsync; 0 otherwise). */
  readonly hullVertices: number;
}

/** Cumulative counts since construction or `reset()`. */
export interface ClockCounters {
  readonly samples: number;
  readonly restarts: number;
  readonly deviceBackward: number;
  readonly stepForward: number;
  readonly stepBackward: number;
  readonly duplicates: number;
  readonly windowSwitches: number;
  readonly hullFull: number;
  readonly ignored: number;
  readonly hostBackward: number;
}

type NativeClockSync = InstanceType<NativeBinding['ClockSync']>;
type Handle = ReturnType<NativeClockSync['handle']>;
type Stamps = Float64Array | BigInt64Array;

/**
 * Online device-clock → host-clock mapping, one object per device stream; holds every buffer it uses
 * (allocated here), so updates allocate nothing.
 *
 * - `ticsync` (default): the lower convex hull of `(device, host − device)` (A. Harrison, P. Newman,
 *   "TICSync: Knowing when things happened", ICRA 2011), maintained incrementally (amortised O(1) per
 *   sample) over two switching windows of `windowS` (bounded memory, follows drift); the line is the
 *   hull edge spanning the window's centroid — the solution of Moon, Skelly & Towsley's linear
 *   program (INFOCOM 1999), the maximum-likelihood line for exponential delays.
 * - `pll`: a type-2 PI loop after a minimum filter (NTP-style clock discipline, RFC 5905).
 * - `leastSquares`: ordinary least squares, biased by the mean delay (for comparison).
 *
 * Timestamps are int64 ns: pass numbers / Float64Array relative to an epoch you choose (exact
 * integers below 2⁵³ ns ≈ 104 days; fractions are rounded), or bigint / BigInt64Array (exact, e.g.
 * absolute UNIX or `CLOCK_MONOTONIC` ns). Internally every coordinate is an exact int64 relative to
 * the window's first sample and hull tests use exact 128-bit cross products.
 *
 * @throws Error from the constructor when an option is out of range (message names it and its value).
 */
export class ClockSync {
  readonly #binding: NativeBinding;
  readonly #native: NativeClockSync;
  /** For the per-sample calls: plain N-API functions on an External (~0.1 µs) instead of class methods (~0.3 µs). */
  readonly #handle: Handle;
  readonly #device1 = new BigInt64Array(1);
  readonly #host1 = new BigInt64Array(1);
  readonly #out1 = new BigInt64Array(1);
  readonly #fields = new Float64Array(10);

  constructor(options?: ClockSyncOptions) {
    this.#binding = native();
    this.#native = new this.#binding.ClockSync(options);
    this.#handle = this.#native.handle();
  }

  get method(): ClockMethod {
    return this.#native.method;
  }

  /**
   * Feeds one `(device stamp, host arrival)` pair, ns (bigints must fit an int64); returns its
   * {@link CLOCK_FLAGS}. Never throws on data: a non-finite number is flagged `ignored`.
   */
  update(deviceNs: number | bigint, hostNs: number | bigint): number {
    const numbers = typeof deviceNs === 'number' && typeof hostNs === 'number';
    const nonFinite = (typeof deviceNs === 'number' && !Number.isFinite(deviceNs)) || (typeof hostNs === 'number' && !Number.isFinite(hostNs));
    if (numbers || nonFinite) return this.#binding.clockSyncUpdate(this.#handle, Number(deviceNs), Number(hostNs));
    this.#device1[0] = typeof deviceNs === 'bigint' ? deviceNs : BigInt(Math.round(deviceNs));
    this.#host1[0] = typeof hostNs === 'bigint' ? hostNs : BigInt(Math.round(hostNs));
    return this.#native.updateBatchBigInt(this.#device1, this.#host1);
  }

  /**
   * Feeds pairs in order (both arrays of one type); writes each pair's flags to `flagsOut` (≥ n,
   * optional) and returns the OR of all of them.
   * @throws Error when the lengths differ or `flagsOut` is short or shares memory with an input.
   */
  updateBatch(deviceNs: Stamps, hostNs: Stamps, flagsOut?: Uint8Array): number {
    if (deviceNs instanceof Float64Array && hostNs instanceof Float64Array) return this.#native.updateBatch(deviceNs, hostNs, flagsOut);
    if (deviceNs instanceof BigInt64Array && hostNs instanceof BigInt64Array) return this.#native.updateBatchBigInt(deviceNs, hostNs, flagsOut);
    throw new Error('"hostNs" must be the same array type as deviceNs, got a different one');
  }

  /**
   * {@link updateBatch} on the libuv thread pool (whole recordings). Every other call on this object
   * throws until the promise settles; leave the arrays alone meanwhile.
   */
  async updateBatchAsync(deviceNs: Stamps, hostNs: Stamps): Promise<number> {
    return this.#native.updateBatchAsync(deviceNs, hostNs);
  }

  /** The estimate at the latest sample. */
  estimate(): ClockEstimate {
    const f = this.#fields;
    this.#binding.clockSyncEstimateInto(this.#handle, f);
    return {
      stable: f[0] === 1,
      samples: f[1] as number,
      spanNs: f[2] as number,
      atDeviceNs: f[3] as number,
      offsetNs: f[4] as number,
      skewPpm: f[5] as number,
      offsetUncertaintyNs: f[6] as number,
      skewUncertaintyPpm: f[7] as number,
      meanResidualNs: f[8] as number,
      hullVertices: f[9] as number,
    };
  }

  counters(): ClockCounters {
    const f = this.#fields;
    this.#binding.clockSyncCountersInto(this.#handle, f);
    return {
      samples: f[0] as number,
      restarts: f[1] as number,
      deviceBackward: f[2] as number,
      stepForward: f[3] as number,
      stepBackward: f[4] as number,
      duplicates: f[5] as number,
      windowSwitches: f[6] as number,
      hullFull: f[7] as number,
      ignored: f[8] as number,
      hostBackward: f[9] as number,
    };
  }

  /** Forgets every sample and count. */
  reset(): void {
    this.#native.reset();
  }

  /** Host time of a device time, ns, in the type given (number: NaN, bigint: throws, before the first sample). */
  toHostNs(deviceNs: number): number;
  toHostNs(deviceNs: bigint): bigint;
  toHostNs(deviceNs: number | bigint): number | bigint {
    if (typeof deviceNs === 'number') return this.#binding.clockSyncToHostNs(this.#handle, deviceNs);
    this.#device1[0] = deviceNs;
    this.#native.toHostBatchBigInt(this.#device1, this.#out1);
    return this.#out1[0] as bigint;
  }

  /**
   * Maps device times to host times into `out` (same array type, ≥ n, not sharing memory with `deviceNs`).
   * @throws Error on short or aliased `out`, and for BigInt64Array before the first sample.
   */
  toHostBatch(deviceNs: Float64Array, out: Float64Array): void;
  toHostBatch(deviceNs: BigInt64Array, out: BigInt64Array): void;
  toHostBatch(deviceNs: Stamps, out: Stamps): void {
    if (deviceNs instanceof Float64Array && out instanceof Float64Array) this.#native.toHostBatch(deviceNs, out);
    else if (deviceNs instanceof BigInt64Array && out instanceof BigInt64Array) this.#native.toHostBatchBigInt(deviceNs, out);
    else throw new Error('"out" must be the same array type as deviceNs, got a different one');
  }
}

/** The names of the flags set in `flags` (for logs). */
export function clockFlagNames(flags: number): string[] {
  return Object.entries(CLOCK_FLAGS)
    .filter(([name, bit]) => name !== 'restarted' && (flags & bit) !== 0)
    .map(([name]) => name);
}
