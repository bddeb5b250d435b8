/**
 * Monocular visual-inertial odometry of the native core (`native/crates/vio`): a Multi-State Constraint
 * Kalman Filter (Mourikis & Roumeliotis, ICRA 2007) over a sliding window of camera clones, on KLT tracks
 * of FAST corners. One stateful object: feed IMU batches and GRAY8 frames on one clock (ns), read the pose
 * at IMU rate. Conventions: world frame z up, gravity-aligned, yaw and origin those of the first body pose;
 * body = IMU frame; quaternions Hamilton `[w, x, y, z]` `q_world_body`. See `docs/vio.md`.
 */
import type { Binding } from './binding.js';
import { native } from './binding.js';

/** Camera and estimator settings. Camera fields are required; the rest default (see `docs/vio.md`). */
export interface VioOptions {
  readonly widthPx: number;
  readonly heightPx: number;
  /** `[fu, fv, cu, cv]`, pixels. */
  readonly intrinsics: readonly number[];
  /** Radial-tangential `[k1, k2, p1, p2]`; default zeros. */
  readonly distortion?: readonly number[];
  /** `T_body_camera`, row-major 4×4 (EuRoC `T_BS` of the camera); default identity. */
  readonly T_body_camera?: readonly number[];
  /** rad/s/√Hz (default 1.6968e-4, EuRoC ADIS16448). */
  readonly gyroNoiseDensity?: number;
  /** rad/s²/√Hz (default 1.9393e-5). */
  readonly gyroRandomWalk?: number;
  /** m/s²/√Hz (default 2.0e-3). */
  readonly accelNoiseDensity?: number;
  /** m/s³/√Hz (default 3.0e-3). */
  readonly accelRandomWalk?: number;
  /** Camera clones in the window (default 11). */
  readonly maxClones?: number;
  /** Features tracked at most (default 150). */
  readonly maxFeatures?: number;
  /** Image-plane noise, pixels (default 1). */
  readonly pixelNoisePx?: number;
  /** IMU history before the first frame used to initialise, s (default 1). */
  readonly initWindowS?: number;
  /**
   * Delayed initialisation when the first frame finds the device moving, s (default 2; 0 = off): the frames
   * of this window are filtered without output, the converged state carried back to the first frame and the
   * window re-run from it; poses start at its end, and {@link Vio.takeInitTrajectory} gives the window's.
   */
  readonly initDelayS?: number;
  /** Re-runs over the delayed-initialisation window, integer in [1, 5] (default 3). */
  readonly initPasses?: number;
  /**
   * Long-lived tracks kept in the filter state as SLAM features (hybrid MSCKF/EKF-SLAM, Li & Mourikis 2012;
   * OpenVINS), integer in [0, 200] (default 25; 0 = pure MSCKF).
   */
  readonly maxSlamFeatures?: number;
}

/** Counts of one `feedImu` (bad samples are dropped and counted, never thrown). */
export interface VioImuResult {
  readonly accepted: number;
  readonly notAfterPrevious: number;
  /** A stamp, gyroscope or accelerometer value not finite. */
  readonly nonFinite: number;
}

/** What one frame did. */
export interface VioFrameResult {
  readonly state: 'initializing' | 'tracking' | 'lost';
  /** `too-few-features` or `diverged`, when `state` is `lost` (the next frame re-initialises). */
  readonly reason?: string;
  /** Features tracked into this frame. */
  readonly features: number;
  readonly featuresUsed: number;
  readonly rejectedTriangulation: number;
  readonly rejectedChi2: number;
  /** Tracks dropped by the 2-point RANSAC (epipolar check with the gyro rotation). */
  readonly rejectedRansac: number;
  readonly zeroVelocity: boolean;
}

/** Length of the array {@link Vio.readState} fills. */
export const VIO_STATE_LENGTH = 53;

