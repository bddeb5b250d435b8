/**
 * Clocks of the I²C chip emulators. A chip emulator never reads the wall clock itself: it is handed an
 * {@link EmulatorClock} and produces the samples whose instants have passed on it. Tests pass a
 * {@link ManualClock} and advance it by hand (deterministic: the same steps give the same bytes); laptops
 * running the driver table's `emulator` option pass {@link hostClock}, so the emulated chip runs in real time.
 */
import { hostNowNs } from '../../live/live-device.js';

/** A monotonic time source, ns. */
export interface EmulatorClock {
  nowNs(): bigint;
}

/** Host CLOCK_MONOTONIC (the clock of `hostTimeNs` stamps): the emulated chip runs in real time. */
export const hostClock: EmulatorClock = Object.freeze({ nowNs: hostNowNs });

/** A clock that moves only when told to (tests): `advanceMs(5)` lets 5 ms of chip time pass. */
export class ManualClock implements EmulatorClock {
  #nowNs: bigint;

  constructor(startNs = 0n) {
    this.#nowNs = startNs;
  }

  nowNs(): bigint {
    return this.#nowNs;
  }

  /** Lets `ns` nanoseconds pass (negative steps are refused: the clock is monotonic). */
  advanceNs(ns: bigint): void {
    if (ns < 0n) throw new RangeError(`ManualClock cannot go back (${ns} ns)`);
    this.#nowNs += ns;
  }

  /** Lets `ms` milliseconds pass (fractions allowed, rounded to the ns). */
  advanceMs(ms: number): void {
    this.advanceNs(BigInt(Math.round(ms * 1e6)));
  }
}
