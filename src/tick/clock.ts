/**
 * The runtime clock: ns since the runtime started, on one of two time bases.
 * - {@link VirtualClock}: advanced by the tick loop (replay with `--speed 0`): time is the tick's
 *   scheduled time, so a replay does not depend on how fast the machine is.
 * - {@link ScaledClock}: host `CLOCK_MONOTONIC` (`process.hrtime.bigint()`), scaled by a speed factor
 *   (1 = real time; 2 = a replay twice as fast as recorded).
 */
import type { ClockMode } from './types.js';

export interface RuntimeClock {
  readonly mode: ClockMode;
  /** Runtime time now, ns. */
  nowNs(): number;
}

export class VirtualClock implements RuntimeClock {
  readonly mode = 'virtual' as const;
  private tNs = 0;

  nowNs(): number {
    return this.tNs;
  }

  /** Move to `tNs`; time never goes back (throws `RangeError`, naming both times). */
  advanceTo(tNs: number): void {
    if (tNs < this.tNs) throw new RangeError(`virtual clock cannot go back from ${this.tNs} ns to ${tNs} ns`);
    this.tNs = tNs;
  }
}

export class ScaledClock implements RuntimeClock {
  readonly mode = 'real' as const;
  #originHostNs: bigint;

  /**
   * @param speed runtime seconds per host second, > 0.
   * @param leadNs runtime 0 is this far in the host future (time to start the tick thread), ns — from now, and
   *   again from each {@link start}.
   * @param hostNowNs host monotonic clock (injectable for tests).
   */
  constructor(
    readonly speed = 1,
    private readonly leadNs = 0,
    private readonly hostNowNs: () => bigint = () => process.hrtime.bigint(),
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`"speed" must be a positive number, got ${speed}`);
    this.#originHostNs = hostNowNs() + BigInt(Math.round(leadNs));
  }

  /** Host monotonic time (ns) at which the runtime clock reads 0. */
  get originHostNs(): bigint {
    return this.#originHostNs;
  }

  /**
   * Puts runtime 0 `leadNs` after now: called when the run starts, so the time spent between creating the clock
   * and running (loading models, a browser connecting) is not replayed as a burst of late ticks. Times read before
   * belong to the old base (the clock steps back by that time).
   */
  start(): void {
    this.#originHostNs = this.hostNowNs() + BigInt(Math.round(this.leadNs));
  }

  nowNs(): number {
    return Number(this.hostNowNs() - this.#originHostNs) * this.speed;
  }

  /** Host monotonic time (ns) at which the runtime clock reads `runtimeNs`. */
  hostNsAt(runtimeNs: number): bigint {
    return this.#originHostNs + BigInt(Math.round(runtimeNs / this.speed));
  }
}
