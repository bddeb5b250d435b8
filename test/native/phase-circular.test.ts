/**
 * Circular statistics on real phases: the phase of each sample of a real sample clock relative to a
 * nominal grid, `θ = 2π · (t − t₀) / T` wrapped. EuRoC MH_01 cam0 frames on the IMU's 200 Hz grid
 * (hardware-synchronised: one phase), imu0 samples on the camera's 20 Hz grid (ten evenly spread
 * phases), the x-IMU3 recording (x-io Fusion examples) on a 100 Hz grid (a clock slower than nominal,
 * with jitter). Reference: NumPy (`bench/oracle/phase_reference.py`: complex mean of e^{iθ}).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFloat64, encodeArray, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { angularDifference, angularDifferences, circularStats, circularStatsSync, wrapAngle, wrapAngles, type CircularStats } from '../../native/index.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

const TAU = 2 * Math.PI;

/** Column `col` of a CSV (header lines skipped) as numbers or exact bigints. */
function column(rel: string, col: number, header: number): string[] {
  const rows = readFileSync(join(SHARED_DATA, rel), 'utf8').split('\n').slice(header).filter((l) => l.length > 0);
  return rows.map((l) => l.split(',')[col] as string);
}

/** Unwrapped phases `2π · (t − t₀) / T` of stamps (ns) on a grid of period `periodNs`. */
function gridPhases(stampsNs: readonly bigint[], t0: bigint, periodNs: number): Float64Array {
  return Float64Array.from(stampsNs, (t) => (TAU * Number(t - t0)) / periodNs);
}

interface NumpyAnswer {
  meanRad: number;
  resultantLength: number;
  variance: number;
  stdRad: number;
  wrapped: string;
  diff: string;
}

describe.skipIf(!HAS_SHARED_DATA)('circular statistics of real sample-clock phases', () => {
  const cam = column('euroc_mh01_excerpt/mav0/cam0/data.csv', 0, 1).map(BigInt);
  const imu = column('euroc_mh01_excerpt/mav0/imu0/data.csv', 0, 1).map(BigInt);
  const xioS = column('imu_fusion_xio/sensor_data.csv', 0, 1).map(Number);
  const firstImu = imu.find((t) => t >= (cam[0] as bigint)) as bigint;
  const camOnImuGrid = gridPhases(cam, firstImu, 5e6);
  const imuOnCamGrid = gridPhases(imu.filter((t) => t >= (cam[0] as bigint) && t <= (cam[cam.length - 1] as bigint)), cam[0] as bigint, 50e6);
  const xio = Float64Array.from(xioS, (t) => (TAU * t) / 0.01);

  it('finds what the hardware does: camera locked to the IMU grid, IMU spread over the camera grid', () => {
    const locked = circularStatsSync(camOnImuGrid);
    expect(locked.resultantLength).toBeGreaterThan(1 - 1e-6);
    expect(Math.abs(locked.meanRad)).toBeLessThan(1e-3);
    const spread = circularStatsSync(imuOnCamGrid);
    expect(spread.resultantLength).toBeLessThan(1e-3);
    expect(spread.variance).toBeGreaterThan(0.999);
  });

  it('measures a real clock against its nominal rate from the mean phase increment', () => {
    // The x-IMU3 stamps advance 2π·(dt/T) per sample; their circular mean increment is the mean rate.
    const steps = angularDifferences(xio.subarray(1), xio.subarray(0, -1));
    const s = circularStatsSync(steps);
    const meanDtS = ((xioS[xioS.length - 1] as number) - (xioS[0] as number)) / (xioS.length - 1);
    const fromPhase = 0.01 * (1 + s.meanRad / TAU);
    expect(Math.abs(fromPhase - meanDtS) / meanDtS).toBeLessThan(2e-3);
    // Jittery stamps: concentrated but not locked.
    expect(s.resultantLength).toBeGreaterThan(0.9);
    expect(s.resultantLength).toBeLessThan(0.999);
  });

  it.skipIf(!oracleAvailable())('agrees with NumPy on every real set, weighted and unweighted', () => {
    const gyro = column('euroc_mh01_excerpt/mav0/imu0/data.csv', 1, 1).map(Number);
    const weights = Float64Array.from(imuOnCamGrid, (_, i) => Math.abs(gyro[i] as number));
    const cases: [string, Float64Array, Float64Array | undefined][] = [
      ['cam0 on the 200 Hz grid', camOnImuGrid, undefined],
      ['imu0 on the 20 Hz grid', imuOnCamGrid, undefined],
      ['imu0 weighted by |gyro x|', imuOnCamGrid, weights],
      ['x-IMU3 on the 100 Hz grid', xio, undefined],
      ['x-IMU3 first second', xio.subarray(0, 100), undefined],
    ];
    for (const [name, angles, w] of cases) {
      const b = angles.map((a, i) => a * 0.5 + i);
      const ref = runOracle<NumpyAnswer>('phase_reference.py', { op: 'circular', angles: encodeArray(angles), weights: w ? encodeArray(w) : null, b: encodeArray(b) });
      const ours: CircularStats = circularStatsSync(angles, w);
      expect(Math.abs(ours.resultantLength - ref.resultantLength), name).toBeLessThan(1e-12);
      expect(Math.abs(angularDifference(ours.meanRad, ref.meanRad)), name).toBeLessThan(1e-9 / Math.max(ref.resultantLength, 1e-3));
      expect(Math.abs(ours.variance - ref.variance), name).toBeLessThan(1e-12);
      // σ = √(−2 ln R) is ill-conditioned near R = 1: dσ = dR / (σ·R), with R known to a few ulps.
      if (ref.resultantLength > 1e-6) expect(Math.abs(ours.stdRad - ref.stdRad), name).toBeLessThan(1e-12 + 4e-15 / ref.stdRad);
      // Wrapping unwrapped phases up to 2π·36,820 rad: NumPy's fmod and our reduction differ by ulps of |θ|.
      const wrapped = wrapAngles(Float64Array.from(angles));
      const refWrapped = decodeFloat64(ref.wrapped);
      const refDiff = decodeFloat64(ref.diff);
      const diff = angularDifferences(angles, b);
      for (let i = 0; i < angles.length; i++) {
        const tol = 1e-15 * Math.max(1, Math.abs(angles[i] as number)) * 8;
        expect(Math.abs(angularDifference(wrapped[i] as number, refWrapped[i] as number)), name).toBeLessThan(tol);
        expect(Math.abs(angularDifference(diff[i] as number, refDiff[i] as number)), name).toBeLessThan(tol);
        expect(wrapped[i]).toBe(wrapAngle(angles[i] as number));
      }
    }
  });

  it('runs on the thread pool with the same result', async () => {
    expect(await circularStats(xio)).toEqual(circularStatsSync(xio));
  });
});

