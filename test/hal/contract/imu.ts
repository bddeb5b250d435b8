/** Contract of IMU devices: finite gyro (rad/s) and accel (m/s²) triples, within physical IMU ranges. */
import type { ImuInfo, ImuSample } from '../../../hal/types.js';
import { describeDeviceContract } from './device.js';
import type { ContractOptions } from './device.js';

/** Beyond ±2000 °/s and ±16 g no MEMS IMU of a head-worn device reports. */
const MAX_GYRO_RADPS = (2000 * Math.PI) / 180;
const MAX_ACCEL_MPS2 = 16 * 9.81;

export function imuContract(name: string, options: ContractOptions<ImuInfo>): void {
  describeDeviceContract<ImuInfo, ImuSample>(name, 'imu', options, (sample, info) => {
    const { gyroRadps, accelMps2 } = sample;
    if (gyroRadps.length !== 3 || accelMps2.length !== 3) return 'gyro and accel must be triples';
    if (!gyroRadps.every((w) => Math.abs(w) <= MAX_GYRO_RADPS)) return `gyro ${gyroRadps.join(', ')} rad/s`;
    if (!accelMps2.every((a) => Math.abs(a) <= MAX_ACCEL_MPS2)) return `accel ${accelMps2.join(', ')} m/s²`;
    if ((sample.magUt !== undefined) !== info.hasMagnetometer) return 'magUt present iff hasMagnetometer';
    return undefined;
  });
}
