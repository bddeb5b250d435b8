/**
 * Device clocks of the I²C IMUs (each driver's docstring says which one it uses and why):
 * - {@link CounterClock}: sample counter × nominal period, for chips without a readable timestamp (MPU-6050,
 *   MPU-9250: the FIFO holds no time). After a FIFO reset the samples lost are estimated from the host time
 *   elapsed, so the device clock keeps pace with the chip's (the clock estimator absorbs the error).
 * - {@link WrappingTimestamp}: the chip's own free-running counter as written into its FIFO (ICM-42688-P
 *   16-bit µs TMST; LSM6DSO/DSOX 32-bit 25 µs TIMESTAMP), unwrapped to a monotonic ns count.
 */

export class CounterClock {
  #next = 0n;
  constructor(readonly periodNs: bigint) {}

  /** Device time of the next sample, ns (then counts it). */
  next(): bigint {
    const t = this.#next * this.periodNs;
    this.#next += 1n;
    return t;
  }

  /** Samples were lost (FIFO reset after an overflow) over about `elapsedNs`: skip that many periods (≥ 1). */
  skip(elapsedNs: bigint): void {
    const lost = elapsedNs / this.periodNs;
    this.#next += lost > 0n ? lost : 1n;
  }
}

export class WrappingTimestamp {
  readonly #modulus: number;
  #lastRaw: number | undefined;
  #ticks = 0;
  #hintNs: number | undefined;

  /** @param bits counter width; @param tickNs ns per count */
  constructor(
    readonly bits: number,
    readonly tickNs: number,
  ) {
    this.#modulus = 2 ** bits;
  }

  /**
   * Device time of a sample stamped `raw`, ns. The gap from the previous stamp is taken modulo the counter's
   * range (the counter wrapped at most once), or after {@link WrappingTimestamp.resync} the wrap count closest
   * to the host time elapsed. Returns the same value for a repeated stamp (callers reject it).
   */
  next(raw: number): bigint {
    if (this.#lastRaw === undefined) {
      this.#ticks = raw;
    } else {
      let delta = (raw - this.#lastRaw + this.#modulus) % this.#modulus;
      if (this.#hintNs !== undefined) {
        const wraps = Math.max(0, Math.round((this.#hintNs / this.tickNs - delta) / this.#modulus));
        delta += wraps * this.#modulus;
      }
      this.#ticks += delta;
    }
    this.#hintNs = undefined;
    this.#lastRaw = raw;
    return BigInt(Math.round(this.#ticks * this.tickNs));
  }

  /** The next stamp may be more than one wrap away (samples lost): about `elapsedNs` have passed. */
  resync(elapsedNs: bigint): void {
    this.#hintNs = Number(elapsedNs);
  }
}
