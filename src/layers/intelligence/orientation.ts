/**
 * 3-DoF orientation from one IMU through an AHRS filter (the native Madgwick by default). The filter is
 * started from the first accelerometer sample (roll and pitch from gravity, yaw 0) and then fed every
 * batch; the pose published is the one after the newest sample.
 */
import type { ImuSamplesEvent, PoseEvent } from '../../bus/topics.js';
import type { Quat, Vec3 } from '../../math/quat.js';

/** Filter state: orientation, the runtime time of the last sample used (ns), and the gyroscope bias
 * estimate (body frame, rad/s). */
export interface AhrsState {
  readonly q_world_body: Quat;
  readonly prevTNs: number;
  readonly gyroBiasRadps: Vec3;
}

/** An orientation filter as layer 5 uses it; implementations must not mutate the state they are given. */
export interface OrientationFilter {
  readonly name: string;
  /** Orientation from one accelerometer sample (m/s², body frame): roll and pitch from gravity, yaw 0. */
  initFromAccel(accelMps2: Vec3): Quat;
  /** Advance through `batch` (samples after `state.prevTNs`); returns the new state. */
  update(state: AhrsState, batch: ImuSamplesEvent): AhrsState;
}

export interface OrientationState {
  /** IMU the orientation follows (the first one heard from). */
  readonly deviceId: string | null;
  readonly ahrs: AhrsState | null;
  readonly samples: number;
}

export const INITIAL_ORIENTATION: OrientationState = Object.freeze({ deviceId: null, ahrs: null, samples: 0 });

/** Fold IMU batches into the orientation; returns the new state and the pose to publish, if any. */
export function stepOrientation(
  state: OrientationState,
  batches: readonly ImuSamplesEvent[],
  filter: OrientationFilter,
): { state: OrientationState; pose: PoseEvent | null } {
  let { deviceId, ahrs, samples } = state;
  for (const batch of batches) {
    if (batch.count === 0) continue;
    deviceId ??= batch.deviceId;
    if (batch.deviceId !== deviceId) continue;
    let input = batch;
    if (ahrs === null) {
      const accel: Vec3 = [batch.accelMps2[0] as number, batch.accelMps2[1] as number, batch.accelMps2[2] as number];
      ahrs = { q_world_body: filter.initFromAccel(accel), prevTNs: batch.tNs[0] as number, gyroBiasRadps: [0, 0, 0] };
      input = sliceBatch(batch, 1);
    }
    if (input.count > 0) ahrs = filter.update(ahrs, input);
    samples += batch.count;
  }
  const next = { deviceId, ahrs, samples };
  if (ahrs === null || samples === state.samples) return { state: next, pose: null };
  return { state: next, pose: { tNs: ahrs.prevTNs, source: 'ahrs', q_world_body: ahrs.q_world_body } };
}

/** Samples `from`… of a batch (views, no copies). */
export function sliceBatch(batch: ImuSamplesEvent, from: number): ImuSamplesEvent {
  const n = Math.max(0, batch.count - from);
  const base = {
    deviceId: batch.deviceId,
    count: n,
    tNs: batch.tNs.subarray(from),
    gyroRadps: batch.gyroRadps.subarray(3 * from),
    accelMps2: batch.accelMps2.subarray(3 * from),
  };
  return batch.magUt === undefined ? base : { ...base, magUt: batch.magUt.subarray(3 * from) };
}
