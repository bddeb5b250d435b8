/**
 * A VQF-style attitude filter (D. Laidig and T. Seel, "VQF: Highly Accurate IMU Orientation Estimation with Bias
 * Estimation and Magnetic Disturbance Rejection", Information Fusion 91 (2023) 187–204, §3; transcribed from the
 * paper and its reference implementation, MIT): gyro strapdown integration into an almost-inertial frame I (§3.1);
 * the accelerometer rotated into I and low-passed there (τ_acc), its direction then pulls the inclination of
 * `q_E_I` fully each sample (§3.2); gyro bias from a Kalman filter on the inclination corrections in motion (§3.3)
 * and on the low-passed rate at rest (§3.4); heading from the magnetometer through one angle δ with norm/dip
 * disturbance detection and rejection (§3.5). Differences: the bias clip and initial bias σ (`vqf-params.ts`), dt of the gyro step from
 * the timestamps (clamped to [0, 0.5] s; the low-passes use the nominal period, as VQF), output in north-west-up
 * (`q_NWU = q_z(−90°) ⊗ q_ENU`) like the native filters.
 *
 * Inputs: gyro rad/s, accelerometer m/s², magnetometer any unit (body frame), times ns. Never throws on data:
 * a zero or non-finite accelerometer/magnetometer sample is skipped, a non-finite gyro sample holds the state.
 */
import { multiply, rotate, type Quat, type Vec3 } from '../../../math/quat.js';

/** ‖(x, y, z)‖ without `Math.hypot` (several times slower in V8 on this hot path). */
export const norm3 = (x: number, y: number, z: number): number => Math.sqrt(x * x + y * y + z * z);

function normalize(q: Quat): Quat {
  const n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  return n > 0 ? [q[0] / n, q[1] / n, q[2] / n, q[3] / n] : [1, 0, 0, 0];
}
import { magStep } from './vqf-mag.js';
import { DEFAULT_VQF, lowpassState, lowpassStep, vqfCoefficients, type VqfCoefficients, type VqfSettings } from './vqf-params.js';

/** The filter's whole state; {@link cloneVqfState} copies it (the layer keeps states as values). */
export interface VqfState {
  readonly settings: Required<VqfSettings>;
  readonly c: VqfCoefficients;
  /** `q_I_body` (gyro integration), `q_E_I` (inclination correction), δ heading of 9D over 6D (rad). */
  gyrQuat: Quat;
  accQuat: Quat;
  delta: number;
  prevTNs: number;
  /** Gyro bias, body, rad/s, and its 3×3 covariance (units (0.01 °/s)², row-major). */
  readonly bias: Float64Array;
  readonly biasP: Float64Array;
  restDetected: boolean;
  restT: number;
  readonly restLastGyrLp: Float64Array;
  magDistDetected: boolean;
  magRefNorm: number;
  magRefDip: number;
  magUndisturbedT: number;
  magRejectT: number;
  magCandidateNorm: number;
  magCandidateDip: number;
  magCandidateT: number;
  kMagInit: number;
  /** Low-pass states (see `lowpassStep`). */
  readonly accLp: Float64Array;
  readonly restGyrLp: Float64Array;
  readonly restAccLp: Float64Array;
  readonly motionRLp: Float64Array;
  readonly motionBiasLp: Float64Array;
  readonly magNormDipLp: Float64Array;
}

/**
 * A new state at `q_world_body` (NWU; identity by default) for samples at `rateHz`, with gyro bias `biasRadps` of
 * standard deviation `biasSigmaRadps` (default `biasSigmaInitDps`). @throws Error on settings out of range.
 */
