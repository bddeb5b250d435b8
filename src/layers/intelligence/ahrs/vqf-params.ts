/**
 * Settings, derived coefficients and the low-pass filter of the VQF-style attitude filter (`vqf.ts`), after
 * D. Laidig and T. Seel, "VQF: Highly Accurate IMU Orientation Estimation with Bias Estimation and Magnetic
 * Disturbance Rejection", Information Fusion 91 (2023) 187–204 (§3; parameter names and defaults of its reference
 * implementation, MIT, `vqf` 2.1.2 on PyPI), with one change: the bias clip (see {@link DEFAULT_VQF}).
 */

/** Tuning of the filter; angles in the names' units. Omitted fields take {@link DEFAULT_VQF}. */
export interface VqfSettings {
  /** Time constant of the accelerometer low-pass in the almost-inertial frame (paper §3.2, τ_acc), s. */
  readonly tauAccS?: number;
  /** Time constant of the heading correction from the magnetometer (τ_mag), s. */
  readonly tauMagS?: number;
  /** Gyro bias estimation in motion (§3.3) and at rest (§3.4). */
  readonly motionBiasEst?: boolean;
  readonly restBiasEst?: boolean;
  /** Magnetic disturbance detection and rejection (§3.5). */
  readonly magDistRejection?: boolean;
  /** Initial bias standard deviation, °/s. */
  readonly biasSigmaInitDps?: number;
  /** Time in which the bias uncertainty grows from 0 to 0.1 °/s, s. */
  readonly biasForgettingTimeS?: number;
  /** Largest bias (and bias disagreement) accepted, °/s. */
  readonly biasClipDps?: number;
  /** Bias measurement noise in motion, °/s. */
  readonly biasSigmaMotionDps?: number;
  /** How much more slowly the bias about the vertical is forgotten in motion (it is unobservable there). */
  readonly biasVerticalForgettingFactor?: number;
  /** Bias measurement noise at rest, °/s. */
  readonly biasSigmaRestDps?: number;
  /** Rest detection: how long gyro and accelerometer must stay near their low-pass means, s. */
  readonly restMinTS?: number;
  /** Rest detection: low-pass time constant, s. */
  readonly restFilterTauS?: number;
  /** Rest detection: gyro deviation threshold, °/s. */
  readonly restThGyrDps?: number;
  /** Rest detection: accelerometer deviation threshold, m/s². */
  readonly restThAccMps2?: number;
  /** Magnetic disturbance detection: low-pass time constant of norm and dip, s. */
  readonly magCurrentTauS?: number;
  /** Time constant with which the reference norm and dip follow an undisturbed field, s. */
  readonly magRefTauS?: number;
  /** Relative norm deviation counted as disturbed. */
  readonly magNormTh?: number;
  /** Dip-angle deviation counted as disturbed, °. */
  readonly magDipThDeg?: number;
  /** A new steady field is accepted as the reference after this long (with rotation ≥ `magNewMinGyrDps`), s. */
  readonly magNewTimeS?: number;
  /** As `magNewTimeS` for the first field, s. */
  readonly magNewFirstTimeS?: number;
  /** Rotation needed for the new-field timer to run, °/s. */
  readonly magNewMinGyrDps?: number;
  /** Undisturbed time before a disturbance is declared over, s. */
  readonly magMinUndisturbedTimeS?: number;
  /** Longest time the magnetometer is ignored while disturbed; after it, its gain is divided by `magRejectionFactor`, s. */
  readonly magMaxRejectionTimeS?: number;
  readonly magRejectionFactor?: number;
}

/**
 * The reference implementation's defaults, except two, both for IMUs with a large turn-on gyro bias such as EuRoC's
 * ADIS16448 (0.08 rad/s = 4.6 °/s about z, `../shared/data/euroc_mh01_excerpt/PROVENANCE.md`):
 * - `biasClipDps` 5 (VQF: 2): a 2 °/s clip can neither estimate that bias nor see rest through it (VQF's rest
 *   detection also requires the low-passed rate below the clip);
 * - `biasSigmaInitDps` 3 (VQF: 0.5): the Kalman filter then trusts its zero start less and learns such a bias in
 *   motion within seconds. Inclination RMS on the first 30 s of EuRoC MH_01 (hand-held from the start) for σ_init
 *   0.5 / 1 / 2 / 3 °/s: 4.90 / 3.48 / 2.60 / 2.26°; V1_01 2.80 / 2.72 / 2.71 / 2.72°; BROAD 07 and 16, 6D and 9D,
 *   unchanged to 0.01° (their bias is ≈ 0.3 °/s).
 */
export const DEFAULT_VQF: Readonly<Required<VqfSettings>> = Object.freeze({
  tauAccS: 3,
  tauMagS: 9,
  motionBiasEst: true,
  restBiasEst: true,
  magDistRejection: true,
  biasSigmaInitDps: 3,
  biasForgettingTimeS: 100,
  biasClipDps: 5,
  biasSigmaMotionDps: 0.1,
  biasVerticalForgettingFactor: 0.0001,
  biasSigmaRestDps: 0.03,
  restMinTS: 1.5,
  restFilterTauS: 0.5,
  restThGyrDps: 2,
  restThAccMps2: 0.5,
  magCurrentTauS: 0.05,
  magRefTauS: 20,
  magNormTh: 0.1,
  magDipThDeg: 10,
  magNewTimeS: 20,
  magNewFirstTimeS: 5,
  magNewMinGyrDps: 20,
  magMinUndisturbedTimeS: 0.5,
  magMaxRejectionTimeS: 60,
  magRejectionFactor: 2,
});

