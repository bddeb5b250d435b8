/**
 * Constant-velocity Kalman filter of an image box, as ByteTrack uses it (Zhang et al., "ByteTrack:
 * Multi-Object Tracking by Associating Every Detection Box", ECCV 2022; code `yolox/tracker/kalman_filter.py`,
 * taken from DeepSORT, Wojke et al. 2017): state `[cx, cy, a, h, vcx, vcy, va, vh]` (box centre px, aspect
 * ratio w/h, height px, and their rates per reference frame), measurement `[cx, cy, a, h]`, noise standard
 * deviations proportional to the box height (1/20 for position, 1/160 for velocity).
 *
 * Time: ByteTrack steps once per 30 fps video frame; here a step covers `dt` reference frames
 * (`Δt / referencePeriodS`, 1/30 s by default), so a 10 fps camera or a skipped frame moves the box by the
 * right amount and grows the process noise in proportion (a random walk).
 *
 * Pure functions on `Float64Array`s (mean: 8, covariance: 8×8 row-major); inputs are never mutated.
 */

export interface BoxKalmanSettings {
  /** Position noise std / box height. ByteTrack: 1/20. */
  readonly stdWeightPosition: number;
  /** Velocity noise std / box height. ByteTrack: 1/160. */
  readonly stdWeightVelocity: number;
  /** Length of one filter step at dt = 1, s. ByteTrack's MOT17 tuning: 1/30 s (30 fps). */
  readonly referencePeriodS: number;
}

export const DEFAULT_BOX_KALMAN: BoxKalmanSettings = Object.freeze({ stdWeightPosition: 1 / 20, stdWeightVelocity: 1 / 160, referencePeriodS: 1 / 30 });

export interface BoxEstimate {
  /** `[cx, cy, a, h, vcx, vcy, va, vh]`: px, px, 1, px, then per reference period. */
  readonly mean: Float64Array;
  /** 8×8 row-major covariance. */
  readonly cov: Float64Array;
}

