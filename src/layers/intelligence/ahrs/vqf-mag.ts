/**
 * The magnetometer step of the VQF-style filter (`vqf.ts`; Laidig & Seel, Information Fusion 2023, §3.5): the field
 * is brought into the 6D earth frame; its norm and dip angle, low-passed, are compared with a reference learned
 * while undisturbed (`magNormTh` relative, `magDipThDeg`); a disturbed field is ignored for up to
 * `magMaxRejectionTimeS` and then used at a reduced gain; a new steady field seen during rotation for `magNewTimeS`
 * becomes the reference. Heading is one angle δ (9D = `q_z(δ) ⊗ 6D`) moved toward the field's heading with gain
 * `1 − exp(−ts/τ_mag)` (at least 1/N for the first N samples, so the start converges at once).
 */
import { rotate, type Vec3 } from '../../../math/quat.js';
import { lowpassStep } from './vqf-params.js';
import { norm3, vqfQuat6D, type VqfState } from './vqf.js';

const D2R = Math.PI / 180;

function wrap(a: number): number {
  if (a > Math.PI) return a - 2 * Math.PI;
  if (a < -Math.PI) return a + 2 * Math.PI;
  return a;
}

/** Whether the low-passed norm/dip `nd` lies within the thresholds of `(norm, dip)`. */
function near(s: VqfState, nd: Float64Array, norm: number, dip: number): boolean {
  return Math.abs((nd[0] as number) - norm) < s.settings.magNormTh * norm && Math.abs((nd[1] as number) - dip) < s.settings.magDipThDeg * D2R;
}

/** One magnetometer sample (body frame, any unit, not zero), in place. */
export function magStep(s: VqfState, mag: Vec3): void {
  const { c, settings: p } = s;
  const ts = c.ts;
  const magEarth = rotate(vqfQuat6D(s), mag);
  if (p.magDistRejection) {
    const norm = norm3(magEarth[0], magEarth[1], magEarth[2]);
    const raw = [norm, -Math.asin(Math.max(-1, Math.min(1, magEarth[2] / norm)))];
    const nd = new Float64Array(2);
    if (p.magCurrentTauS > 0) lowpassStep(c.magNormDipLp, p.magCurrentTauS, ts, raw, s.magNormDipLp, nd);
    else nd.set(raw);
    if (near(s, nd, s.magRefNorm, s.magRefDip)) {
      s.magUndisturbedT += ts;
      if (s.magUndisturbedT >= p.magMinUndisturbedTimeS) {
        s.magDistDetected = false;
        s.magRefNorm += c.kMagRef * ((nd[0] as number) - s.magRefNorm);
        s.magRefDip += c.kMagRef * ((nd[1] as number) - s.magRefDip);
      }
    } else {
      s.magUndisturbedT = 0;
      s.magDistDetected = true;
    }
    if (near(s, nd, s.magCandidateNorm, s.magCandidateDip)) {
      if (norm3(s.restLastGyrLp[0] as number, s.restLastGyrLp[1] as number, s.restLastGyrLp[2] as number) >= p.magNewMinGyrDps * D2R) s.magCandidateT += ts;
      s.magCandidateNorm += c.kMagRef * ((nd[0] as number) - s.magCandidateNorm);
      s.magCandidateDip += c.kMagRef * ((nd[1] as number) - s.magCandidateDip);
      if (s.magDistDetected && (s.magCandidateT >= p.magNewTimeS || (s.magRefNorm === 0 && s.magCandidateT >= p.magNewFirstTimeS))) {
        s.magRefNorm = s.magCandidateNorm;
        s.magRefDip = s.magCandidateDip;
        s.magDistDetected = false;
        s.magUndisturbedT = p.magMinUndisturbedTimeS;
      }
    } else {
      s.magCandidateT = 0;
      s.magCandidateNorm = nd[0] as number;
      s.magCandidateDip = nd[1] as number;
    }
  }
  const disagreement = wrap(Math.atan2(magEarth[0], magEarth[1]) - s.delta);
  let k = c.kMag;
  if (p.magDistRejection) {
    if (s.magDistDetected) {
      if (s.magRejectT <= p.magMaxRejectionTimeS) {
        s.magRejectT += ts;
        k = 0;
      } else {
        k /= p.magRejectionFactor;
      }
    } else {
      s.magRejectT = Math.max(s.magRejectT - p.magRejectionFactor * ts, 0);
    }
  }
  if (s.kMagInit !== 0) {
    if (k < s.kMagInit) k = s.kMagInit;
    s.kMagInit = s.kMagInit / (s.kMagInit + 1);
    if (s.kMagInit * p.tauMagS < ts) s.kMagInit = 0;
  }
  s.delta = wrap(s.delta + k * disagreement);
}