export function createVqfState(rateHz: number, settings: VqfSettings = {}, q_world_body: Quat = [1, 0, 0, 0], biasRadps: Vec3 = [0, 0, 0], biasSigmaRadps?: number): VqfState {
  const s = { ...DEFAULT_VQF, ...settings };
  const c = vqfCoefficients(s, rateHz);
  const p0 = biasSigmaRadps === undefined ? c.biasP0 : ((biasSigmaRadps / D2R) * 100) ** 2;
  return {
    settings: s,
    c,
    gyrQuat: multiply(Q_ENU_NWU, q_world_body),
    accQuat: [1, 0, 0, 0],
    delta: 0,
    prevTNs: Number.NaN,
    bias: Float64Array.from(biasRadps),
    biasP: Float64Array.of(p0, 0, 0, 0, p0, 0, 0, 0, p0),
    restDetected: false,
    restT: 0,
    restLastGyrLp: new Float64Array(3),
    magDistDetected: true,
    magRefNorm: 0,
    magRefDip: 0,
    magUndisturbedT: 0,
    magRejectT: s.magMaxRejectionTimeS,
    magCandidateNorm: -1,
    magCandidateDip: 0,
    magCandidateT: 0,
    kMagInit: 1,
    accLp: lowpassState(3),
    restGyrLp: lowpassState(3),
    restAccLp: lowpassState(3),
    motionRLp: lowpassState(9),
    motionBiasLp: lowpassState(2),
    magNormDipLp: lowpassState(2),
  };
}

/** A deep copy. */
export function cloneVqfState(s: VqfState): VqfState {
  const copy = { ...s } as { -readonly [K in keyof VqfState]: VqfState[K] };
  for (const k of Object.keys(s) as (keyof VqfState)[]) {
    const v = s[k];
    if (v instanceof Float64Array) (copy as Record<string, unknown>)[k] = Float64Array.from(v);
  }
  return copy;
}

const C = Math.SQRT1_2;
const Q_ENU_NWU: Quat = [C, 0, 0, C];
const Q_NWU_ENU: Quat = [C, 0, 0, -C];
const D2R = Math.PI / 180;

/** `q_E_body` without heading correction (ENU up to the unobserved heading). */
export function vqfQuat6D(s: VqfState): Quat {
  return normalize(multiply(s.accQuat, s.gyrQuat));
}

/** `q_world_body` in north-west-up: with magnetometer updates heading from δ, else the 6D estimate. */
export function vqfQuatNwu(s: VqfState): Quat {
  const q9 = multiply([Math.cos(s.delta / 2), 0, 0, Math.sin(s.delta / 2)], vqfQuat6D(s));
  return normalize(multiply(Q_NWU_ENU, q9));
}

/** Scratch outputs of the low-passes (the filter runs synchronously; nothing keeps them across calls). */
const LP3 = new Float64Array(3);
const LP9 = new Float64Array(9);
const LP2 = new Float64Array(2);
const RB2 = new Float64Array(2);

function gyroStep(s: VqfState, gyr: Vec3, dt: number): void {
  const c = s.c;
  if (s.settings.restBiasEst || s.settings.magDistRejection) {
    const lp = LP3;
    lowpassStep(c.restGyrLp, s.settings.restFilterTauS, c.ts, gyr, s.restGyrLp, lp);
    const dev = norm3(gyr[0] - (lp[0] as number), gyr[1] - (lp[1] as number), gyr[2] - (lp[2] as number));
    const clip = s.settings.biasClipDps * D2R;
    if (dev >= s.settings.restThGyrDps * D2R || Math.max(Math.abs(lp[0] as number), Math.abs(lp[1] as number), Math.abs(lp[2] as number)) > clip) {
      s.restT = 0;
      s.restDetected = false;
    }
    s.restLastGyrLp.set(lp);
  }
  const w: Vec3 = [gyr[0] - (s.bias[0] as number), gyr[1] - (s.bias[1] as number), gyr[2] - (s.bias[2] as number)];
  const n = norm3(w[0], w[1], w[2]);
  if (n > Number.EPSILON) {
    const half = (n * dt) / 2;
    const k = Math.sin(half) / n;
    s.gyrQuat = normalize(multiply(s.gyrQuat, [Math.cos(half), k * w[0], k * w[1], k * w[2]]));
  }
}

