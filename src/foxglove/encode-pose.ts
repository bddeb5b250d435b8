/**
 * Poses (`pose.updated`) → `foxglove.PoseInFrame` (the body in frame `world`) and `foxglove.FrameTransforms`
 * (the transform tree Foxglove's 3D panel draws).
 *
 * Frames: `world` is the tracker's gravity-aligned, z-up world frame; the body (IMU) frame of each source is a
 * child of `world`: `body` for the 6-DoF VIO, `body_predicted` for poses extrapolated to display time,
 * `body_ahrs` for the orientation-only filter (translation 0). Each camera with a calibration hangs off `body`
 * as frame `<device id>` (`T_body_camera`), sent with every VIO pose so a client that subscribes late still
 * gets it. Foxglove's quaternions are `{x, y, z, w}` (Hamilton, same rotation as the bus's `[w, x, y, z]`);
 * a transform from parent P to child C is `T_P_C` (maps points from C to P): translation `p_P_C`, rotation
 * `q_P_C`. Source: Foxglove schemas `PoseInFrame`, `FrameTransform(s)` (docs.foxglove.dev/docs/sdk/schemas).
 */
import type { CameraInfo } from '../../hal/types.js';
import type { PoseEvent } from '../bus/topics.js';
import { fromTransform4x4 } from '../math/quat.js';
import { jsonBytes, runtimeTime } from './schemas.js';

/** The parent of every body frame. */
export const WORLD_FRAME = 'world';

/** Child frame id of a pose source's body frame. */
export function bodyFrameOf(source: PoseEvent['source']): string {
  return source === 'vio' ? 'body' : `body_${source}`;
}

interface Xyz {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

const xyz = (v: readonly number[] | undefined): Xyz => ({ x: v?.[0] ?? 0, y: v?.[1] ?? 0, z: v?.[2] ?? 0 });
const xyzw = (q: readonly number[]): Xyz & { w: number } => ({ x: q[1] ?? 0, y: q[2] ?? 0, z: q[3] ?? 0, w: q[0] ?? 1 });

/** A camera's mounting, `T_body_camera` from its calibration (row-major 4×4). */
export interface CameraMount {
  readonly frameId: string;
  readonly p_body_camera_m: readonly [number, number, number];
  readonly q_body_camera: readonly [number, number, number, number];
}

/** The mounts of the calibrated cameras among `cameras`. */
export function cameraMounts(cameras: readonly CameraInfo[]): CameraMount[] {
  return cameras.flatMap((c) => {
    const T = c.calibration?.T_body_camera;
    if (T === undefined || T.length !== 16) return [];
    return [{ frameId: c.id, p_body_camera_m: [T[3] ?? 0, T[7] ?? 0, T[11] ?? 0] as const, q_body_camera: fromTransform4x4(T) as [number, number, number, number] }];
  });
}

/** `foxglove.PoseInFrame` of a pose: the body's pose in `world` (position 0 for orientation-only sources). */
export function poseInFrameMessage(e: PoseEvent): Uint8Array {
  return jsonBytes({ timestamp: runtimeTime(e.tNs), frame_id: WORLD_FRAME, pose: { position: xyz(e.p_world_body_m), orientation: xyzw(e.q_world_body) } });
}

/**
 * `foxglove.FrameTransforms` of a pose: `world` → the source's body frame, and for VIO poses `body` → each
 * camera in `mounts`.
 */
export function frameTransformsMessage(e: PoseEvent, mounts: readonly CameraMount[]): Uint8Array {
  const timestamp = runtimeTime(e.tNs);
  const body = bodyFrameOf(e.source);
  const transforms = [{ timestamp, parent_frame_id: WORLD_FRAME, child_frame_id: body, translation: xyz(e.p_world_body_m), rotation: xyzw(e.q_world_body) }];
  if (e.source === 'vio') {
    for (const m of mounts) transforms.push({ timestamp, parent_frame_id: body, child_frame_id: m.frameId, translation: xyz(m.p_body_camera_m), rotation: xyzw(m.q_body_camera) });
  }
  return jsonBytes({ transforms });
}
