/**
 * Pose prediction (src/layers/intelligence/prediction): SO(3) maps, the predictor models against
 * fine-step integration of the same motion, the gyro window, and the layer adapter's handling of
 * lagging poses, horizons and bad samples.
 */
import { describe, expect, test } from 'vitest';
import type { ImuSamplesEvent, PoseEvent } from '../../src/bus/topics.js';
import { normalize, type Quat, type Vec3 } from '../../src/math/quat.js';
import {
  EMPTY_GYRO_WINDOW,
  INITIAL_PREDICTION,
  PREDICTION_DEFAULTS,
  angularDistanceRad,
  boxPlus,
  estimateRate,
  expSo3,
  logSo3,
  parseAriaTrajectory,
  predictPose,
  pushGyro,
  stepPrediction,
} from '../../src/layers/intelligence/prediction/index.js';

/** Integrates `q̇ = ½ q ⊗ ω(t)` with 10⁵ midpoint steps: the reference for the closed forms. */
function integrate(q0: Quat, omega: (tS: number) => Vec3, durationS: number): Quat {
  const steps = 100_000;
  const dt = durationS / steps;
  let q = q0;
  for (let i = 0; i < steps; i += 1) {
    const w = omega((i + 0.5) * dt);
    q = boxPlus(q, [w[0] * dt, w[1] * dt, w[2] * dt]);
  }
  return q;
}

const Q0: Quat = normalize([0.9, 0.1, -0.3, 0.2]);

describe('SO(3) maps', () => {
  test('Log is the inverse of Exp, also near 0 and near π', () => {
    for (const phi of [[0, 0, 0], [1e-10, -2e-10, 0], [0.3, -0.2, 0.1], [0, 0, Math.PI - 1e-6]] as Vec3[]) {
      const back = logSo3(expSo3(phi));
      phi.forEach((v, k) => expect(back[k]).toBeCloseTo(v, 9));
    }
  });

  test('angular distance is the angle of the relative rotation, for q and −q alike', () => {
    const q1 = boxPlus(Q0, [0, 0.01, 0]);
    expect(angularDistanceRad(Q0, q1)).toBeCloseTo(0.01, 12);
    expect(angularDistanceRad(Q0, [-q1[0], -q1[1], -q1[2], -q1[3]])).toBeCloseTo(0.01, 12);
  });
});

describe('predictor models', () => {
  const w: Vec3 = [1.2, -0.4, 0.7];
  const a: Vec3 = [-8, 5, 12];

  test('constant-velocity is exact for a constant body rate', () => {
    const truth = integrate(Q0, () => w, 0.05);
    const pred = predictPose({ q_world_body: Q0, omegaBodyRadps: w }, 0.05, 'constant-velocity');
    expect(angularDistanceRad(pred.q_world_body, truth)).toBeLessThan(1e-9);
  });

  test('constant-acceleration (Magnus, 2nd order) matches a linearly changing rate (its commutator term, ~2e-4 rad here, is included)', () => {
    const truth = integrate(Q0, (t) => [w[0] + a[0] * t, w[1] + a[1] * t, w[2] + a[2] * t], 0.05);
    const ca = predictPose({ q_world_body: Q0, omegaBodyRadps: w, alphaBodyRadps2: a }, 0.05, 'constant-acceleration');
    const cv = predictPose({ q_world_body: Q0, omegaBodyRadps: w, alphaBodyRadps2: a }, 0.05, 'constant-velocity');
    expect(angularDistanceRad(ca.q_world_body, truth)).toBeLessThan(1e-6); // measured 4.3e-7 rad
    expect(angularDistanceRad(cv.q_world_body, truth)).toBeGreaterThan(0.01);
  });

  test('hold returns the pose unchanged; position follows v (and a with constant-acceleration)', () => {
    const state = { q_world_body: Q0, omegaBodyRadps: w, p_world_body_m: [1, 2, 3] as Vec3, v_world_mps: [0.5, 0, -1] as Vec3, a_world_mps2: [0, 2, 0] as Vec3 };
    expect(predictPose(state, 0.02, 'hold')).toEqual({ q_world_body: Q0, p_world_body_m: [1, 2, 3] });
    expect(predictPose(state, 0.1, 'constant-velocity').p_world_body_m).toEqual([1.05, 2, 2.9]);
    const p = predictPose(state, 0.1, 'constant-acceleration').p_world_body_m ?? [0, 0, 0];
    expect(p[1]).toBeCloseTo(2.01, 12);
  });

  test('a non-finite or negative horizon gives the unpredicted pose (no throw in a step)', () => {
    expect(predictPose({ q_world_body: Q0, omegaBodyRadps: w }, Number.NaN, 'constant-velocity').q_world_body).toBe(Q0);
    expect(predictPose({ q_world_body: Q0, omegaBodyRadps: w }, -1, 'constant-acceleration').q_world_body).toBe(Q0);
  });
});

