/**
 * Acceptance of world-locked anchors on real data: EuRoC MAV MH_01_easy excerpt (ASL/ETH Zurich, see
 * ../shared/data/euroc_mh01_excerpt/PROVENANCE.md). FAST corners of the first frame are triangulated
 * into anchors from their KLT track over the first second with the ground-truth camera poses
 * (`state_groundtruth_estimate0` ∘ cam0 `T_BS`); over the moving part (first 15 s) each anchor is
 * reprojected with the pose of every frame and compared with the same corner tracked independently by
 * the native KLT (forward–backward ≤ 1 px; the comparison stops where the track is lost or reaches the
 * image border). A reference track that does not follow one static scene point (its whole length does not fit
 * one point under the ground truth) is reported but not scored. Figures are in docs/anchors.md.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { ANCHOR_EVAL_DEFAULTS, evaluateAnchorsEuroc, type AnchorEvalResult } from '../../src/layers/intelligence/anchors/index.js';

const SESSION = fileURLToPath(new URL('../../../shared/data/euroc_mh01_excerpt', import.meta.url));

describe.skipIf(!existsSync(SESSION))('anchors on EuRoC MH_01 with ground-truth poses', () => {
  let r: AnchorEvalResult;
  beforeAll(async () => {
    r = await evaluateAnchorsEuroc(SESSION, ANCHOR_EVAL_DEFAULTS);
    for (const a of r.anchors) {
      const where = `corner (${a.startPx.join(', ')})`;
      if (!a.placed) console.log(`${where}: not placed: ${a.reason ?? ''}`);
      else console.log(`${where}: depth ${a.depthM?.toFixed(2)} m, parallax ${a.parallaxDeg?.toFixed(1)}°, ${a.frames} frames to ${a.trackedS.toFixed(2)} s: p50 ${a.p50Px.toFixed(2)} p95 ${a.p95Px.toFixed(2)} max ${a.maxPx.toFixed(2)} px`);
    }
    console.log(`all: ${r.all.count} anchor-frames, p50 ${r.all.p50Px.toFixed(2)} p95 ${r.all.p95Px.toFixed(2)} max ${r.all.maxPx.toFixed(2)} px`);
  });

  test('reads the moving part (frames of the first 15 s)', () => {
    expect(r.framesRead).toBe(301);
  });

  test('placement refuses tracks without parallax or that fit no static point, and says why', () => {
    const refused = r.anchors.filter((a) => !a.placed);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a.reason).toMatch(/^(parallax .* is below 1\.00°|reprojection residual .* px is above 1\.5 px.*|needs observations in at least 2 frames, got \d)$/);
  });

  test('the reference check keeps the static corners and drops the net\'s occluding contour (1.13 m)', () => {
    // Whole track triangulated with the ground truth: the static corners leave ≤ 1.33 px RMS; the corner at
    // (270, 372) sits where a fibrous net's silhouette crosses the tarp behind it (docs/anchors.md), 2.75 px.
    const net = r.anchors.find((a) => a.startPx[0] === 270 && a.startPx[1] === 372);
    expect(net?.scenePoint).toBe(false);
    expect(net?.sceneResidualPx).toBeGreaterThan(2.5);
    const scene = r.anchors.filter((a) => a.placed && a.scenePoint);
    expect(scene.length).toBeGreaterThanOrEqual(10);
    for (const a of scene) expect(a.sceneResidualPx ?? 0).toBeLessThan(1.5);
  });

  test('anchors on scene points followed over ≥ 5 s stay within 5 px of the KLT track throughout', () => {
    const long = r.anchors.filter((a) => a.placed && a.scenePoint && a.trackedS >= 5);
    expect(long.length).toBeGreaterThanOrEqual(3);
    for (const a of long) expect(a.maxPx).toBeLessThanOrEqual(5);
  });

  test('acceptance: over all scene-point anchor-frames, p95 within 5 px (measured 3.06 px, max 4.00 px)', () => {
    expect(r.all.count).toBeGreaterThan(500);
    expect(r.all.p95Px).toBeLessThan(5);
    expect(r.all.maxPx).toBeLessThan(5);
  });
});
