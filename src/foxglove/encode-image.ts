/**
 * Camera frames (`camera.frame`) → `foxglove.RawImage` or `foxglove.CompressedImage`, and a camera's calibration →
 * `foxglove.CameraCalibration`; JSON payloads (image bytes base64).
 *
 * - RawImage: the payload `karana record` writes (`encodeSample('camera', …)` of `hal/mcap/codec.ts`: GRAY8 →
 *   `mono8`, RGB8 → `rgb8`, BGR8 → `bgr8`, RGBA8 → `rgba8`, `step` = the frame's stride, plus its `seq`), with the
 *   runtime-clock capture time as `timestamp` and the device id as `frame_id`.
 * - CompressedImage: JPEG (`format: "jpeg"`) by sharp at `quality`, full resolution (`src/hud/frame-codec.ts`).
 * Source: Foxglove schemas `RawImage`, `CompressedImage`, `CameraCalibration` (docs.foxglove.dev/docs/sdk/schemas).
 */
import { encodeSample } from '../../hal/mcap/codec.js';
import type { CameraInfo } from '../../hal/types.js';
import type { CameraFrameEvent } from '../bus/topics.js';
import { frameToJpeg } from '../hud/frame-codec.js';
import { jsonBytes, runtimeNsU64, runtimeTime } from './schemas.js';

/** The `foxglove.RawImage` payload of a frame event. Throws a RangeError when its time is not finite. */
export function rawImageMessage(e: CameraFrameEvent): Uint8Array {
  return encodeSample('camera', e.deviceId, { ...e.frame, deviceTimeNs: runtimeNsU64(e.tNs) });
}

/**
 * The `foxglove.CompressedImage` payload of a frame event, JPEG at `quality` (1–100). Rejects with the RangeError
 * of `frameToJpeg` when the frame's geometry and buffer disagree, or sharp's error.
 */
export async function compressedImageMessage(e: CameraFrameEvent, quality: number): Promise<Uint8Array> {
  const jpeg = await frameToJpeg(e.frame, { quality, maxWidthPx: Number.POSITIVE_INFINITY });
  return jsonBytes({ timestamp: runtimeTime(e.tNs), frame_id: e.deviceId, format: 'jpeg', data: jpeg.toString('base64') });
}

/**
 * The `foxglove.CameraCalibration` payload of a calibrated camera at runtime time `tNs`, or null without a
 * calibration (or with a distortion model Foxglove does not draw: it knows `plumb_bob` = radial-tangential k1 k2
 * p1 p2 [k3], and `kannala_brandt` = equidistant k1…k4). `K` row-major 3×3, `P` = [K | 0] (monocular), `R` = I.
 */
export function cameraCalibrationMessage(info: CameraInfo, tNs: number): Uint8Array | null {
  const c = info.calibration;
  if (c === undefined) return null;
  const model = c.distortionModel === 'radial-tangential' ? 'plumb_bob' : c.distortionModel === 'equidistant' ? 'kannala_brandt' : 'plumb_bob';
  const D = c.distortionModel === 'none' ? [0, 0, 0, 0, 0] : [...c.distortion];
  const [fx, fy, cx, cy] = c.intrinsics;
  return jsonBytes({
    timestamp: runtimeTime(tNs),
    frame_id: info.id,
    width: info.widthPx,
    height: info.heightPx,
    distortion_model: model,
    D,
    K: [fx, 0, cx, 0, fy, cy, 0, 0, 1],
    R: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    P: [fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0],
  });
}
