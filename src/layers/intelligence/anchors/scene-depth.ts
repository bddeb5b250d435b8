/**
 * Where a view ray meets the scene, from the 6-DoF tracker's own map: the VIO's landmarks (SLAM features,
 * docs/vio.md — scene points it has followed for at least a window's length) projected into the current view;
 * those within {@link SCENE_RADIUS_PX} of the pixel stand for the surface under it, and the depth along the
 * optical axis is the median depth of the (up to) {@link SCENE_NEIGHBOURS} nearest in the image. The median
 * keeps one landmark on a different surface (an edge, a background point through a gap) from deciding alone.
 *
 * Frames: landmarks in the world frame (m), the view frame `T_world_camera = T_world_body · T_body_camera`,
 * pixels in the distorted tracking image. Sparse by nature (≤ 25 landmarks over the image): with none near the
 * pixel the caller is told so and may give a depth instead.
 */
import { inverse, projectPoint, transformPoint, type Transform } from './geometry.js';
import type { ViewCamera } from './view.js';

/** Landmarks farther than this from the pixel, in the image, are not used, px. */
export const SCENE_RADIUS_PX = 60;
/** At most this many nearest landmarks vote (median of their depths). */
export const SCENE_NEIGHBOURS = 3;

export type SceneDepth = { readonly ok: true; readonly depthM: number; readonly landmarks: number } | { readonly ok: false; readonly reason: string };

/**
 * Depth along the optical axis of the scene at `pixel`, m, from `landmarks` (n × `[id, x, y, z]`, world m; null:
 * none received yet) seen from `T_world_camera`.
 */
export function sceneDepthAt(pixel: readonly [number, number], landmarks: Float64Array | null, T_world_camera: Transform, view: ViewCamera): SceneDepth {
  const n = landmarks === null ? 0 : Math.floor(landmarks.length / 4);
  if (landmarks === null || n === 0) return { ok: false, reason: 'no scene depth: the VIO holds no landmarks yet (give depthM)' };
  const T_camera_world = inverse(T_world_camera);
  const near: { distPx: number; depthM: number }[] = [];
  for (let i = 0; i < n; i += 1) {
    const p = transformPoint(T_camera_world, [landmarks[4 * i + 1] as number, landmarks[4 * i + 2] as number, landmarks[4 * i + 3] as number]);
    const px = projectPoint(view.camera, p);
    if (px === undefined) continue;
    const distPx = Math.hypot(px[0] - pixel[0], px[1] - pixel[1]);
    if (distPx <= SCENE_RADIUS_PX) near.push({ distPx, depthM: p[2] });
  }
  if (near.length === 0) return { ok: false, reason: `no scene depth: none of the VIO's ${n} landmarks is within ${SCENE_RADIUS_PX} px of (${pixel[0]}, ${pixel[1]}) (give depthM)` };
  const depths = near
    .sort((a, b) => a.distPx - b.distPx)
    .slice(0, SCENE_NEIGHBOURS)
    .map((c) => c.depthM)
    .sort((a, b) => a - b);
  const mid = depths.length >> 1;
  const depthM = depths.length % 2 === 1 ? (depths[mid] as number) : ((depths[mid - 1] as number) + (depths[mid] as number)) / 2;
  return { ok: true, depthM, landmarks: depths.length };
}
