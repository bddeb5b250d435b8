/** Hardware in the loop, thermal: every live thermal driver on its emulator, and the device in KARANA_HIL_THERMAL (docs/hil.md). */
import { thermalContract } from '../hal/contract/thermal.js';
import { describeHil, targetsOf } from './suite.js';

describeHil('thermal', await targetsOf('thermal'), thermalContract, 5);
