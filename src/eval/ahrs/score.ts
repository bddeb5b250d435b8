/**
 * Orientation error of an AHRS estimate against a recording's reference, degrees.
 *
 * BROAD (Laidig et al., Data 2021; the method of its `example_code/broad_utils.py` and `process_data.py`):
 * scored samples are those with `movement` = 1 and an optical reference; the estimate, in the filters' north-west-up
 * world (or ENU, `frame`), is brought to BROAD's ENU (`q_ENU = q_z(90°) ⊗ q_NWU`); `q_err = q_est ⊗ q_ref*` (earth
 * frame); total error `2 acos|w|`, heading `2 atan|z/w|`, inclination `2 acos √(w² + z²)`. 6D (no magnetometer) is
 * scored on the inclination error, 9D on the total error, as BROAD does.
 *
 * EuRoC (Burri et al., IJRR 2016): the ground truth is slerped at each estimate time; an IMU-only (6D) estimate
 * has no heading, so it is rotated about world z by the circular-mean heading offset of its first second
 * (`src/eval/orientation-error.ts`) and `total` is the error after that one alignment; the primary 6D metric is the
 * inclination error — the total error with the heading aligned at every sample — as for BROAD: over V1_01's 145 s
 * the unobservable vertical gyro bias turns into tens of degrees of heading drift that says nothing about the filter.
 */
import { angleRad, conjugate, fromYaw, multiply, normalize, type Quat } from '../../math/quat.js';
import { headingOffsetRad, interpolateTruth } from '../orientation-error.js';
import type { AhrsRecording } from './recording.js';

/** Statistics of an error series, degrees. */
export interface ErrorStats {
  readonly count: number;
  readonly rmsDeg: number;
  readonly meanDeg: number;
  readonly p95Deg: number;
  readonly maxDeg: number;
}

/** Errors of one estimate: `primary` is what the acceptance compares (see the module docs). */
export interface AhrsScore {
  readonly metric: 'inclination' | 'total';
  readonly primary: ErrorStats;
  readonly total: ErrorStats;
  readonly inclination: ErrorStats;
  readonly heading: ErrorStats;
}

const DEG = 180 / Math.PI;

/** RMS, mean, p95 (nearest rank) and max of `radians`, in degrees. @throws Error when the series is empty. */
export function errorStats(radians: readonly number[]): ErrorStats {
  if (radians.length === 0) throw new Error('no scored samples: the estimate does not overlap the reference');
  const deg = radians.map((x) => x * DEG);
  const sorted = [...deg].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number;
  return {
    count: deg.length,
    rmsDeg: Math.sqrt(deg.reduce((s, x) => s + x * x, 0) / deg.length),
    meanDeg: deg.reduce((s, x) => s + x, 0) / deg.length,
    p95Deg: p95,
    maxDeg: sorted[sorted.length - 1] as number,
  };
}

const quatAt = (q: ArrayLike<number>, i: number): Quat => [q[4 * i] as number, q[4 * i + 1] as number, q[4 * i + 2] as number, q[4 * i + 3] as number];
const C = Math.SQRT1_2;
/** `q_z(90°)`: NWU → ENU. */
const Q_ENU_NWU: Quat = [C, 0, 0, C];

/** Total, heading and inclination angle of an earth-frame error quaternion, rad. */
function decompose(d: Quat): { total: number; heading: number; inclination: number } {
  const [w, , , z] = normalize(d);
  return {
    total: 2 * Math.acos(Math.min(1, Math.abs(w))),
    heading: 2 * Math.atan(Math.abs(z / w)),
    inclination: 2 * Math.acos(Math.min(1, Math.sqrt(w * w + z * z))),
  };
}

/**
 * Scores `q` (4n, one per IMU sample, `q_world_body`) on `rec`. `mode` 9D: the estimate used a magnetometer
 * (scored on total error, no heading alignment); 6D: no magnetometer. `frame`: the estimate's world frame (NWU for
 * the native filters and imufusion, ENU for VQF).
 */
export function scoreAhrs(rec: AhrsRecording, q: Float64Array, mode: '6D' | '9D', frame: 'NWU' | 'ENU' = 'NWU'): AhrsScore {
  if (q.length !== 4 * rec.timestampsNs.length) throw new Error(`"q" must hold ${4 * rec.timestampsNs.length} numbers (4 per sample), got ${q.length}`);
  return rec.kind === 'broad' ? scoreBroad(rec, q, mode, frame) : scoreEuroc(rec, q, mode);
}

function scoreBroad(rec: AhrsRecording, q: Float64Array, mode: '6D' | '9D', frame: 'NWU' | 'ENU'): AhrsScore {
  const total: number[] = [];
  const heading: number[] = [];
  const inclination: number[] = [];
  const ref = rec.reference.q;
  for (let i = 0; i < rec.timestampsNs.length; i++) {
    if (rec.scored?.[i] !== 1 || Number.isNaN(ref[4 * i])) continue;
    const est = frame === 'NWU' ? multiply(Q_ENU_NWU, quatAt(q, i)) : quatAt(q, i);
    const e = decompose(multiply(est, conjugate(normalize(quatAt(ref, i)))));
    total.push(e.total);
    heading.push(e.heading);
    inclination.push(e.inclination);
  }
  const s = { total: errorStats(total), heading: errorStats(heading), inclination: errorStats(inclination) };
  return mode === '9D' ? { metric: 'total', primary: s.total, ...s } : { metric: 'inclination', primary: s.inclination, ...s };
}

function scoreEuroc(rec: AhrsRecording, q: Float64Array, mode: '6D' | '9D'): AhrsScore {
  const truth = interpolateTruth(rec.reference, rec.timestampsNs);
  const align = mode === '6D' ? fromYaw(headingOffsetRad({ tNs: rec.timestampsNs, q }, truth, 1)) : ([1, 0, 0, 0] as Quat);
  const total: number[] = [];
  const heading: number[] = [];
  const inclination: number[] = [];
  truth.forEach((g, i) => {
    if (g === null) return;
    const est = multiply(align, quatAt(q, i));
    const e = decompose(multiply(est, conjugate(g)));
    total.push(angleRad(multiply(conjugate(g), est)));
    heading.push(e.heading);
    inclination.push(e.inclination);
  });
  const s = { total: errorStats(total), heading: errorStats(heading), inclination: errorStats(inclination) };
  return mode === '9D' ? { metric: 'total', primary: s.total, ...s } : { metric: 'inclination', primary: s.inclination, ...s };
}