/** `[x1, y1, x2, y2]` px → `[cx, cy, w/h, h]`. */
export function xyxyToXyah(b: readonly number[]): [number, number, number, number] {
  const [x1, y1, x2, y2] = b as [number, number, number, number];
  const h = Math.max(y2 - y1, 1e-6);
  return [(x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / h, h];
}

/** The box of an estimate, `[x1, y1, x2, y2]` px. */
export function estimateBox(e: BoxEstimate): [number, number, number, number] {
  const [cx, cy, a, h] = e.mean as unknown as [number, number, number, number];
  const w = a * h;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

const sq = (x: number): number => x * x;

/** A new estimate from a first box: zero velocity, wide velocity uncertainty. */
export function initiate(boxPx: readonly number[], s: BoxKalmanSettings = DEFAULT_BOX_KALMAN): BoxEstimate {
  const z = xyxyToXyah(boxPx);
  const h = z[3];
  const p = s.stdWeightPosition * h;
  const v = s.stdWeightVelocity * h;
  const std = [2 * p, 2 * p, 1e-2, 2 * p, 10 * v, 10 * v, 1e-5, 10 * v];
  const cov = new Float64Array(64);
  for (let i = 0; i < 8; i += 1) cov[i * 9] = sq(std[i] as number);
  return { mean: Float64Array.from([...z, 0, 0, 0, 0]), cov };
}

/** Predict `dt` reference periods ahead (dt ≥ 0): x ← F x, P ← F P Fᵀ + Q·dt. */
export function predict(e: BoxEstimate, dt: number, s: BoxKalmanSettings = DEFAULT_BOX_KALMAN): BoxEstimate {
  const m = e.mean;
  const P = e.cov;
  const h = m[3] as number;
  const p = s.stdWeightPosition * h;
  const v = s.stdWeightVelocity * h;
  const q = [p, p, 1e-2, p, v, v, 1e-5, v].map((x) => sq(x) * dt);
  const mean = new Float64Array(8);
  for (let i = 0; i < 4; i += 1) {
    mean[i] = (m[i] as number) + dt * (m[i + 4] as number);
    mean[i + 4] = m[i + 4] as number;
  }
  const FP = new Float64Array(64);
  for (let i = 0; i < 8; i += 1) {
    for (let j = 0; j < 8; j += 1) FP[i * 8 + j] = (P[i * 8 + j] as number) + (i < 4 ? dt * (P[(i + 4) * 8 + j] as number) : 0);
  }
  const cov = new Float64Array(64);
  for (let i = 0; i < 8; i += 1) {
    for (let j = 0; j < 8; j += 1) cov[i * 8 + j] = (FP[i * 8 + j] as number) + (j < 4 ? dt * (FP[i * 8 + j + 4] as number) : 0);
    cov[i * 9] = (cov[i * 9] as number) + (q[i] as number);
  }
  return { mean, cov };
}

/** Invert a 4×4 symmetric positive definite matrix (Gauss–Jordan with partial pivoting). */
function invert4(S: Float64Array): Float64Array {
  const a = Float64Array.from(S);
  const inv = new Float64Array(16);
  for (let i = 0; i < 4; i += 1) inv[i * 5] = 1;
  for (let c = 0; c < 4; c += 1) {
    let piv = c;
    for (let r = c + 1; r < 4; r += 1) if (Math.abs(a[r * 4 + c] as number) > Math.abs(a[piv * 4 + c] as number)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < 4; k += 1) {
        [a[c * 4 + k], a[piv * 4 + k]] = [a[piv * 4 + k] as number, a[c * 4 + k] as number];
        [inv[c * 4 + k], inv[piv * 4 + k]] = [inv[piv * 4 + k] as number, inv[c * 4 + k] as number];
      }
    }
    const d = a[c * 5] as number;
    for (let k = 0; k < 4; k += 1) {
      a[c * 4 + k] = (a[c * 4 + k] as number) / d;
      inv[c * 4 + k] = (inv[c * 4 + k] as number) / d;
    }
    for (let r = 0; r < 4; r += 1) {
      if (r === c) continue;
      const f = a[r * 4 + c] as number;
      for (let k = 0; k < 4; k += 1) {
        a[r * 4 + k] = (a[r * 4 + k] as number) - f * (a[c * 4 + k] as number);
        inv[r * 4 + k] = (inv[r * 4 + k] as number) - f * (inv[c * 4 + k] as number);
      }
    }
  }
  return inv;
}

/** Correct with a measured box `[x1, y1, x2, y2]` px: K = P Hᵀ S⁻¹, x ← x + K (z − H x), P ← P − K S Kᵀ. */
export function update(e: BoxEstimate, boxPx: readonly number[], s: BoxKalmanSettings = DEFAULT_BOX_KALMAN): BoxEstimate {
  const m = e.mean;
  const P = e.cov;
  const z = xyxyToXyah(boxPx);
  const h = m[3] as number;
  const p = s.stdWeightPosition * h;
  const r = [p, p, 1e-1, p].map(sq);
  const S = new Float64Array(16);
  for (let i = 0; i < 4; i += 1) for (let j = 0; j < 4; j += 1) S[i * 4 + j] = (P[i * 8 + j] as number) + (i === j ? (r[i] as number) : 0);
  const Si = invert4(S);
  // K (8×4) = P[:, 0:4] · S⁻¹
  const K = new Float64Array(32);
  for (let i = 0; i < 8; i += 1) {
    for (let j = 0; j < 4; j += 1) {
      let acc = 0;
      for (let k = 0; k < 4; k += 1) acc += (P[i * 8 + k] as number) * (Si[k * 4 + j] as number);
      K[i * 4 + j] = acc;
    }
  }
  const y = z.map((zi, i) => zi - (m[i] as number));
  const mean = new Float64Array(8);
  for (let i = 0; i < 8; i += 1) {
    let acc = m[i] as number;
    for (let k = 0; k < 4; k += 1) acc += (K[i * 4 + k] as number) * (y[k] as number);
    mean[i] = acc;
  }
  // P − K S Kᵀ = P − K (P[:, 0:4])ᵀ, since K S = P Hᵀ
  const cov = new Float64Array(64);
  for (let i = 0; i < 8; i += 1) {
    for (let j = 0; j < 8; j += 1) {
      let acc = 0;
      for (let k = 0; k < 4; k += 1) acc += (K[i * 4 + k] as number) * (P[j * 8 + k] as number);
      cov[i * 8 + j] = (P[i * 8 + j] as number) - acc;
    }
  }
  return { mean, cov };
}

/** Intersection over union of two `[x1, y1, x2, y2]` boxes; 0 when either is empty. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const [ax1, ay1, ax2, ay2] = a as [number, number, number, number];
  const [bx1, by1, bx2, by2] = b as [number, number, number, number];
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}
