/** Hardware in the loop, power: every live power driver on its emulator, and the device in KARANA_HIL_POWER (docs/hil.md). */
import { powerContract } from '../hal/contract/power.js';
import { describeHil, targetsOf } from './suite.js';

describeHil('power', await targetsOf('power'), powerContract, 5);
