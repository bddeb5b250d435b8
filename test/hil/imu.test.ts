/** Hardware in the loop, imu: every live imu driver on its emulator, and the device in KARANA_HIL_IMU (docs/hil.md). */
import { imuContract } from '../hal/contract/imu.js';
import { describeHil, targetsOf } from './suite.js';

describeHil('imu', await targetsOf('imu'), imuContract, 300);
