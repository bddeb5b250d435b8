/** Hardware in the loop, camera: every live camera driver on its emulator, and the device in KARANA_HIL_CAMERA (docs/hil.md). */
import { cameraContract } from '../hal/contract/camera.js';
import { describeHil, targetsOf } from './suite.js';

describeHil('camera', await targetsOf('camera'), cameraContract, 20);
