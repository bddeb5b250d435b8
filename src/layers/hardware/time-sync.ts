/**
 * Sensor time sync: every live device's clock mapped to the host clock, and from there to the runtime clock,
 * by the native offset/skew estimator (`ClockSync`, TICSync lower envelope: A. Harrison, P. Newman,
 * "TICSync: Knowing when things happened", ICRA 2011; docs/native-phase.md).
 *
 * A live driver stamps each sample twice: `deviceTimeNs` on the device's own clock (a sensor's sample
 * counter, an XREAL timestamp, a V4L2 kernel stamp) and `hostTimeNs`, host CLOCK_MONOTONIC when it reached the
 * driver. Arrival = capture mapped to the host clock + transport latency + queueing delay (USB polling, UART
 * buffering, scheduling): one-sided, so the lower envelope of `(device, host − device)` is the clock map, and
 * the estimate follows the device clock's skew and drift. What the envelope cannot see is the *minimum*
 * transport latency (it is folded into the offset): a device's `latencyS` (from calibration, e.g. Kalibr's
 * `timeshift_cam_imu`, or the datasheet's readout time) is subtracted, as the capture time is what layers
 * above want. Between devices, alignment is then as good as the two envelopes: `test/layers/time-sync.test.ts`
 * shows frame-to-IMU alignment within microseconds on EuRoC MH_01's stamps, with a 50 ppm / 2 ms IMU clock and
 * 0.5 ms mean queueing delay.
 *
 * Mapped times never lie after arrival (the envelope is below every point) and, per device, never go back:
 * when the estimate moves (a new hull edge), a mapped time earlier than the previous one is held at it.
 */
import { CLOCK_FLAGS, ClockSync, type ClockMethod } from '../../../native/index.js';
import type { DeviceClockReport } from '../../bus/topics.js';

export type { DeviceClockReport } from '../../bus/topics.js';

export interface TimeSyncOptions {
  /** Estimator (default `ticsync`; `pll` and `leastSquares` for comparison, docs/native-phase.md). */
  readonly method?: ClockMethod;
  /** Switching window of the estimator, s (default 60: follows drift, bounded memory). */
  readonly windowS?: number;
  /** Fixed capture-to-driver latency of the device, s, subtracted from the mapped time (default 0). */
  readonly latencyS?: number;
}

/** Device clock → host clock → runtime clock for one device. */
export class DeviceClockMap {
  readonly #sync: ClockSync;
  readonly #latencyNs: bigint;
  readonly #hostToRuntimeNs: (hostNs: bigint) => number;
  #samples = 0;
  #lastHostNs: bigint | undefined;
  #residualMaxNs = 0;

  /**
   * @param deviceId for reports.
   * @param hostToRuntimeNs host CLOCK_MONOTONIC ns → runtime ns (the runtime's `ScaledClock`).
   * @throws Error when an option is out of range (from the estimator: names the option and value).
   */
  constructor(
    readonly deviceId: string,
    hostToRuntimeNs: (hostNs: bigint) => number,
    readonly options: TimeSyncOptions = {},
  ) {
    const latencyS = options.latencyS ?? 0;
    if (!(latencyS >= 0) || !Number.isFinite(latencyS)) throw new RangeError(`${deviceId}: "latencyS" must be a finite number ≥ 0, got ${latencyS}`);
    this.#latencyNs = BigInt(Math.round(latencyS * 1e9));
    this.#sync = new ClockSync({ ...(options.method === undefined ? {} : { method: options.method }), ...(options.windowS === undefined ? {} : { windowS: options.windowS }) });
    this.#hostToRuntimeNs = hostToRuntimeNs;
  }

  /**
   * Host time of capture of a sample stamped `deviceTimeNs` that arrived at `hostTimeNs` (both ns), after
   * feeding the pair to the estimator. Before two samples the arrival time minus the latency stands in.
   */
  mapToHostNs(deviceTimeNs: bigint, hostTimeNs: bigint): bigint {
    const flags = this.#sync.update(deviceTimeNs, hostTimeNs);
    this.#samples += 1;
    let hostNs = hostTimeNs;
    if ((flags & CLOCK_FLAGS.ignored) === 0 && this.#samples >= 2) {
      const mapped = this.#sync.toHostNs(deviceTimeNs);
      if (mapped <= hostTimeNs) hostNs = mapped;
    }
    const residual = Number(hostTimeNs - hostNs);
    if (residual > this.#residualMaxNs) this.#residualMaxNs = residual;
    hostNs -= this.#latencyNs;
    if (this.#lastHostNs !== undefined && hostNs < this.#lastHostNs && (flags & CLOCK_FLAGS.restarted) === 0) hostNs = this.#lastHostNs;
    this.#lastHostNs = hostNs;
    return hostNs;
  }

  /** {@link mapToHostNs}, then to the runtime clock, ns. */
  map(deviceTimeNs: bigint, hostTimeNs: bigint): number {
    return this.#hostToRuntimeNs(this.mapToHostNs(deviceTimeNs, hostTimeNs));
  }

  /** Host time of any device time under the current estimate (no update), ns. */
  toHostNs(deviceTimeNs: bigint): bigint {
    return this.#sync.toHostNs(deviceTimeNs) - this.#latencyNs;
  }

  report(): DeviceClockReport {
    const e = this.#sync.estimate();
    return {
      deviceId: this.deviceId,
      method: this.#sync.method,
      samples: this.#samples,
      stable: e.stable,
      offsetNs: e.offsetNs,
      skewPpm: e.skewPpm,
      residualMeanNs: e.meanResidualNs,
      residualMaxNs: this.#residualMaxNs,
      offsetUncertaintyNs: e.offsetUncertaintyNs,
      skewUncertaintyPpm: e.skewUncertaintyPpm,
      restarts: this.#sync.counters().restarts,
      latencyNs: Number(this.#latencyNs),
    };
  }
}