/** Second-order Butterworth low-pass, `y = b·x − a·y` (a₀ = 1). */
export interface Lowpass {
  readonly b: readonly [number, number, number];
  readonly a: readonly [number, number];
}

/** Coefficients derived from the settings and the sample period. */
export interface VqfCoefficients {
  readonly ts: number;
  readonly accLp: Lowpass;
  readonly restGyrLp: Lowpass;
  readonly restAccLp: Lowpass;
  readonly magNormDipLp: Lowpass;
  readonly kMag: number;
  readonly kMagRef: number;
  readonly biasP0: number;
  readonly biasV: number;
  readonly biasMotionW: number;
  readonly biasVerticalW: number;
  readonly biasRestW: number;
}

/**
 * Butterworth low-pass with time constant `tauS` at period `ts` (cut-off `√2 / (2π τ)`, bilinear transform), as the
 * VQF reference implementation's `filterCoeffs`.
 */
export function lowpass(tauS: number, ts: number): Lowpass {
  const fc = Math.SQRT2 / (2 * Math.PI * tauS);
  const c = Math.tan(Math.PI * fc * ts);
  const d = c * c + Math.SQRT2 * c + 1;
  const b0 = (c * c) / d;
  return { b: [b0, 2 * b0, b0], a: [(2 * (c * c - 1)) / d, (1 - Math.SQRT2 * c + c * c) / d] };
}

/** First-order gain of time constant `tauS` at period `ts`: `1 − exp(−ts/τ)` (0 for τ < 0, 1 for τ = 0). */
export function gainFromTau(tauS: number, ts: number): number {
  if (tauS < 0) return 0;
  if (tauS === 0) return 1;
  return 1 - Math.exp(-ts / tauS);
}

/** The coefficients for `s` at `rateHz`. @throws Error when the rate or a setting is out of range. */
export function vqfCoefficients(s: Required<VqfSettings>, rateHz: number): VqfCoefficients {
  if (!(rateHz > 0 && rateHz < 1e6)) throw new Error(`"rateHz" must be a number in (0, 1000000), got ${rateHz}`);
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) throw new Error(`"${k}" must be a finite number ≥ 0, got ${v}`);
  }
  const ts = 1 / rateHz;
  const biasP0 = (s.biasSigmaInitDps * 100) ** 2;
  const biasV = ((0.1 * 100) ** 2 * ts) / s.biasForgettingTimeS;
  const pMotion = (s.biasSigmaMotionDps * 100) ** 2;
  const biasMotionW = pMotion ** 2 / biasV + pMotion;
  const pRest = (s.biasSigmaRestDps * 100) ** 2;
  return {
    ts,
    accLp: lowpass(s.tauAccS, ts),
    restGyrLp: lowpass(s.restFilterTauS, ts),
    restAccLp: lowpass(s.restFilterTauS, ts),
    magNormDipLp: lowpass(s.magCurrentTauS, ts),
    kMag: gainFromTau(s.tauMagS, ts),
    kMagRef: gainFromTau(s.magRefTauS, ts),
    biasP0,
    biasV,
    biasMotionW,
    biasVerticalW: biasMotionW / Math.max(s.biasVerticalForgettingFactor, 1e-10),
    biasRestW: pRest ** 2 / biasV + pRest,
  };
}

/**
 * One step of a vector low-pass over `x` (length m) with state `st` (length 2m + 1 … see below), in place; returns
 * the output in `y`. For the first τ seconds the output is the running mean of the samples (so no single sample
 * decides the start) and the filter then starts in steady state at that mean — the reference implementation's
 * `filterVec`. State layout: `[count (NaN once running), sum₀ … sum_{m−1}, z₀₀, z₀₁, … ]` (3m + 1 numbers).
 */
export function lowpassStep(lp: Lowpass, tauS: number, ts: number, x: ArrayLike<number>, st: Float64Array, y: Float64Array): void {
  const m = y.length;
  const { b, a } = lp;
  if (!Number.isNaN(st[0])) {
    st[0] = (st[0] as number) + 1;
    for (let i = 0; i < m; i++) {
      st[1 + i] = (st[1 + i] as number) + (x[i] as number);
      y[i] = (st[1 + i] as number) / (st[0]);
    }
    if ((st[0]) * ts >= tauS) {
      st[0] = Number.NaN;
      for (let i = 0; i < m; i++) {
        const x0 = y[i] as number;
        st[1 + m + 2 * i] = x0 * (1 - b[0]);
        st[1 + m + 2 * i + 1] = x0 * (b[2] - a[1]);
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const xi = x[i] as number;
    const z = 1 + m + 2 * i;
    const yi = b[0] * xi + (st[z] as number);
    st[z] = b[1] * xi - a[0] * yi + (st[z + 1] as number);
    st[z + 1] = b[2] * xi - a[1] * yi;
    y[i] = yi;
  }
}

/** A fresh low-pass state for m channels (see {@link lowpassStep}). */
export function lowpassState(m: number): Float64Array {
  return new Float64Array(3 * m + 1);
}
