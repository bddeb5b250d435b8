/**
 * White gyro noise for evaluating prediction on a noise-free reference rate: a simulated physical effect
 * (the rate-noise density of a MEMS gyro), seeded so runs repeat. Discrete per-sample standard deviation
 * `σ = density · √rate` (the Kalibr / EuRoC IMU noise-model convention, "IMU Noise Model" wiki, eq. for
 * `σ_d = σ / √Δt`). Default density 0.014 °/s/√Hz: Bosch BMI088 datasheet (rev. 1.9, Table 2, gyro
 * "Rate noise density"), a class of IMU found on head-worn devices. Never a stand-in for a sensor: the rate
 * itself is the recording's.
 *
 * Generator: SplitMix64 (`src/math/splitmix.ts`) with Box–Muller for normal deviates.
 */
import { SplitMix64 } from '../../../math/splitmix.js';

export const BMI088_GYRO_NOISE_DENSITY_RADPS_PER_SQRT_HZ = (0.014 * Math.PI) / 180;

export class GyroNoise {
  readonly #rng: SplitMix64;
  readonly #sigmaRadps: number;

  /** `densityRadpsPerSqrtHz` ≥ 0, `rateHz` > 0, `seed` an integer. */
  constructor(densityRadpsPerSqrtHz: number, rateHz: number, seed: number) {
    if (!(densityRadpsPerSqrtHz >= 0)) throw new Error(`"densityRadpsPerSqrtHz" must be ≥ 0, got ${densityRadpsPerSqrtHz}`);
    if (!(rateHz > 0)) throw new Error(`"rateHz" must be > 0, got ${rateHz}`);
    this.#rng = new SplitMix64(seed);
    this.#sigmaRadps = densityRadpsPerSqrtHz * Math.sqrt(rateHz);
  }

  /** Per-sample standard deviation, rad/s. */
  get sigmaRadps(): number {
    return this.#sigmaRadps;
  }

  /** A normal deviate with the per-sample σ, rad/s. */
  next(): number {
    const u1 = 1 - this.#rng.uniform();
    const u2 = this.#rng.uniform();
    return this.#sigmaRadps * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
