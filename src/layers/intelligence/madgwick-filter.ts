/**
 * The native Madgwick AHRS (`native/`) as layer 5's {@link OrientationFilter}, with the gyroscope bias
 * drift compensation of Madgwick's report (§3.4). Each update copies the 8-number state
 * (`[qw, qx, qy, qz, prevTNs, bx, by, bz]`) so the layer's state stays a value.
 */
import { createMadgwickState, madgwickInitFromAccel, madgwickUpdateSync, type MadgwickSettings } from '../../../native/index.js';
import type { ImuSamplesEvent } from '../../bus/topics.js';
import type { Quat, Vec3 } from '../../math/quat.js';
import type { AhrsState, OrientationFilter } from './orientation.js';

/**
 * β = 0.05 rad/s, ζ = 0.015 rad/s²: chosen on the EuRoC MH_01 excerpt and V1_01 against their ground
 * truth (docs/ahrs.md has the sweep). The ADIS16448 of EuRoC starts with up to 0.08 rad/s of gyro bias,
 * which ζ learns in a few seconds; β is low enough that the linear accelerations of hand-held motion do
 * not tilt the estimate.
 */
export const DEFAULT_MADGWICK: Readonly<MadgwickSettings> = Object.freeze({ beta: 0.05, zeta: 0.015, nominalRateHz: 200, maxDtS: 0.5 });

export function madgwickFilter(settings: MadgwickSettings = DEFAULT_MADGWICK): OrientationFilter {
  return {
    name: `madgwick(beta=${settings.beta ?? 0.1}, zeta=${settings.zeta ?? 0})`,
    initFromAccel: (accelMps2: Vec3): Quat => madgwickInitFromAccel(accelMps2),
    update(state: AhrsState, batch: ImuSamplesEvent): AhrsState {
      const s = createMadgwickState(state.q_world_body, state.gyroBiasRadps);
      s[4] = state.prevTNs;
      madgwickUpdateSync(s, { timestampsNs: batch.tNs, gyroRadps: batch.gyroRadps, accelMps2: batch.accelMps2, magUt: batch.magUt }, settings);
      return {
        q_world_body: [s[0] as number, s[1] as number, s[2] as number, s[3] as number],
        prevTNs: s[4],
        gyroBiasRadps: [s[5] as number, s[6] as number, s[7] as number],
      };
    },
  };
}