describe('circular statistics: analytic cases and errors', () => {
  it('wraps to (−π, π] and leaves in-range angles untouched', () => {
    const a = Float64Array.of(Math.PI, -Math.PI, 0.1, -3, 3 * Math.PI, 7, Number.NaN);
    wrapAngles(a);
    expect([...a.subarray(0, 4)]).toEqual([Math.PI, Math.PI, 0.1, -3]);
    expect(a[4]).toBeCloseTo(Math.PI, 14);
    expect(a[5]).toBeCloseTo(7 - TAU, 14);
    expect(a[6]).toBeNaN();
    expect(angularDifference(-3, 3)).toBeCloseTo(TAU - 6, 14);
  });

  it('two angles ±δ about the seam: mean at the seam side, R = cos δ', () => {
    const s = circularStatsSync(Float64Array.of(wrapAngle(Math.PI - 0.05 + 0.3), Math.PI - 0.05 - 0.3));
    expect(s.meanRad).toBeCloseTo(Math.PI - 0.05, 14);
    expect(s.resultantLength).toBeCloseTo(Math.cos(0.3), 15);
    expect(s.stdRad).toBeCloseTo(Math.sqrt(-2 * Math.log(Math.cos(0.3))), 14);
    expect(circularStatsSync(new Float64Array(0)).meanRad).toBeNaN();
  });

  it('names the parameter and the value in caller errors', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg(() => circularStatsSync(new Float64Array(2), new Float64Array(1)))).toBe('"weights" must hold 2 weights, got 1');
    expect(msg(() => angularDifferences(new Float64Array(2), new Float64Array(1)))).toBe('"b" must be 2 angles (as many as a), got 1');
    expect(msg(() => angularDifferences(new Float64Array(2), new Float64Array(2), new Float64Array(1)))).toBe('"out" must hold 2 angles, got 1');
    const buf = new Float64Array(4);
    expect(msg(() => angularDifferences(buf.subarray(0, 2), buf.subarray(2), buf.subarray(1, 3)))).toBe('"out" must not share memory with "a"');
  });
});