describe('gyro window', () => {
  test('the line fit recovers a constant angular acceleration; the newest rate is the last sample', () => {
    const t = Array.from({ length: 20 }, (_, i) => i * 1e6);
    const g = t.flatMap((tn) => [0.1 + 3 * tn * 1e-9, -2 * tn * 1e-9, 0.5]);
    const r = estimateRate(pushGyro(EMPTY_GYRO_WINDOW, t, g, 64), 0.01);
    expect(r?.alphaRadps2[0]).toBeCloseTo(3, 9);
    expect(r?.alphaRadps2[1]).toBeCloseTo(-2, 9);
    expect(r?.alphaRadps2[2]).toBeCloseTo(0, 9);
    expect(r?.omegaRadps).toEqual(g.slice(-3));
  });

  test('repeated, out-of-order and non-finite samples are skipped; capacity drops the oldest', () => {
    const w = pushGyro(EMPTY_GYRO_WINDOW, [1, 2, 2, 1, 3, 4], [0, 0, 0, 1, 1, 1, 9, 9, 9, 9, 9, 9, Number.NaN, 0, 0, 4, 4, 4], 2);
    expect(w.tNs).toEqual([2, 4]);
    expect(w.omegaRadps).toEqual([[1, 1, 1], [4, 4, 4]]);
    expect(estimateRate(EMPTY_GYRO_WINDOW, 0.01)).toBeUndefined();
  });
});

function imuBatch(tNs: number[], w: Vec3): ImuSamplesEvent {
  return {
    deviceId: 'imu0',
    count: tNs.length,
    tNs: Float64Array.from(tNs),
    gyroRadps: Float64Array.from(tNs.flatMap(() => [...w])),
    accelMps2: Float64Array.from(tNs.flatMap(() => [0, 0, 9.81])),
  };
}

