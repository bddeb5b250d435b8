/**
 * The native VIO (monocular MSCKF) on the real EuRoC MH_01 excerpt (30 s: 15 s hand-held motion, 5.4 m path,
 * then 15 s static), run through `karana eval vio`'s runner and scored against `state_groundtruth_estimate0`.
 * The run is deterministic (same frames, same IMU, single thread): the figures below are exact for a build.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVioOnEuroc, type VioRun } from '../../src/eval/vio/euroc-run.js';
import { evaluateRun, type VioEvalReport } from '../../src/eval/vio/report.js';
import { Vio, VIO_STATE_LENGTH } from '../../native/index.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

const SESSION = join(SHARED_DATA, 'euroc_mh01_excerpt');

describe.skipIf(!HAS_SHARED_DATA)('Vio on the EuRoC MH_01 excerpt', () => {
  let run: VioRun;
  let report: VioEvalReport;
  beforeAll(async () => {
    run = await runVioOnEuroc(SESSION);
    report = evaluateRun(run);
  }, 300_000);

  it('initialises on the first frame from the IMU history and tracks every frame without a loss', () => {
    expect(run.frames).toBe(600);
    expect(run.trackedFrames).toBe(600);
    expect(run.losses).toBe(0);
  });

  it('keeps the ATE RMSE within 0.10 m after SE(3) and after 4-DoF (posyaw) alignment', () => {
    expect(report.errors.ateSe3RmseM).toBeLessThanOrEqual(0.1);
    expect(report.errors.atePosYawRmseM).toBeLessThanOrEqual(0.1);
    // Metric scale from the IMU: the Sim(3) alignment needs a scale within 5 % of 1.
    expect(Math.abs(report.errors.sim3Scale - 1)).toBeLessThan(0.05);
  });

  it('keeps the relative pose error over 1 s within 5 cm and 0.6°', () => {
    const rpe1 = report.errors.rpe.find((r) => r.deltaS === 1);
    expect(rpe1?.transRmseM).toBeLessThan(0.05);
    expect(rpe1?.rotRmseDeg).toBeLessThan(0.6);
  });

  it('detects a covered lens as a loss and recovers by bridging the gap with the IMU (frames 200–205 black)', async () => {
    const covered = await runVioOnEuroc(SESSION, { blankFrames: [200, 206] });
    expect(covered.losses).toBe(1);
    // Frames 200–201 still track (the filter needs 3 starved frames), 202 reports the loss, 203–205 wait
    // for features, 206 resumes.
    expect(covered.trackedFrames).toBe(596);
    const e = evaluateRun(covered).errors;
    expect(e.ateSe3RmseM).toBeLessThanOrEqual(0.1);
  }, 120_000);

  it('is deterministic: a second run gives the same trajectory; progress is reported per frame against the frames it will take', async () => {
    const progress: Array<[number, number]> = [];
    const again = await runVioOnEuroc(SESSION, { maxFrames: 120, onProgress: (done, total) => progress.push([done, total]) });
    expect(Array.from(again.estimate.position)).toEqual(Array.from(run.estimate.position.subarray(0, again.estimate.position.length)));
    expect(progress).toEqual(Array.from({ length: 120 }, (_, i) => [i + 1, 120]));
  }, 120_000);
});

describe('Vio argument checks', () => {
  const base = { widthPx: 752, heightPx: 480, intrinsics: [458.654, 457.296, 367.215, 248.375] };

  it('names the bad option', () => {
    expect(() => new Vio({ ...base, intrinsics: [1, 2, 3] })).toThrow('"intrinsics" must be 4 numbers, got 3 numbers');
    expect(() => new Vio({ ...base, maxClones: 1 })).toThrow('"maxClones" must be an integer in [3, 40], got 1');
    expect(() => new Vio({ ...base, T_body_camera: [2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] })).toThrow('"T_B_C" must be a rigid transform');
  });

  it('rejects a frame of the wrong size and a frame stamp that does not advance', () => {
    const vio = new Vio(base);
    expect(() => vio.feedFrameSync(new Uint8Array(10), 0)).toThrow('"gray" must hold 360960 bytes, got 10');
    expect(() => vio.feedFrameSync(new Uint8Array(752 * 480), NaN)).toThrow('"tNs" must be a finite number of ns below 2^53, got NaN');
  });

  it('counts IMU samples that do not advance in time or are not finite, and reports no state before initialisation', () => {
    const vio = new Vio(base);
    const r = vio.feedImu(Float64Array.of(0, 5e6, 5e6, 10e6, NaN), new Float64Array(15), Float64Array.of(0, 0, 9.81, 0, 0, 9.81, 0, 0, 9.81, NaN, 0, 9.81, 0, 0, 9.81));
    expect(r).toEqual({ accepted: 2, notAfterPrevious: 1, nonFinite: 2 });
    expect(vio.readState(new Float64Array(VIO_STATE_LENGTH))).toBe(false);
    expect(vio.feedFrameSync(new Uint8Array(752 * 480), 20e6).state).toBe('initializing');
  });
});
