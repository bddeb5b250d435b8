/**
 * Where the view ray meets the scene (`sceneDepthAt`, `create-at-pixel` without a depth): landmarks placed at
 * known depths on the EuRoC cam0 calibration (sensor.yaml, the camera the sample session replays) with the
 * camera at the world origin looking along world +z (identity `T_world_camera`). Exact geometry, no sensor data.
 */
import { describe, expect, test } from 'vitest';
import { undistortPointsSync } from '../../native/index.js';
import { createViewCamera, transformPoint, type Transform } from '../../src/layers/intelligence/anchors/index.js';
import { resolveAnchorCommand } from '../../src/layers/intelligence/anchors/commands.js';
import { SCENE_RADIUS_PX, sceneDepthAt } from '../../src/layers/intelligence/anchors/scene-depth.js';
import { EUROC_CAM0 } from './euroc-cam0.js';

const CAM0 = { ...EUROC_CAM0, T_body_camera: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
const view = createViewCamera(CAM0, 752, 480);
const identity: Transform = { q: [1, 0, 0, 0], p: [0, 0, 0] };

/** A landmark at `depthM` along the optical axis on the ray through pixel (u, v): `[id, x, y, z]`. */
function landmarkAt(id: number, u: number, v: number, depthM: number): number[] {
  const xy = new Float64Array(2);
  undistortPointsSync(view.camera, Float64Array.from([u, v]), xy);
  return [id, depthM * (xy[0] as number), depthM * (xy[1] as number), depthM];
}

describe('the view ray meets the scene at the VIO landmarks near the pixel', () => {
  test('median depth of the 3 nearest within the radius; a far-off landmark and one behind do not vote', () => {
    const lm = Float64Array.from([
      ...landmarkAt(1, 380, 240, 2.0),
      ...landmarkAt(2, 370, 250, 2.2),
      ...landmarkAt(3, 390, 230, 9.0), // through a gap: the median ignores it
      ...landmarkAt(4, 360, 222, 2.4), // 4th nearest: not used
      ...landmarkAt(5, 600, 100, 1.0), // far in the image
      7, 0, 0, -3, // behind the camera
    ]);
    const d = sceneDepthAt([376, 240], lm, identity, view);
    expect(d.ok && d.landmarks).toBe(3);
    expect(d.ok ? d.depthM : NaN).toBeCloseTo(2.2, 9);
  });

  test('none near the pixel, or none at all: a reason that says to give a depth', () => {
    const far = Float64Array.from(landmarkAt(1, 376 + SCENE_RADIUS_PX + 1, 240, 2));
    expect(sceneDepthAt([376, 240], far, identity, view)).toEqual({ ok: false, reason: `no scene depth: none of the VIO's 1 landmarks is within ${SCENE_RADIUS_PX} px of (376, 240) (give depthM)` });
    expect(sceneDepthAt([376, 240], null, identity, view)).toEqual({ ok: false, reason: 'no scene depth: the VIO holds no landmarks yet (give depthM)' });
  });

  test('create-at-pixel without depthM: the anchor lands on the ray at the scene depth', () => {
    const lm = Float64Array.from([...landmarkAt(1, 380, 240, 2.0), ...landmarkAt(2, 370, 250, 2.2), ...landmarkAt(3, 372, 236, 2.1)]);
    const pose = { tNs: 0, source: 'vio' as const, q_world_body: [1, 0, 0, 0] as [number, number, number, number], p_world_body_m: [0, 0, 0] as [number, number, number] };
    const r = resolveAnchorCommand({ kind: 'create-at-pixel', pixel: [376, 240] }, pose, view, lm);
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.kind !== 'create') return;
    const expected = landmarkAt(0, 376, 240, 2.1).slice(1);
    const got = transformPoint(identity, r.command.spec.p_world_m);
    for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(expected[k] as number, 9);
    expect(resolveAnchorCommand({ kind: 'create-at-pixel', pixel: [376, 240] }, pose, view, null)).toEqual({ ok: false, reason: 'no scene depth: the VIO holds no landmarks yet (give depthM)' });
  });
});
