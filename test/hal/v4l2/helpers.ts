/**
 * Emulated V4L2 cameras over the real recordings for the V4L2 tests: EuRoC MH_01 cam0 (752×480 gray PNG,
 * 20 Hz) and the person video (768×432 H.264, 10 fps), see ../shared/data PROVENANCE.md.
 */
import { EmulatedV4l2Backend } from '../../../hal/emulators/v4l2/device.js';
import type { EmulatedCameraConfig } from '../../../hal/emulators/v4l2/device.js';
import { EurocFrames, VideoFrames } from '../../../hal/emulators/v4l2/frames.js';
import { V4l2Camera } from '../../../hal/v4l2/camera.js';
import type { V4l2CameraOptions } from '../../../hal/v4l2/camera.js';
import { MH01_CAM0, PERSON_MP4 } from '../data.js';

export const CAM_PATH = '/dev/video0';

export type CameraSetup = Omit<EmulatedCameraConfig, 'path' | 'source'>;

/** A backend with one camera at /dev/video0 replaying the EuRoC cam0 frames. */
export function eurocBackend(setup: CameraSetup = {}, maxFrames = 40): EmulatedV4l2Backend {
  const source = new EurocFrames(MH01_CAM0, maxFrames);
  return new EmulatedV4l2Backend([{ path: CAM_PATH, source, fourccs: ['GREY', 'YUYV', 'NV12', 'MJPG'], ...setup }]);
}

/** A backend with one camera at /dev/video0 replaying the person video. */
export function videoBackend(setup: CameraSetup = {}, maxFrames = 30): EmulatedV4l2Backend {
  const source = new VideoFrames(PERSON_MP4, maxFrames);
  return new EmulatedV4l2Backend([{ path: CAM_PATH, source, ...setup }]);
}

/** A V4L2 camera driver on `backend`. */
export function camera(backend: EmulatedV4l2Backend, options: Partial<V4l2CameraOptions> = {}): V4l2Camera {
  return new V4l2Camera({ id: 'cam0', path: CAM_PATH, backend, ...options });
}