function restAccStep(s: VqfState, acc: Vec3): void {
  const lp = LP3;
  lowpassStep(s.c.restAccLp, s.settings.restFilterTauS, s.c.ts, acc, s.restAccLp, lp);
  const dev = norm3(acc[0] - (lp[0] as number), acc[1] - (lp[1] as number), acc[2] - (lp[2] as number));
  if (dev >= s.settings.restThAccMps2) {
    s.restT = 0;
    s.restDetected = false;
  } else {
    s.restT += s.c.ts;
    if (s.restT >= s.settings.restMinTS) s.restDetected = true;
  }
}

/** Rotation matrix (row-major) of `q`. */
function matrixOf(q: Quat): number[] {
  const [w, x, y, z] = q;
  return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y), 2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x), 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)];
}

function accStep(s: VqfState, acc: Vec3): void {
  const c = s.c;
  if (s.settings.restBiasEst) restAccStep(s, acc);
  const accI = rotate(s.gyrQuat, acc);
  const accLp = LP3;
  lowpassStep(c.accLp, s.settings.tauAccS, c.ts, accI, s.accLp, accLp);
  const e0 = rotate(s.accQuat, [accLp[0] as number, accLp[1] as number, accLp[2] as number]);
  const en = norm3(e0[0], e0[1], e0[2]);
  if (!(en > 0)) return;
  const accEarth: Vec3 = [e0[0] / en, e0[1] / en, e0[2] / en];
  const qw = Math.sqrt((accEarth[2] + 1) / 2);
  const corr: Quat = qw > 1e-6 ? [qw, (0.5 * accEarth[1]) / qw, (-0.5 * accEarth[0]) / qw, 0] : [0, 1, 0, 0];
  s.accQuat = normalize(multiply(corr, s.accQuat));
  if (s.settings.motionBiasEst || s.settings.restBiasEst) biasStep(s, accEarth);
}

/** The bias Kalman filter (§3.3–3.4): measurement `e`, model `R`, noise `W`, state `bias`, covariance `biasP`. */
function biasStep(s: VqfState, accEarth: Vec3): void {
  const c = s.c;
  const clip = s.settings.biasClipDps * D2R;
  const b = s.bias;
  let R = matrixOf(vqfQuat6D(s));
  const rb = RB2;
  rb[0] = (R[0] as number) * (b[0] as number) + (R[1] as number) * (b[1] as number) + (R[2] as number) * (b[2] as number);
  rb[1] = (R[3] as number) * (b[0] as number) + (R[4] as number) * (b[1] as number) + (R[5] as number) * (b[2] as number);
  const rLp = LP9;
  lowpassStep(c.accLp, s.settings.tauAccS, c.ts, R, s.motionRLp, rLp);
  const biasLp = LP2;
  lowpassStep(c.accLp, s.settings.tauAccS, c.ts, rb, s.motionBiasLp, biasLp);
  R = Array.from(rLp);
  let e: number[] | null = null;
  let w: number[] = [];
  if (s.restDetected && s.settings.restBiasEst) {
    e = [0, 1, 2].map((i) => (s.restLastGyrLp[i] as number) - (b[i] as number));
    R = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    w = [c.biasRestW, c.biasRestW, c.biasRestW];
  } else if (s.settings.motionBiasEst) {
    const rbNow = (r: number): number => (R[3 * r] as number) * (b[0] as number) + (R[3 * r + 1] as number) * (b[1] as number) + (R[3 * r + 2] as number) * (b[2] as number);
    e = [-accEarth[1] / c.ts + (biasLp[0] as number) - rbNow(0), accEarth[0] / c.ts + (biasLp[1] as number) - rbNow(1), -rbNow(2)];
    w = [c.biasMotionW, c.biasMotionW, c.biasVerticalW];
  }
  const P = s.biasP;
  for (let i = 0; i < 3; i++) if ((P[4 * i] as number) < c.biasP0) P[4 * i] = (P[4 * i] as number) + c.biasV;
  if (e === null) return;
  for (let i = 0; i < 3; i++) e[i] = Math.max(-clip, Math.min(clip, e[i] as number));
  // K = P Rᵀ (W + R P Rᵀ)⁻¹; bias += K e; P −= K R P
  const PRt = mul3(P, transpose3(R));
  const S = mul3(R, PRt);
  for (let i = 0; i < 3; i++) S[4 * i] = (S[4 * i] as number) + (w[i] as number);
  const Sinv = inverse3(S);
  if (Sinv === null) return;
  const K = mul3(PRt, Sinv);
  for (let i = 0; i < 3; i++) b[i] = (b[i] as number) + (K[3 * i] as number) * (e[0] as number) + (K[3 * i + 1] as number) * (e[1] as number) + (K[3 * i + 2] as number) * (e[2] as number);
  const KRP = mul3(K, mul3(R, P));
  for (let i = 0; i < 9; i++) P[i] = (P[i] as number) - (KRP[i] as number);
  for (let i = 0; i < 3; i++) b[i] = Math.max(-clip, Math.min(clip, b[i] as number));
}

