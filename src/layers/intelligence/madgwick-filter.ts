/**
 * The native Madgwick AHRS (`native/`) as layer 5's {@link OrientationFilter}. Each update copies the
 * 5-float state (`[qw, qx, qy, qz, prevTNs]`) so the layer's state stays a value.
 */
import { createMadgwickState, madgwickInitFromAccel, madgwickUpdateSync, type MadgwickSettings } from '../../../native/index.js';
import type { ImuSamplesEvent } from '../../bus/topics.js';
import type { Quat, Vec3 } from '../../math/quat.js';
import type { AhrsState, OrientationFilter } from './orientation.js';

/**
 * β = 0.05 rad/s: Madgwick's report suggests β = √(3/4)·ω̃ (gyroscope error); 0.05 suits MEMS IMUs such
 * as the ADIS16448 of EuRoC, whose turn-on bias reaches 0.08 rad/s, and keeps the accelerometer's
 * linear-acceleration noise during head motion from tilting the estimate (see docs/ahrs.md for the sweep).
 */
export const DEFAULT_MADGWICK: Readonly<MadgwickSettings> = Object.freeze({ beta: 0.05, nominalRateHz: 200, maxDtS: 0.5 });

export function madgwickFilter(settings: MadgwickSettings = DEFAULT_MADGWICK): OrientationFilter {
  return {
    name: `madgwick(beta=${settings.beta ?? 0.1})`,
    initFromAccel: (accelMps2: Vec3): Quat => madgwickInitFromAccel(accelMps2),
    update(state: AhrsState, batch: ImuSamplesEvent): AhrsState {
      const s = createMadgwickState(state.q_world_body);
      s[4] = state.prevTNs;
      madgwickUpdateSync(s, { timestampsNs: batch.tNs, gyroRadps: batch.gyroRadps, accelMps2: batch.accelMps2, magUt: batch.magUt }, settings);
      return { q_world_body: [s[0] as number, s[1] as number, s[2] as number, s[3] as number], prevTNs: s[4] as number };
    },
  };
}
