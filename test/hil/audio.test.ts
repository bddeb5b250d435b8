/** Hardware in the loop, audio: every live audio driver on its emulator, and the device in KARANA_HIL_AUDIO (docs/hil.md). */
import { audioContract } from '../hal/contract/audio.js';
import { describeHil, targetsOf } from './suite.js';

describeHil('audio', await targetsOf('audio'), audioContract, 50);
