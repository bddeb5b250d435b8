/**
 * Magnetic disturbance rejection in front of the native filters (the `vqf` filter has its own, `vqf-mag.ts`): a
 * magnetometer sample is passed on only while its norm and dip angle stay near a reference (the criteria of VQF,
 * Laidig & Seel, Information Fusion 2023, §3.5: relative norm deviation `normTh`, dip deviation `dipThRad`); a
 * rejected sample is zeroed, which the native filters count as "no magnetometer correction" (`magRejected`).
 *
 * Dip = angle of the field below the horizontal: `asin(−m·u / ‖m‖)` with `u` the up direction in the body frame from
 * the filter's orientation before the batch. The reference is the mean norm and dip of the first `learnS` seconds of
 * samples (or of the static initialisation), then follows accepted samples with time constant `refTauS`.
 */
import type { Quat, Vec3 } from '../../../math/quat.js';
import { conjugate, rotate } from '../../../math/quat.js';

export interface MagGateSettings {
  /** Relative norm deviation counted as disturbed (VQF `magNormTh`). */
  readonly normTh: number;
  /** Dip-angle deviation counted as disturbed, rad (VQF `magDipTh` 10°). */
  readonly dipThRad: number;
  /** Time over which the first reference is averaged, s. */
  readonly learnS: number;
  /** Time constant with which the reference follows accepted samples, s (VQF `magRefTau`). */
  readonly refTauS: number;
}

export const DEFAULT_MAG_GATE: Readonly<MagGateSettings> = Object.freeze({ normTh: 0.1, dipThRad: (10 * Math.PI) / 180, learnS: 2, refTauS: 20 });

export interface MagGateState {
  /** Reference norm (µT) and dip (rad); NaN until learned. */
  readonly refNorm: number;
  readonly refDip: number;
  /** While learning: sums and time learned. */
  readonly learnSumNorm: number;
  readonly learnSumDip: number;
  readonly learnCount: number;
  readonly learnedS: number;
  /** Samples rejected so far. */
  readonly rejected: number;
}

export const INITIAL_MAG_GATE: MagGateState = Object.freeze({ refNorm: Number.NaN, refDip: Number.NaN, learnSumNorm: 0, learnSumDip: 0, learnCount: 0, learnedS: 0, rejected: 0 });

/** A gate whose reference is a known field (e.g. the mean of a static initialisation) in the body frame at `q_world_body`. */
export function magGateFrom(magUt: Vec3, q_world_body: Quat): MagGateState {
  const { norm, dip } = normDip(magUt, rotate(conjugate(q_world_body), [0, 0, 1]));
  return { ...INITIAL_MAG_GATE, refNorm: norm, refDip: dip };
}

function normDip(m: Vec3, up: Vec3): { norm: number; dip: number } {
  const norm = Math.hypot(m[0], m[1], m[2]);
  return { norm, dip: Math.asin(Math.max(-1, Math.min(1, -(m[0] * up[0] + m[1] * up[1] + m[2] * up[2]) / norm))) };
}

/**
 * Gates the magnetometer of one batch (`magUt`, 3n, body frame, µT; `tNs` n times, ns) for a filter at
 * `q_world_body`. Returns a copy with rejected samples zeroed and the new gate state. Never throws.
 */
export function gateMagnetometer(state: MagGateState, magUt: ArrayLike<number>, tNs: ArrayLike<number>, q_world_body: Quat, s: MagGateSettings = DEFAULT_MAG_GATE): { magUt: Float64Array; state: MagGateState } {
  const up = rotate(conjugate(q_world_body), [0, 0, 1]);
  const out = Float64Array.from(magUt);
  let { refNorm, refDip, learnSumNorm, learnSumDip, learnCount, learnedS, rejected } = state;
  for (let i = 0; i < tNs.length; i++) {
    const m: Vec3 = [magUt[3 * i] as number, magUt[3 * i + 1] as number, magUt[3 * i + 2] as number];
    const { norm, dip } = normDip(m, up);
    if (!(Number.isFinite(norm) && norm > 0 && Number.isFinite(dip))) continue; // the filter counts it
    const dt = i > 0 ? ((tNs[i] as number) - (tNs[i - 1] as number)) * 1e-9 : 0;
    if (Number.isNaN(refNorm)) {
      learnSumNorm += norm;
      learnSumDip += dip;
      learnCount += 1;
      learnedS += Number.isFinite(dt) && dt > 0 ? dt : 0;
      if (learnedS >= s.learnS) {
        refNorm = learnSumNorm / learnCount;
        refDip = learnSumDip / learnCount;
      }
      continue;
    }
    if (Math.abs(norm - refNorm) < s.normTh * refNorm && Math.abs(dip - refDip) < s.dipThRad) {
      const k = Number.isFinite(dt) && dt > 0 ? 1 - Math.exp(-dt / s.refTauS) : 0;
      refNorm += k * (norm - refNorm);
      refDip += k * (dip - refDip);
    } else {
      out.fill(0, 3 * i, 3 * i + 3);
      rejected += 1;
    }
  }
  return { magUt: out, state: { refNorm, refDip, learnSumNorm, learnSumDip, learnCount, learnedS, rejected } };
}
