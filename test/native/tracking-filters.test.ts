/**
 * Mahony and ESKF batch APIs (and Madgwick's rest detection) on a real recording (BROAD trial 07): sync and async
 * twins agree bit for bit, a stream split into batches gives the same output, the ESKF covariance behaves as the
 * model says (heading unobservable without a magnetometer), degraded samples are counted, and every argument
 * error has its exact message. Accuracy against imufusion is in `tracking-broad.test.ts`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ESKF_COVARIANCE_OFFSET,
  ESKF_STATE_LENGTH,
  MAHONY_STATE_LENGTH,
  createEskfState,
  createMadgwickState,
  createMahonyState,
  eskfUpdate,
  eskfUpdateSync,
  initAttitude,
  madgwickUpdateSync,
  mahonyUpdate,
  mahonyUpdateSync,
  type AhrsBatchResult,
  type ImuBatch,
} from '../../native/index.js';
import { HAS_SHARED_DATA, loadBroad, type BroadTrial } from './data.js';

const RATE = { nominalRateHz: 285.714 };

type Sync = (state: Float64Array, batch: ImuBatch, settings: typeof RATE, out?: Float64Array) => AhrsBatchResult;
type Async = (state: Float64Array, batch: ImuBatch, settings: typeof RATE, out?: Float64Array) => Promise<AhrsBatchResult>;

const slice = (b: ImuBatch, from: number, to: number): ImuBatch => ({
  timestampsNs: b.timestampsNs.subarray(from, to),
  gyroRadps: b.gyroRadps.subarray(3 * from, 3 * to),
  accelMps2: b.accelMps2.subarray(3 * from, 3 * to),
  ...(b.magUt === undefined ? {} : { magUt: b.magUt.subarray(3 * from, 3 * to) }),
});

describe.skipIf(!HAS_SHARED_DATA)('Mahony and ESKF batches on BROAD trial 07', () => {
  let trial: BroadTrial;
  beforeAll(() => {
    trial = loadBroad('07_undisturbed_fast_rotation_B');
  });

  const filters: [string, () => Float64Array, Sync, Async][] = [
    ['mahony', () => createMahonyState(initAttitude(trial.accelMps2.subarray(0, 3), trial.magUt.subarray(0, 3))), mahonyUpdateSync, mahonyUpdate],
    ['eskf', () => createEskfState(initAttitude(trial.accelMps2.subarray(0, 3), trial.magUt.subarray(0, 3))), eskfUpdateSync, eskfUpdate],
  ];
  for (const [name, create, sync, async] of filters) {
    it(`${name}: split batches and the async twin give bit-identical quaternions and state`, async () => {
      const n = trial.timestampsNs.length;
      const whole = new Float64Array(4 * n);
      const wholeState = create();
      expect(sync(wholeState, trial, RATE, whole)).toMatchObject({ samples: n, noPreviousStamp: 1, nonPositiveDt: 0, skipped: 0 });
      const parts = new Float64Array(4 * n);
      const partState = create();
      for (const [from, to] of [[0, 999], [999, 1000], [1000, n]] as const) sync(partState, slice(trial, from, to), RATE, parts.subarray(4 * from, 4 * to));
      expect(parts.every((v, i) => v === whole[i])).toBe(true);
      expect(Array.from(partState)).toEqual(Array.from(wholeState));
      const asyncOut = new Float64Array(4 * n);
      const asyncState = create();
      await async(asyncState, trial, RATE, asyncOut);
      expect(asyncOut.every((v, i) => v === whole[i])).toBe(true);
      expect(Array.from(asyncState)).toEqual(Array.from(wholeState));
    });
  }

  it('eskf without a magnetometer: the heading variance grows while the tilt variance stays small', () => {
    const state = createEskfState(initAttitude(trial.accelMps2.subarray(0, 3)));
    const r = eskfUpdateSync(state, { timestampsNs: trial.timestampsNs, gyroRadps: trial.gyroRadps, accelMps2: trial.accelMps2 }, RATE);
    expect(r.accelGated).toBeGreaterThan(0); // fast rotation: the gate turns away centripetal accelerations
    const [w, x, y, z] = state;
    // Up in the body frame (third row of R) and the attitude covariance block.
    const up = [2 * (x! * z! - w! * y!), 2 * (y! * z! + w! * x!), 1 - 2 * (x! * x! + y! * y!)];
    const p = (i: number, j: number): number => state[ESKF_COVARIANCE_OFFSET + 6 * i + j]!;
    const along = (v: number[]): number => [0, 1, 2].reduce((s, i) => s + v[i]! * [0, 1, 2].reduce((t, j) => t + p(i, j) * v[j]!, 0), 0);
    const trace = p(0, 0) + p(1, 1) + p(2, 2);
    const vertical = along(up);
    expect(vertical / trace).toBeGreaterThan(0.99);
    expect(trace - vertical).toBeLessThan(1e-5); // tilt σ below ~0.1°
  });

  it('madgwick with rest detection learns the gyro bias in the initial rest and keeps a 9-number state', () => {
    const state = createMadgwickState(initAttitude(trial.accelMps2.subarray(0, 3)), [0, 0, 0], { rest: true });
    const rest = slice(trial, 0, 7000); // the first 24.5 s: the sensor lies still (movement starts at 26.5 s)
    madgwickUpdateSync(state, rest, { ...RATE, beta: 0.02, restGyroThresholdRadps: 0.05236 });
    // Mean gyro over the rest: (0.0035, 0.0021, −0.0041) rad/s; after 21.5 s of learning with τ = 8 s
    // (e^(−21.5/8) ≈ 7 % of the bias left) the estimate is within 4e-4 rad/s of it.
    const mean = [0, 1, 2].map((k) => rest.gyroRadps.filter((_, i) => i % 3 === k).reduce((s, v) => s + v, 0) / 7000);
    for (let k = 0; k < 3; k++) expect(Math.abs(state[5 + k]! - mean[k]!)).toBeLessThan(4e-4);
    expect(state[8]).toBeGreaterThan(10); // seconds still
  });
});

describe('Mahony and ESKF degraded input and argument errors', () => {
  const batch = (n: number): ImuBatch => ({
    timestampsNs: Float64Array.from({ length: n }, (_, i) => 1e9 + i * 5e6),
    gyroRadps: new Float64Array(3 * n).fill(0.01),
    accelMps2: Float64Array.from({ length: 3 * n }, (_, i) => (i % 3 === 2 ? 9.81 : 0.1)),
  });

  it('count a clock step, a gap, a zero accelerometer and a NaN gyro instead of throwing', () => {
    const b = batch(6);
    b.timestampsNs[2] = b.timestampsNs[1]!;
    b.timestampsNs[4] = b.timestampsNs[3]! + 3e9;
    b.timestampsNs[5] = b.timestampsNs[4] + 5e6;
    b.accelMps2.fill(0, 3, 6);
    b.gyroRadps[16] = Number.NaN;
    const want = { samples: 6, noPreviousStamp: 1, nonPositiveDt: 1, longDt: 1, accelRejected: 1, magRejected: 0, skipped: 1 };
    const m = createMahonyState();
    expect(mahonyUpdateSync(m, b)).toEqual(want);
    expect(m.every(Number.isFinite)).toBe(true);
    const e = createEskfState();
    expect(eskfUpdateSync(e, b)).toEqual({ ...want, accelGated: 0, magGated: 0 });
    expect(e.every(Number.isFinite)).toBe(true);
    expect([MAHONY_STATE_LENGTH, ESKF_STATE_LENGTH]).toEqual([m.length, e.length]);
  });

  const bad = createEskfState();
  bad[ESKF_COVARIANCE_OFFSET + 7] = -1;
  const cases: [string, () => unknown, string][] = [
    ['mahony state', () => mahonyUpdateSync(new Float64Array(8), batch(1)), '"state" must hold 9 numbers, got 8'],
    ['mahony kp', () => mahonyUpdateSync(createMahonyState(), batch(1), { kp: -1 }), '"kp" must be a number in [0, 1000000], got -1'],
    ['mahony errorScale', () => mahonyUpdateSync(createMahonyState(), batch(1), { errorScale: 3 }), '"errorScale" must be a number in [0, 2], got 3'],
    ['mahony out', () => mahonyUpdateSync(createMahonyState(), batch(10), undefined, new Float64Array(39)), '"out" must hold 40 numbers, got 39'],
    ['eskf state', () => eskfUpdateSync(new Float64Array(44), batch(1)), '"state" must hold 45 numbers, got 44'],
    ['eskf covariance', () => eskfUpdateSync(bad, batch(1)), '"state" must be a covariance with finite entries and a non-negative diagonal in [9..45], got state[16] = -1'],
    ['eskf noise', () => eskfUpdateSync(createEskfState(), batch(1), { gyroNoiseDensity: Number.NaN }), '"gyroNoiseDensity" must be a number in [0, 1000], got NaN'],
    ['eskf rest', () => eskfUpdateSync(createEskfState(), batch(1), { restPeriodS: -1 }), '"restPeriodS" must be a number in [0, 1000000], got -1'],
    ['eskf mag', () => eskfUpdateSync(createEskfState(), { ...batch(10), magUt: new Float64Array(3) }), '"magUt" must hold 30 numbers, got 3'],
    ['madgwick rest state', () => madgwickUpdateSync(createMadgwickState([1, 0, 0, 0], [0, 0, 0]), batch(1), { restGyroThresholdRadps: 0.05 }), '"state" must hold 9 numbers, got 8'],
  ];
  for (const [name, call, message] of cases) it(`${name}: ${message}`, () => expect(call).toThrow(message));

  it('the async twins reject buffer errors with the same message', async () => {
    await expect(mahonyUpdate(createMahonyState(), { ...batch(10), accelMps2: new Float64Array(3) })).rejects.toThrow('"accelMps2" must hold 30 numbers, got 3');
    await expect(eskfUpdate(new Float64Array(5), batch(1))).rejects.toThrow('"state" must hold 45 numbers, got 5');
  });

  it('an output that aliases an input is rejected', () => {
    const b = batch(4);
    const shared = new Float64Array(28);
    expect(() => eskfUpdateSync(createEskfState(), { ...b, accelMps2: shared.subarray(0, 12) }, undefined, shared.subarray(8, 24))).toThrow('"out" must not share memory with "accelMps2"');
  });
});