function mul3(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const o = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) o[3 * r + c] = (o[3 * r + c] as number) + (a[3 * r + k] as number) * (b[3 * k + c] as number);
  return o;
}
function transpose3(a: ArrayLike<number>): number[] {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]] as number[];
}
function inverse3(m: ArrayLike<number>): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = Array.from(m) as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const Cc = d * h - e * g;
  const det = a * A + b * B + c * Cc;
  if (!(Math.abs(det) > 1e-300)) return null;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, Cc / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}


/** Counts of one batch (degraded samples are counted, never thrown). */
export interface VqfBatchResult {
  readonly samples: number;
  readonly accelRejected: number;
  readonly magRejected: number;
  readonly skipped: number;
}

/**
 * Runs the filter over n samples in place. `out` (4n) gets `q_world_body` (NWU) after each sample.
 * @throws Error when an array is shorter than its n-sample size.
 */
export function vqfUpdate(s: VqfState, batch: { timestampsNs: ArrayLike<number>; gyroRadps: ArrayLike<number>; accelMps2: ArrayLike<number>; magUt?: ArrayLike<number> }, out?: Float64Array): VqfBatchResult {
  const n = batch.timestampsNs.length;
  for (const [name, arr, len] of [['gyroRadps', batch.gyroRadps, 3 * n], ['accelMps2', batch.accelMps2, 3 * n], ['magUt', batch.magUt, 3 * n], ['out', out, 4 * n]] as const) {
    if (arr !== undefined && arr.length < len) throw new Error(`"${name}" must hold ${len} numbers for ${n} samples, got ${arr.length}`);
  }
  let accelRejected = 0;
  let magRejected = 0;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const t = batch.timestampsNs[i] as number;
    const raw = (t - s.prevTNs) * 1e-9;
    const dt = Number.isFinite(raw) && raw > 0 && raw <= 0.5 ? raw : s.c.ts;
    s.prevTNs = t;
    const g: Vec3 = [batch.gyroRadps[3 * i] as number, batch.gyroRadps[3 * i + 1] as number, batch.gyroRadps[3 * i + 2] as number];
    if (!(Number.isFinite(g[0]) && Number.isFinite(g[1]) && Number.isFinite(g[2]))) skipped++;
    else {
      gyroStep(s, g, dt);
      const a: Vec3 = [batch.accelMps2[3 * i] as number, batch.accelMps2[3 * i + 1] as number, batch.accelMps2[3 * i + 2] as number];
      if (Number.isFinite(a[0]) && Number.isFinite(a[1]) && Number.isFinite(a[2]) && (a[0] !== 0 || a[1] !== 0 || a[2] !== 0)) accStep(s, a);
      else accelRejected++;
      if (batch.magUt !== undefined) {
        const m: Vec3 = [batch.magUt[3 * i] as number, batch.magUt[3 * i + 1] as number, batch.magUt[3 * i + 2] as number];
        if (Number.isFinite(m[0]) && Number.isFinite(m[1]) && Number.isFinite(m[2]) && (m[0] !== 0 || m[1] !== 0 || m[2] !== 0)) magStep(s, m);
        else magRejected++;
      }
    }
    if (out !== undefined) out.set(vqfQuatNwu(s), 4 * i);
  }
  return { samples: n, accelRejected, magRejected, skipped };
}
