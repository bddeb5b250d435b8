/**
 * External 6-DoF tracking (layer 5): poses of the body from a tracker outside the glasses — a motion-capture
 * system (OptiTrack, Vicon, Lighthouse) or a session's recorded ground truth replayed as one
 * (`karana run --tracker groundtruth`) — published as `pose.updated` with `source: 'tracker'`. With it the
 * display's prediction, late latching and anchors can be developed and measured without the VIO's error,
 * like Monado's tracking overrides on a motion-capture rig.
 *
 * Sampling: one pose at the newest sample time of each batch of the followed IMU (the first heard from), so
 * the tracker runs at the IMU's rate on the runtime clock; its velocity is the central difference of the
 * tracker's positions over ±`VELOCITY_HALF_WINDOW_NS`. Times where the tracker has no pose (outside its
 * span, gaps) give no event. Pure; never throws.
 */
import type { ImuSamplesEvent, PoseEvent } from '../../bus/topics.js';
import type { PoseSource } from './anchors/pose-source.js';

/** Half-window of the velocity's central difference, ns. */
const VELOCITY_HALF_WINDOW_NS = 5e6;

export interface TrackerState {
  /** IMU whose sample times pace the tracker (the first heard from). */
  readonly deviceId: string | null;
}

export const INITIAL_TRACKER: TrackerState = Object.freeze({ deviceId: null });

/** Tracker poses for the new IMU batches: `T_world_body` of `source` at each batch's newest sample time. */
export function stepTracker(state: TrackerState, imu: readonly ImuSamplesEvent[], source: PoseSource): { state: TrackerState; poses: PoseEvent[] } {
  let { deviceId } = state;
  const poses: PoseEvent[] = [];
  for (const batch of imu) {
    if (batch.count === 0) continue;
    deviceId ??= batch.deviceId;
    if (batch.deviceId !== deviceId) continue;
    const tNs = batch.tNs[batch.count - 1] as number;
    const T = source.poseAt(tNs);
    if (T === undefined) continue;
    const before = source.poseAt(tNs - VELOCITY_HALF_WINDOW_NS);
    const after = source.poseAt(tNs + VELOCITY_HALF_WINDOW_NS);
    const v =
      before === undefined || after === undefined
        ? undefined
        : ([0, 1, 2].map((k) => ((after.p[k] as number) - (before.p[k] as number)) / (2 * VELOCITY_HALF_WINDOW_NS * 1e-9)) as unknown as [number, number, number]);
    poses.push({
      tNs,
      source: 'tracker',
      q_world_body: [T.q[0], T.q[1], T.q[2], T.q[3]],
      p_world_body_m: [T.p[0], T.p[1], T.p[2]],
      ...(v === undefined ? {} : { v_world_mps: v }),
    });
  }
  return { state: { deviceId }, poses };
}
