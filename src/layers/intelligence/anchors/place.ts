/**
 * Placing an anchor where a view ray meets the scene: the pixel picked in one frame is followed (KLT) into
 * later frames while the head moves; with the camera pose of each frame, the scene point is triangulated
 * once the rays diverge enough. Pixels are undistorted with the native `undistortPointsSync` (OpenCV's
 * iteration), then {@link triangulateMidpoint} / {@link triangulateDlt}.
 */
import { undistortPointsSync } from '../../../../native/index.js';
import type { PinholeCamera, Transform } from './geometry.js';
import { refineTriangulation, triangulateDlt, triangulateMidpoint, type RayObservation, type Triangulation } from './triangulate.js';

export interface PixelObservation {
  /** `T_world_camera` at the frame's capture time. */
  readonly T_world_camera: Transform;
  /** The point's pixel in the distorted image, px. */
  readonly pixel: readonly [number, number];
}

export interface PlacementOptions {
  /** `refined` (default): midpoint, then Gauss–Newton on the reprojection error (`refineTriangulation`). */
  readonly method?: 'midpoint' | 'dlt' | 'refined';
  /** Least parallax accepted, rad. Default 1° (depth error ≈ pixel noise / (f · parallax)). */
  readonly minParallaxRad?: number;
  /**
   * Largest RMS reprojection residual accepted, px (normalised residual × fx). Default 1.5 px: a KLT track
   * that slid along an edge, or a point that is not static, does not fit one 3-D point.
   */
  readonly maxResidualPx?: number;
}

export type Placement = ({ readonly ok: true } & Triangulation) | { readonly ok: false; readonly reason: string; readonly triangulation?: Triangulation };

/** Triangulates a scene point from pixel observations in ≥ 2 frames; says why not when it cannot. */
export function placeFromObservations(camera: PinholeCamera, observations: readonly PixelObservation[], options: PlacementOptions = {}): Placement {
  if (observations.length < 2) return { ok: false, reason: `needs observations in at least 2 frames, got ${observations.length}` };
  const px = new Float64Array(observations.flatMap((o) => [o.pixel[0], o.pixel[1]]));
  const xy = new Float64Array(px.length);
  undistortPointsSync({ intrinsics: camera.intrinsics, distortionModel: camera.distortionModel, distortion: camera.distortion }, px, xy);
  const views: RayObservation[] = observations.map((o, i) => ({ T_world_camera: o.T_world_camera, xy: [xy[2 * i] as number, xy[2 * i + 1] as number] }));
  let t: Triangulation;
  try {
    t = options.method === 'dlt' ? triangulateDlt(views) : triangulateMidpoint(views);
    if (options.method === undefined || options.method === 'refined') t = refineTriangulation(views, t.p_world_m);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const minParallax = options.minParallaxRad ?? Math.PI / 180;
  if (!t.inFrontOfAll) return { ok: false, reason: 'the triangulated point is behind a camera', triangulation: t };
  if (t.parallaxRad < minParallax) {
    return { ok: false, reason: `parallax ${((t.parallaxRad * 180) / Math.PI).toFixed(2)}° is below ${((minParallax * 180) / Math.PI).toFixed(2)}°`, triangulation: t };
  }
  const residualPx = t.residualRms * camera.intrinsics[0];
  const maxResidualPx = options.maxResidualPx ?? 1.5;
  if (!(residualPx <= maxResidualPx)) {
    return { ok: false, reason: `reprojection residual ${residualPx.toFixed(2)} px is above ${maxResidualPx} px (the track does not fit one static point)`, triangulation: t };
  }
  return { ok: true, ...t };
}
