/**
 * AHRS acceptance on BROAD (Laidig et al., "BROAD — A Benchmark for Robust Inertial Orientation Estimation",
 * Data 2021; trials 07 fast rotation and 16 fast translation): Madgwick, Mahony and the ESKF against x-io Fusion
 * (`imufusion` 1.3.3, PyPI) on the same samples, 6D (gyro + accel) and 9D (+ magnetometer).
 *
 * Scoring as BROAD's `broad_utils.py`: samples with `movement` = 1 and an optical reference; the estimate is
 * brought from the filters' north-west-up world frame to BROAD's ENU (`q_ENU = q_z(90°) ⊗ q_NWU`, as BROAD's
 * `process_data.py` does); `q_err = q_est ⊗ q_ref*` (earth frame); total error `2 acos|w|`, heading error
 * `2 atan|z/w|`, inclination error `2 acos √(w² + z²)`. 9D filters are scored on the total error (no heading
 * alignment: the magnetometer gives heading); 6D filters on the inclination error (heading is unobservable).
 *
 * Settings (one per filter and mode for both trials; how they were chosen: docs/native-tracking.md):
 * - imufusion: its documented settings (README / examples): gain 0.5, gyroscope range 2000°/s, acceleration
 *   and magnetic rejection 10°, rejection timeout 5 s, `Bias` (gyro offset at rest) on, NWU, 285.714 Hz;
 * - Madgwick β 0.02, rest detection (3°/s for 3 s, τ 8 s); Mahony defaults; ESKF σ_g 5e-4 rad/s/√Hz,
 *   σ_bw 2e-6, σ_a 0.7 m/s², k 0, gate 4, heading σ 2 rad, rest detection. All start from the first sample.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeArray, decodeFloat64, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import {
  createEskfState,
  createMadgwickState,
  createMahonyState,
  eskfUpdateSync,
  initAttitude,
  madgwickUpdateSync,
  mahonyUpdateSync,
  type ImuBatch,
  type Quaternion,
} from '../../native/index.js';
import { HAS_SHARED_DATA, loadBroad, type BroadTrial } from './data.js';

const RATE_HZ = 285.714;
const REST = { restGyroThresholdRadps: 0.05236, restPeriodS: 3 };
const BROAD_SETTINGS = {
  madgwick: { beta: 0.02, nominalRateHz: RATE_HZ, ...REST, restBiasTimeConstantS: 8 },
  mahony: { nominalRateHz: RATE_HZ },
  eskf: { gyroNoiseDensity: 5e-4, gyroBiasRandomWalk: 2e-6, accelNoiseMps2: 0.7, accelDeviationGain: 0, accelGate: 4, magHeadingNoiseRad: 2, nominalRateHz: RATE_HZ, ...REST },
  imufusion: { gain: 0.5, gyroscopeRangeDps: 2000, accelerationRejectionDeg: 10, magneticRejectionDeg: 10, rejectionTimeoutS: 5, bias: true, sampleRateHz: RATE_HZ },
} as const;

interface Stats {
  readonly rmsDeg: number;
  readonly meanDeg: number;
  readonly maxDeg: number;
}
interface Errors {
  readonly total: Stats;
  readonly heading: Stats;
  readonly inclination: Stats;
}

function stats(v: number[]): Stats {
  const deg = v.map((x) => (x * 180) / Math.PI);
  return { rmsDeg: Math.sqrt(deg.reduce((s, x) => s + x * x, 0) / deg.length), meanDeg: deg.reduce((s, x) => s + x, 0) / deg.length, maxDeg: Math.max(...deg) };
}

/** BROAD's total, heading and inclination errors of NWU estimates `q` (4n) over the scored samples. */
function broadErrors(q: Float64Array, trial: BroadTrial): Errors {
  const c = Math.SQRT1_2;
  const total: number[] = [];
  const heading: number[] = [];
  const inclination: number[] = [];
  for (let i = 0; i < trial.movement.length; i++) {
    const r = trial.refQuat.subarray(4 * i, 4 * i + 4);
    if (trial.movement[i] !== 1 || Number.isNaN(r[0])) continue;
    const [w0, x0, y0, z0] = q.subarray(4 * i, 4 * i + 4) as unknown as Quaternion;
    // q_ENU = [c, 0, 0, c] ⊗ q_NWU
    const e = [c * (w0 - z0), c * (x0 - y0), c * (y0 + x0), c * (z0 + w0)] as const;
    const n = Math.hypot(r[0]!, r[1]!, r[2]!, r[3]!);
    const [rw, rx, ry, rz] = [r[0]! / n, -r[1]! / n, -r[2]! / n, -r[3]! / n];
    let d = [
      e[0] * rw - e[1] * rx - e[2] * ry - e[3] * rz,
      e[0] * rx + e[1] * rw + e[2] * rz - e[3] * ry,
      e[0] * ry - e[1] * rz + e[2] * rw + e[3] * rx,
      e[0] * rz + e[1] * ry - e[2] * rx + e[3] * rw,
    ];
    const dn = Math.hypot(...d);
    d = d.map((v) => v / dn);
    const [w, , , z] = d as [number, number, number, number];
    total.push(2 * Math.acos(Math.min(1, Math.abs(w))));
    heading.push(2 * Math.atan(Math.abs(z / w)));
    inclination.push(2 * Math.acos(Math.min(1, Math.sqrt(w * w + z * z))));
  }
  return { total: stats(total), heading: stats(heading), inclination: stats(inclination) };
}

