/**
 * Acceptance of world-locked anchors with the VIO's own poses (issue 5): on the real EuRoC MH_01 excerpt
 * (../shared/data/euroc_mh01_excerpt, starts in hand-held motion), FAST corners of the first frame are
 * triangulated into anchors from their KLT track over the first second with the camera poses of the native
 * monocular MSCKF (`runVioOnEuroc`, the delayed visual–inertial initialisation of docs/vio.md), then each
 * anchor is reprojected with the VIO pose of every frame of the moving part (first 15 s) and compared with
 * the same corner tracked independently by the native KLT. Deterministic (single thread, same frames).
 * Scored: reference tracks that follow a static scene point (`scenePoint`, checked against the ground truth;
 * `evaluateAnchorsEuroc`).
 * Clocks: `evaluateAnchorsOnVio` (src/eval/vio/anchors.ts) shifts the VIO stamps onto the evaluation's.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runVioOnEuroc, type VioRun } from '../../src/eval/vio/euroc-run.js';
import { interpolate, type Trajectory } from '../../src/eval/vio/metrics.js';
import type { AnchorEvalResult } from '../../src/layers/intelligence/anchors/index.js';
import { evaluateAnchorsOnVio } from '../../src/eval/vio/anchors.js';
import type { VioOptions } from '../../native/index.js';

const SESSION = fileURLToPath(new URL('../../../shared/data/euroc_mh01_excerpt', import.meta.url));

/** ‖p_k − p_0‖ (rotation- and yaw-free: compares the VIO with the ground truth without an alignment), m. */
function displacementM(t: Trajectory, k: number): number {
  const p = t.position;
  return Math.hypot((p[3 * k] ?? NaN) - (p[0] ?? NaN), (p[3 * k + 1] ?? NaN) - (p[1] ?? NaN), (p[3 * k + 2] ?? NaN) - (p[2] ?? NaN));
}

/** Angle of `q_0⁻¹ q_k` (the rotation since frame 0), as a quaternion `[w, x, y, z]`. */
function relative(t: Trajectory, k: number): [number, number, number, number] {
  const q = t.quaternion;
  const [aw, ax, ay, az] = [q[0] ?? NaN, -(q[1] ?? NaN), -(q[2] ?? NaN), -(q[3] ?? NaN)];
  const [bw, bx, by, bz] = [q[4 * k] ?? NaN, q[4 * k + 1] ?? NaN, q[4 * k + 2] ?? NaN, q[4 * k + 3] ?? NaN];
  return [aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw];
}

/** Error of the rotation since frame 0 (VIO vs ground truth), degrees. */
function relativeRotationErrorDeg(est: Trajectory, gt: Trajectory, k: number): number {
  const e = relative(est, k);
  const g = relative(gt, k);
  const dot = Math.abs(e[0] * g[0] + e[1] * g[1] + e[2] * g[2] + e[3] * g[3]);
  return (2 * Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}

/** The anchor evaluation with the poses of a VIO run (`given`, default: a new run with `vio` settings). */
async function anchorsWithVio(vio: Partial<VioOptions> = {}, given?: VioRun): Promise<AnchorEvalResult> {
  return evaluateAnchorsOnVio(SESSION, given ?? (await runVioOnEuroc(SESSION, { vio })));
}

describe.skipIf(!existsSync(SESSION))('anchors on EuRoC MH_01 with the VIO poses', () => {
  let r: AnchorEvalResult;
  let run: VioRun;
  let gt: Trajectory;
  beforeAll(async () => {
    run = await runVioOnEuroc(SESSION);
    gt = interpolate(run.groundTruth, run.estimate.tNs);
    r = await anchorsWithVio({}, run);
    for (const a of r.anchors) {
      const where = `corner (${a.startPx.join(', ')})`;
      if (!a.placed) console.log(`${where}: not placed: ${a.reason ?? ''}`);
      else console.log(`${where}${a.scenePoint ? '' : ' (not a scene point, not scored)'}: depth ${a.depthM?.toFixed(2)} m, parallax ${a.parallaxDeg?.toFixed(1)}°, ${a.frames} frames to ${a.trackedS.toFixed(2)} s: p50 ${a.p50Px.toFixed(2)} p95 ${a.p95Px.toFixed(2)} max ${a.maxPx.toFixed(2)} px`);
    }
    console.log(`all: ${r.all.count} anchor-frames, p50 ${r.all.p50Px.toFixed(2)} p95 ${r.all.p95Px.toFixed(2)} max ${r.all.maxPx.toFixed(2)} px`);
  }, 300_000);

  test('publishes a pose for every frame, the delayed-initialisation window included', () => {
    expect(run.trackedFrames).toBe(600);
    expect(run.losses).toBe(0);
  });

  test('the first 2 s of VIO poses agree with the ground truth: displacement within 1 cm, rotation within 0.2°', () => {
    // Before the delayed initialisation the displacement at frame 10 was 21.9 cm against 1.7 cm (the 0.2 m
    // swing) and the rotation since frame 0 was 2.9° off.
    for (let k = 1; k <= 40; k++) {
      expect(Math.abs(displacementM(run.estimate, k) - displacementM(gt, k)), `frame ${k}`).toBeLessThan(0.01);
      expect(relativeRotationErrorDeg(run.estimate, gt, k), `frame ${k}`).toBeLessThan(0.2);
    }
  });

  test('places at least 4 anchors from the first second of VIO poses (triangulation residual ≤ 1.5 px)', () => {
    // Before: 0 placed (residuals 7–30 px: the first second's poses did not fit one static point).
    expect(r.anchors.filter((a) => a.placed).length).toBeGreaterThanOrEqual(4);
  });

  test('acceptance: over all scene-point anchor-frames, p95 within 5 px and max within 5 px (measured 3.56 / 4.07 px)', () => {
    // Pure MSCKF before the SLAM features: p95 6.27 px (the 3.47 m anchor 6.6 px at p95); ground truth 3.06 px.
    expect(r.all.count).toBeGreaterThan(500);
    expect(r.all.p50Px).toBeLessThan(2);
    expect(r.all.p95Px).toBeLessThan(5);
    expect(r.all.maxPx).toBeLessThan(5);
  });

  test('the SLAM features are what brings it within 5 px: the pure MSCKF (maxSlamFeatures 0) misses', async () => {
    const pure = await anchorsWithVio({ maxSlamFeatures: 0 });
    console.log(`pure MSCKF: p50 ${pure.all.p50Px.toFixed(2)} p95 ${pure.all.p95Px.toFixed(2)} max ${pure.all.maxPx.toFixed(2)} px`);
    expect(pure.all.p95Px).toBeGreaterThan(5);
    expect(pure.all.p95Px).toBeGreaterThan(r.all.p95Px + 1);
  }, 300_000);
});
