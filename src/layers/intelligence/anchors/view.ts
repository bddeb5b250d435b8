/**
 * An anchor as seen now: its position in the current view (tracking-camera) frame and its pixel in the
 * tracking camera's (distorted) image, from the body pose `T_world_body` and the calibrated
 * `T_body_camera` (`sensor.yaml` `T_BS`): `p_view = T_camera_world · p_world` with
 * `T_world_camera = T_world_body · T_body_camera`.
 */
import type { AnchorView } from '../../../bus/topics.js';
import { compose, fromMatrix4x4, inverse, projectPoint, transformPoint, type PinholeCamera, type Transform } from './geometry.js';
import type { Anchor } from './store.js';

/** The tracking camera the anchors are drawn in. */
export interface ViewCamera {
  readonly camera: PinholeCamera;
  /** `T_body_camera`: camera → body (IMU) frame. */
  readonly T_body_camera: Transform;
  /** Image size, px: pixels outside it are still given (the HUD clips), but `inImage` says so. */
  readonly widthPx: number;
  readonly heightPx: number;
}

/**
 * A {@link ViewCamera} from a HAL camera calibration (`CameraInfo.calibration`) and the image size.
 * @throws Error when the model cannot be projected here (`equidistant`) or `T_body_camera` is not a 4×4.
 */
export function createViewCamera(
  calibration: PinholeCamera & { readonly T_body_camera: readonly number[] },
  widthPx: number,
  heightPx: number,
): ViewCamera {
  if (calibration.distortionModel === 'equidistant') {
    throw new Error('anchors: tracking camera distortion model "equidistant" is not supported (radial-tangential or none)');
  }
  const camera: PinholeCamera = { intrinsics: calibration.intrinsics, distortionModel: calibration.distortionModel, distortion: calibration.distortion };
  return { camera, T_body_camera: fromMatrix4x4(calibration.T_body_camera, 'T_body_camera'), widthPx, heightPx };
}

/** `T_world_camera` from the body pose. */
export function cameraPose(T_world_body: Transform, view: ViewCamera): Transform {
  return compose(T_world_body, view.T_body_camera);
}

/**
 * Each anchor's {@link AnchorView}; without a pose (`undefined`) only the world pose is given. The pixel is
 * present when the anchor is in front of the camera (≥ 5 cm); it may fall outside the image.
 */
export function viewAnchors(anchors: readonly Anchor[], T_world_body: Transform | undefined, view: ViewCamera): AnchorView[] {
  const T_camera_world = T_world_body === undefined ? undefined : inverse(cameraPose(T_world_body, view));
  return anchors.map((a) => {
    const base: AnchorView = { id: a.id, p_world_m: a.p_world_m, q_world_anchor: a.q_world_anchor };
    if (T_camera_world === undefined) return base;
    const p_view_m = transformPoint(T_camera_world, a.p_world_m);
    const pixel = projectPoint(view.camera, p_view_m);
    return pixel === undefined ? { ...base, p_view_m } : { ...base, p_view_m, pixel };
  });
}
