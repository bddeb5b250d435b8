/**
 * A session's recorded ground truth (`[groundtruth]` in session.toml, e.g. EuRoC `state_groundtruth_estimate0`)
 * as a pose source on the runtime clock: `T_world_body` (the recording's world frame and body frame — EuRoC: the
 * Vicon/Leica frame and the IMU), times mapped with the session's own mapping to session ns (= runtime ns in a
 * replay), interpolated by slerp/lerp (`SampledPoseSource`). Used as the external tracker of
 * `karana run --tracker groundtruth` and by the tests that compare against ground truth.
 * Errors: throws naming the session when it has no ground truth, or the ground-truth file's reader error.
 */
import type { Session } from '../../hal/session/index.js';
import { SampledPoseSource } from '../layers/intelligence/anchors/pose-source.js';

export async function groundTruthPoseSource(session: Session): Promise<SampledPoseSource> {
  const gt = session.groundTruth;
  if (gt === undefined) throw new Error(`session ${session.name} has no ground truth ([groundtruth] in its session.toml)`);
  const poses = await gt.load();
  const tNs = Array.from(poses.tNs, (t) => gt.toSessionNs(t));
  return new SampledPoseSource(tNs, poses.q_world_body, poses.position);
}
