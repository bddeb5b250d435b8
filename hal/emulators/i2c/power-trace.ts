/**
 * Time base of the power-chip emulators: the UPS battery trace read at
 * `startS + (clock − origin) × timeScale` seconds (origin: the clock when the emulator was built). With
 * `timeScale` > 1 a laptop sees the 4.1-hour discharge go by faster.
 */
import type { EmulatorClock } from './clock.js';
import type { PowerRecording } from './recording.js';
import { powerAt } from './resample.js';

export interface PowerEmulatorOptions {
  readonly clock: EmulatorClock;
  readonly recording: PowerRecording;
  /** Trace time at the origin, s (default 0 = its first row). */
  readonly startS?: number;
  /** Trace seconds per clock second (default 1). */
  readonly timeScale?: number;
}

export class PowerTraceClock {
  readonly originNs: bigint;
  constructor(readonly options: PowerEmulatorOptions) {
    this.originNs = options.clock.nowNs();
  }

  /** Trace time now, s. */
  traceTimeS(): number {
    return (this.options.startS ?? 0) + (Number(this.options.clock.nowNs() - this.originNs) / 1e9) * (this.options.timeScale ?? 1);
  }

  /** The trace now. */
  now(): ReturnType<typeof powerAt> {
    return powerAt(this.options.recording, this.traceTimeS());
  }
}
