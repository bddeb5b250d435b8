/**
 * Base of the IMU chip emulators: a real recording resampled at the chip's ODR on the caller's clock.
 *
 * Sampling: once the chip is sampling ({@link ImuChipEmulator.startSampling}, on power-up or an ODR change) it
 * takes sample n at `start + n × period` on the emulator clock and reads the recording at
 * `instant − origin` (origin: the clock's time when the emulator was built, plus `startS`) by linear
 * interpolation (`resample.ts`). Samples are produced lazily, before each bus transaction, for every instant
 * that has passed. A reader that stays away longer than the FIFO lasts gets an overflow, and the samples
 * nobody could have read are skipped rather than computed (`catchUpFrames`).
 *
 * Test controls: `originNs`, `firstFifoSampleNs` (instant of the first sample written to the FIFO since it
 * was last reset: with a driver's device-clock deltas it locates each decoded sample in the recording),
 * `samplesTaken`.
 */
import type { EmulatorClock } from './clock.js';
import type { ImuRecording } from './recording.js';
import { ImuResampler } from './resample.js';
import type { ImuTruth, RecordingEnd } from './resample.js';
import { RegisterChip } from './register-chip.js';

export interface ImuEmulatorOptions {
  readonly clock: EmulatorClock;
  readonly recording: ImuRecording;
  /** Recording time at the emulator's origin, s (default 0). */
  readonly startS?: number;
  /** After the recording's end: loop it (default) or hold the last sample. */
  readonly end?: RecordingEnd;
}

export abstract class ImuChipEmulator extends RegisterChip {
  readonly clock: EmulatorClock;
  readonly recording: ImuRecording;
  /** Clock time that maps to recording time `startS`. */
  readonly originNs: bigint;
  readonly #startNs: number;
  readonly #resampler: ImuResampler;
  #samplingStartNs: bigint | undefined;
  #periodNs = 0n;
  #nextIndex = 0n;
  /** Instant of the first sample written to the FIFO since it was last reset (undefined: none yet). */
  firstFifoSampleNs: bigint | undefined;
  samplesTaken = 0;

  protected constructor(options: ImuEmulatorOptions) {
    super();
    this.clock = options.clock;
    this.recording = options.recording;
    this.originNs = options.clock.nowNs();
    this.#startNs = (options.startS ?? 0) * 1e9;
    this.#resampler = new ImuResampler(options.recording, options.end ?? 'loop');
  }

  /** The recording at clock instant `instantNs` (what the chip's sensor sees then). */
  truthAt(instantNs: bigint): ImuTruth {
    return this.#resampler.at(Number(instantNs - this.originNs) + this.#startNs);
  }

  /** Starts (or restarts, after an ODR change) the sample grid now, at `periodNs`; 0 stops sampling. */
  protected startSampling(periodNs: bigint): void {
    this.#periodNs = periodNs;
    this.#samplingStartNs = periodNs > 0n ? this.clock.nowNs() : undefined;
    this.#nextIndex = 0n;
  }

  /** Period of the sample grid, ns (0: not sampling). */
  get samplingPeriodNs(): bigint {
    return this.#periodNs;
  }

  /** Clock time the current sample grid started (undefined: not sampling). */
  get samplingStartNs(): bigint | undefined {
    return this.#samplingStartNs;
  }

  protected override sync(): void {
    const start = this.#samplingStartNs;
    if (start === undefined || this.#periodNs <= 0n) return;
    const now = this.clock.nowNs();
    if (now < start) return;
    const last = (now - start) / this.#periodNs;
    const cap = BigInt(this.catchUpFrames());
    if (last - this.#nextIndex + 1n > cap) {
      this.onSkipped();
      this.#nextIndex = last - cap + 1n;
    }
    for (; this.#nextIndex <= last; this.#nextIndex += 1n) {
      const instant = start + this.#nextIndex * this.#periodNs;
      this.samplesTaken += 1;
      this.onSample(this.truthAt(instant), instant);
    }
  }

  /** Handles sample taken at `instantNs` (fill data registers, push a FIFO frame). */
  protected abstract onSample(truth: ImuTruth, instantNs: bigint): void;

  /** Most samples worth producing in one catch-up (a little more than the FIFO holds). */
  protected abstract catchUpFrames(): number;

  /** Samples were skipped in a catch-up: the FIFO overflowed. */
  protected abstract onSkipped(): void;
}

export const RAD_TO_DEG = 180 / Math.PI;
export const STANDARD_G = 9.80665;