/** The state read by {@link Vio.readState}, decoded. */
export interface VioState {
  /** Time of the state, the clock of the fed samples, ns. */
  readonly tNs: number;
  readonly q_world_body: [number, number, number, number];
  readonly p_world_body_m: [number, number, number];
  readonly v_world_mps: [number, number, number];
  readonly gyroBiasRadps: [number, number, number];
  readonly accelBiasMps2: [number, number, number];
  /** Row-major 6×6 over `[δθ (rad, body), δp (m, world)]`. */
  readonly covariance: number[];
}

/** Decodes the array filled by {@link Vio.readState}. */
export function decodeVioState(s: Float64Array): VioState {
  const v3 = (o: number): [number, number, number] => [s[o] ?? NaN, s[o + 1] ?? NaN, s[o + 2] ?? NaN];
  return {
    tNs: s[0] ?? NaN,
    q_world_body: [s[1] ?? NaN, s[2] ?? NaN, s[3] ?? NaN, s[4] ?? NaN],
    p_world_body_m: v3(5),
    v_world_mps: v3(8),
    gyroBiasRadps: v3(11),
    accelBiasMps2: v3(14),
    covariance: Array.from(s.subarray(17, 53)),
  };
}

type NativeVio = Binding.Vio;

/**
 * Monocular MSCKF VIO. `feedImu` before each frame with the samples up to its time; `feedFrame` runs on
 * the libuv thread pool (its buffer must not be written until it settles), `feedFrameSync` on the calling
 * thread. Throws (naming the parameter) for bad options, buffers of the wrong size, or a frame stamp not
 * after the previous one; degraded data is counted.
 */
export class Vio {
  readonly #inner: NativeVio;

  constructor(options: VioOptions) {
    const { T_body_camera, intrinsics, distortion, ...rest } = options;
    this.#inner = new (native().Vio)({
      ...rest,
      intrinsics: [...intrinsics],
      ...(distortion === undefined ? {} : { distortion: [...distortion] }),
      ...(T_body_camera === undefined ? {} : { tBodyCamera: [...T_body_camera] }),
    });
  }

  /** n stamps (ns), 3n gyroscope rad/s, 3n specific force m/s², body frame, xyz interleaved. */
  feedImu(timestampsNs: Float64Array, gyroRadps: Float64Array, accelMps2: Float64Array): VioImuResult {
    return this.#inner.feedImu(timestampsNs, gyroRadps, accelMps2);
  }

  /** A packed GRAY8 frame (`widthPx × heightPx` bytes) captured at `tNs`, on the calling thread. */
  feedFrameSync(gray: Uint8Array, tNs: number): VioFrameResult {
    return this.#inner.feedFrameSync(gray, tNs) as VioFrameResult;
  }

  /** {@link Vio.feedFrameSync} on the thread pool. */
  async feedFrame(gray: Uint8Array, tNs: number): Promise<VioFrameResult> {
    return (await this.#inner.feedFrame(gray, tNs)) as VioFrameResult;
  }

  /** Fills `out` (≥ {@link VIO_STATE_LENGTH} numbers, layout of {@link decodeVioState}); false before initialisation. */
  readState(out: Float64Array): boolean {
    return this.#inner.readState(out);
  }

  /**
   * The poses at the frames of the delayed-initialisation window, once, after the frame that ended it
   * returned `tracking` (empty otherwise): n × 8 numbers `[tNs, qw, qx, qy, qz, px, py, pz]`, `q_world_body`,
   * `p_world_body` m, oldest first — the first second's trajectory, consistent with the poses that follow.
   */
  takeInitTrajectory(): Float64Array {
    return this.#inner.takeInitTrajectory();
  }

  /**
   * The scene points the filter holds as landmarks (SLAM features, docs/vio.md) now: n × 4 numbers
   * `[id, x, y, z]` — track id and position in the world frame, m; empty unless tracking. Where a view ray
   * meets the scene is found among them (anchors, docs/anchors.md).
   */
  readLandmarks(): Float64Array {
    return this.#inner.readLandmarks();
  }

  /** Frames given so far. */
  get frames(): number {
    return this.#inner.frames;
  }

  /** Times tracking was lost and re-initialised. */
  get losses(): number {
    return this.#inner.losses;
  }
}
