/**
 * The edge side of the VIO: work handlers that own one native {@link Vio} and feed it what the layer step
 * requested (IMU batches, then the frame on the libuv thread pool), and read back the newest pose. Handlers
 * run one at a time (the step issues one request at a time). Errors (a frame that is not GRAY8, a stamp that
 * goes back) reject the work, which the step counts; the estimator stays usable.
 */
import type { CameraCalibration, ImuInfo } from '../../../../hal/types.js';
import type { ImuSamplesEvent } from '../../../bus/topics.js';
import type { WorkHandler } from '../../../tick/types.js';
import { VIO_STATE_LENGTH, decodeVioState } from '../../../../native/index.js';
import type { Vio, VioOptions } from '../../../../native/index.js';
import { VIO_FRAME_WORK, VIO_IMU_WORK, type VioWorkOutput, type VioWorkPayload } from './step.js';

/** VIO settings from a camera's calibration (pinhole, radial-tangential or none) and the IMU's noise model. */
export function vioOptionsFromCalibration(widthPx: number, heightPx: number, cal: CameraCalibration, noise?: ImuInfo['noise']): VioOptions {
  if (cal.distortionModel === 'equidistant') throw new Error('VIO: camera distortion model "equidistant" is not supported (radial-tangential or none)');
  return {
    widthPx,
    heightPx,
    intrinsics: cal.intrinsics,
    distortion: cal.distortionModel === 'none' ? [0, 0, 0, 0] : cal.distortion,
    T_body_camera: cal.T_body_camera,
    ...(noise === undefined
      ? {}
      : {
          gyroNoiseDensity: noise.gyroNoiseDensityRadpsPerSqrtHz,
          gyroRandomWalk: noise.gyroRandomWalkRadps2PerSqrtHz,
          accelNoiseDensity: noise.accelNoiseDensityMps2PerSqrtHz,
          accelRandomWalk: noise.accelRandomWalkMps3PerSqrtHz,
        }),
  };
}

function feedBatches(vio: Vio, batches: readonly ImuSamplesEvent[]): void {
  for (const b of batches) vio.feedImu(b.tNs.subarray(0, b.count), b.gyroRadps.subarray(0, 3 * b.count), b.accelMps2.subarray(0, 3 * b.count));
}

/** `{ 'vio-frame': …, 'vio-imu': … }` for the tick loop's `work` table. */
export function createVioWorkHandlers(vio: Vio): Record<string, WorkHandler> {
  const buf = new Float64Array(VIO_STATE_LENGTH);
  const pose = (): VioWorkOutput['pose'] => {
    if (!vio.readState(buf)) return null;
    const s = decodeVioState(buf);
    return { tNs: s.tNs, q_world_body: s.q_world_body, p_world_body_m: s.p_world_body_m, v_world_mps: s.v_world_mps, covariance: s.covariance };
  };
  return {
    [VIO_IMU_WORK]: (payload): Promise<VioWorkOutput> => {
      feedBatches(vio, (payload as VioWorkPayload).imu);
      return Promise.resolve({ pose: pose() });
    },
    [VIO_FRAME_WORK]: async (payload): Promise<VioWorkOutput> => {
      const p = payload as VioWorkPayload;
      feedBatches(vio, p.imu);
      const f = p.frame;
      if (f === undefined) return { pose: pose() };
      const { frame } = f;
      if (frame.format !== 'GRAY8') throw new Error(`VIO: camera ${f.deviceId} frame ${frame.seq}: format ${frame.format}, expected GRAY8`);
      const packed = frame.strideBytes === frame.widthPx ? frame.data : repack(frame.data, frame.widthPx, frame.heightPx, frame.strideBytes);
      const r = await vio.feedFrame(packed, f.tNs);
      return { frame: { state: r.state, features: r.features, ...(r.reason === undefined ? {} : { reason: r.reason }) }, pose: pose(), landmarks: vio.readLandmarks() };
    },
  };
}

function repack(data: Uint8Array, w: number, h: number, stride: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(data.subarray(y * stride, y * stride + w), y * w);
  return out;
}