describe('stepPrediction (layer adapter)', () => {
  const w: Vec3 = [0, 0, 1]; // 1 rad/s about body z

  test('publishes nothing before a base pose, then a predicted pose with horizonNs to display time', () => {
    const s1 = stepPrediction(INITIAL_PREDICTION, [imuBatch([0, 5e6], w)], [], 5e6);
    expect(s1.pose).toBeNull();
    const base: PoseEvent = { tNs: 5e6, source: 'ahrs', q_world_body: [1, 0, 0, 0] };
    const s2 = stepPrediction(s1.state, [], [base], 5e6);
    expect(s2.pose?.source).toBe('predicted');
    expect(s2.pose?.horizonNs).toBe(PREDICTION_DEFAULTS.displayLatencyNs);
    expect(s2.pose?.tNs).toBe(25e6);
    expect(angularDistanceRad(s2.pose?.q_world_body ?? [1, 0, 0, 0], [1, 0, 0, 0])).toBeCloseTo(0.02, 9);
  });

  test('a lagging VIO pose is carried through the newer gyro samples, then extrapolated', () => {
    const vio: PoseEvent = { tNs: 0, source: 'vio', q_world_body: [1, 0, 0, 0], p_world_body_m: [0, 0, 0], v_world_mps: [1, 0, 0] };
    const times = Array.from({ length: 11 }, (_, i) => i * 5e6); // 0 … 50 ms at 200 Hz
    const out = stepPrediction(INITIAL_PREDICTION, [imuBatch(times, w)], [vio], 50e6);
    expect(out.pose?.horizonNs).toBe(20e6); // from the newest gyro sample (50 ms) to 70 ms
    expect(angularDistanceRad(out.pose?.q_world_body ?? [1, 0, 0, 0], [1, 0, 0, 0])).toBeCloseTo(0.07, 9);
    expect(out.pose?.p_world_body_m?.[0]).toBeCloseTo(0.07, 12);
    // An AHRS pose arriving later does not replace the 6-DoF base.
    const next = stepPrediction(out.state, [], [{ tNs: 60e6, source: 'ahrs', q_world_body: [0, 1, 0, 0] }], 60e6);
    expect(next.state.base?.source).toBe('vio');
  });

  test('stepping sample by sample carries the base exactly as one batch does', () => {
    const vio: PoseEvent = { tNs: 0, source: 'vio', q_world_body: [1, 0, 0, 0], p_world_body_m: [0, 0, 0] };
    const times = Array.from({ length: 20 }, (_, i) => i * 1e6);
    const rates: Vec3[] = times.map((_, i) => [0.1 * i, -0.05 * i, 1]);
    const batch = (from: number, to: number): ImuSamplesEvent => ({
      ...imuBatch(times.slice(from, to), [0, 0, 0]),
      gyroRadps: Float64Array.from(rates.slice(from, to).flat()),
    });
    const once = stepPrediction(INITIAL_PREDICTION, [batch(0, 20)], [vio], 19e6);
    let s = stepPrediction(INITIAL_PREDICTION, [batch(0, 1)], [vio], 0).state;
    let last = null as PoseEvent | null;
    for (let i = 1; i < 20; i += 1) {
      const out = stepPrediction(s, [batch(i, i + 1)], [], i * 1e6);
      s = out.state;
      last = out.pose;
    }
    expect(angularDistanceRad(last?.q_world_body ?? [1, 0, 0, 0], once.pose?.q_world_body ?? [0, 1, 0, 0])).toBeLessThan(1e-12);
  });

  test('the horizon is capped (a stalled IMU does not fling the view)', () => {
    const base: PoseEvent = { tNs: 0, source: 'ahrs', q_world_body: [1, 0, 0, 0] };
    const out = stepPrediction(INITIAL_PREDICTION, [imuBatch([0], w)], [base], 10e9);
    expect(out.pose?.horizonNs).toBe(PREDICTION_DEFAULTS.maxHorizonNs);
  });
});

describe('Aria trajectory parsing', () => {
  const header = 'tracking_timestamp_us,tx_world_device,ty_world_device,tz_world_device,qx_world_device,qy_world_device,qz_world_device,qw_world_device,device_linear_velocity_x_device,device_linear_velocity_y_device,device_linear_velocity_z_device,angular_velocity_x_device,angular_velocity_y_device,angular_velocity_z_device';

  test('a missing column and a non-numeric field are named with file and line', () => {
    expect(() => parseAriaTrajectory('t.csv', 'tracking_timestamp_us\n1\n')).toThrow('t.csv: missing column "tx_world_device"');
    expect(() => parseAriaTrajectory('t.csv', `${header}\n1,0,0,0,0,0,0,1,0,0,0,0,0,x\n`)).toThrow('t.csv:2: column "angular_velocity_z_device" must be a number, got "x"');
  });

  test('quaternions are reordered to [w, x, y, z]; velocity is rotated into the world; repeated stamps are skipped', () => {
    const s = Math.SQRT1_2;
    const t = parseAriaTrajectory('t.csv', `${header}\n10,1,2,3,0,0,${s},${s},1,0,0,0,0,0.5\n10,1,2,3,0,0,${s},${s},1,0,0,0,0,0.5\n`);
    expect(t.count).toBe(1);
    expect(t.skippedRows).toBe(1);
    expect([...t.q_world_body]).toEqual([s, 0, 0, s]);
    expect(t.v_world_mps[0]).toBeCloseTo(0, 12);
    expect(t.v_world_mps[1]).toBeCloseTo(1, 12);
  });
});