type Mode = '6D' | '9D';
const batchOf = (t: BroadTrial, mode: Mode): ImuBatch => (mode === '9D' ? t : { timestampsNs: t.timestampsNs, gyroRadps: t.gyroRadps, accelMps2: t.accelMps2 });
const q0Of = (t: BroadTrial, mode: Mode): Quaternion => initAttitude(t.accelMps2.subarray(0, 3), mode === '9D' ? t.magUt.subarray(0, 3) : undefined);

/** Every filter's quaternions (4n) on one trial and mode. */
function runFilters(t: BroadTrial, mode: Mode): Record<string, Float64Array> {
  const n = t.timestampsNs.length;
  const batch = batchOf(t, mode);
  const q0 = q0Of(t, mode);
  const out = { madgwick: new Float64Array(4 * n), mahony: new Float64Array(4 * n), eskf: new Float64Array(4 * n) };
  madgwickUpdateSync(createMadgwickState(q0, [0, 0, 0], { rest: true }), batch, BROAD_SETTINGS.madgwick, out.madgwick);
  mahonyUpdateSync(createMahonyState(q0), batch, BROAD_SETTINGS.mahony, out.mahony);
  const eskf = eskfUpdateSync(createEskfState(q0), batch, BROAD_SETTINGS.eskf, out.eskf);
  expect(eskf).toMatchObject({ samples: n, skipped: 0, accelRejected: 0, magRejected: 0 });
  return out;
}

function runImufusion(t: BroadTrial, mode: Mode, gain: number = BROAD_SETTINGS.imufusion.gain): Float64Array {
  const req = {
    ...BROAD_SETTINGS.imufusion,
    gain,
    timestampsNs: encodeArray(t.timestampsNs),
    gyroRadps: encodeArray(t.gyroRadps),
    accelMps2: encodeArray(t.accelMps2),
    ...(mode === '9D' ? { magUt: encodeArray(t.magUt) } : {}),
    initialQuaternion: q0Of(t, mode),
  };
  return decodeFloat64(runOracle<{ quaternions: string }>('tracking_imufusion.py', req).quaternions);
}

const TRIALS = ['07_undisturbed_fast_rotation_B', '16_undisturbed_fast_translation_B'] as const;
const fmt = (s: Stats): string => `${s.rmsDeg.toFixed(2)} / ${s.meanDeg.toFixed(2)} / ${s.maxDeg.toFixed(2)}`;

describe.skipIf(!HAS_SHARED_DATA || !oracleAvailable())('AHRS on BROAD trials 07 and 16 against imufusion', () => {
  const trials = new Map<string, BroadTrial>();
  beforeAll(() => {
    for (const name of TRIALS) trials.set(name, loadBroad(name));
  });

  for (const mode of ['6D', '9D'] as const) {
    for (const name of TRIALS) {
      it(`${mode} ${name}: every filter's RMS error is no worse than imufusion's`, () => {
        const trial = trials.get(name)!;
        const metric = (e: Errors): Stats => (mode === '9D' ? e.total : e.inclination);
        const reference = broadErrors(runImufusion(trial, mode), trial);
        const lines = [`${mode} ${name} (${mode === '9D' ? 'total' : 'inclination'} error RMS / mean / max, deg)`, `  imufusion ${fmt(metric(reference))}`];
        for (const [filter, q] of Object.entries(runFilters(trial, mode))) {
          const e = broadErrors(q, trial);
          lines.push(`  ${filter.padEnd(9)} ${fmt(metric(e))}  (heading ${e.heading.rmsDeg.toFixed(2)}, inclination ${e.inclination.rmsDeg.toFixed(2)})`);
          expect(metric(e).rmsDeg, `${filter} vs imufusion ${metric(reference).rmsDeg}`).toBeLessThanOrEqual(metric(reference).rmsDeg);
        }
        console.info(lines.join('\n'));
      });
    }
  }
});
