/**
 * Undistortion of points and images for the pinhole camera models of EuRoC / Kalibr `sensor.yaml`
 * (`karana-image` `undistort`), matching OpenCV `cv::undistortPoints`, `cv::fisheye::undistortPoints`,
 * `cv::initUndistortRectifyMap` (+ `fisheye::`) and `cv::remap`.
 */
import { native, type Binding } from '../binding.js';
import { frameLayout } from './layout.js';
import type { FrameView } from './letterbox.js';

/**
 * A calibrated pinhole camera as `sensor.yaml` gives it; a HAL `CameraCalibration` is one.
 * `radial-tangential`: `k1, k2, p1, p2` (OpenCV's plumb bob without `k3`); `equidistant`: `k1..k4`
 * (OpenCV `cv::fisheye`, Kannala–Brandt).
 */
export interface CameraModel {
  /** `[fu, fv, cu, cv]`, pixels. */
  readonly intrinsics: readonly [number, number, number, number];
  readonly distortionModel: 'radial-tangential' | 'radtan' | 'equidistant' | 'none';
  readonly distortion: readonly number[];
}

export interface UndistortPointsOptions {
  /** `'normalized'` (default): `(x, y)` of the ray `(x, y, 1)`; `'pixel'`: `(fx'·x + cx', fy'·y + cy')`. */
  readonly output?: 'normalized' | 'pixel';
  /** `[fu, fv, cu, cv]` of the ideal camera for `'pixel'` (OpenCV's `P`); default the calibration's. */
  readonly newIntrinsics?: readonly [number, number, number, number];
  /** Default 30 (radial-tangential), 10 (equidistant, OpenCV's). OpenCV's `cv::undistortPoints` default is 5. */
  readonly maxIterations?: number;
  /** Stop when the reprojection error is below this many pixels (radial-tangential, default 1e-9) or the Newton step below this many radians (equidistant, default 1e-8); 0: exactly `maxIterations`. */
  readonly epsilon?: number;
}

function nativeCamera(c: CameraModel): Binding.CameraModel {
  return { intrinsics: [...c.intrinsics], distortionModel: c.distortionModel, distortion: [...c.distortion] };
}

/**
 * Undistorts points on the calling thread with OpenCV's iterations: radial-tangential by the
 * fixed-point iteration of `cv::undistortPoints`, equidistant by the Newton iteration on θ of
 * `cv::fisheye::undistortPoints`. `pointsPx`: `x, y` pairs in pixels of the distorted image (origin
 * at the centre of the top-left pixel); `out` (caller-owned, at least as long, not sharing memory)
 * receives the undistorted pairs.
 *
 * @returns how many points have no undistorted position (equidistant: not converged or θ flipped;
 *   written as NaN where OpenCV writes −1e6).
 * @throws Error naming the bad parameter and value, e.g. `"points" must be x, y pairs (an even length), got 3`.
 */
export function undistortPointsSync(camera: CameraModel, pointsPx: Float64Array, out: Float64Array, options?: UndistortPointsOptions): number {
  const o = options === undefined ? undefined : { ...options, newIntrinsics: options.newIntrinsics === undefined ? undefined : [...options.newIntrinsics] };
  return native().undistortPointsSync(nativeCamera(camera), pointsPx, out, o);
}

/** A map built by `createUndistorter`, handed to the constructor synchronously by {@link Undistorter.create}. */
let prebuilt: Binding.Undistorter | undefined;

function nativeSpec(spec: UndistortSpec): Binding.UndistortSpec {
  return { widthPx: spec.widthPx, heightPx: spec.heightPx, newIntrinsics: spec.newIntrinsics === undefined ? undefined : [...spec.newIntrinsics] };
}

export interface UndistortSpec {
  /** Output size, pixels (usually the calibration's resolution). */
  readonly widthPx: number;
  readonly heightPx: number;
  /** `[fu, fv, cu, cv]` of the undistorted image (OpenCV's `newCameraMatrix`); default the calibration's. */
  readonly newIntrinsics?: readonly [number, number, number, number];
}

/**
 * Undistorts images of one camera: the map (`cv::initUndistortRectifyMap` /
 * `cv::fisheye::initUndistortRectifyMap`, `R = I`, `CV_32FC1`) is built once by the constructor
 * (a few ms for 752 × 480); each frame is remapped bilinearly through it (OpenCV 5 `cv::remap`,
 * `INTER_LINEAR`, `BORDER_CONSTANT` 0), byte-exact with OpenCV on the real EuRoC frames tested.
 *
 * @throws Error naming the bad parameter and value (constructor: camera or size; calls: short or
 *   overlapping buffers, bad strides).
 */
export class Undistorter {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly #native: Binding.Undistorter;

  /** Builds the map on the calling thread (3–20 ms for 752 × 480; {@link Undistorter.create} builds it on the libuv pool). */
  constructor(camera: CameraModel, spec: UndistortSpec) {
    this.#native = prebuilt ?? new (native().Undistorter)(nativeCamera(camera), nativeSpec(spec));
    this.widthPx = this.#native.widthPx;
    this.heightPx = this.#native.heightPx;
  }

  /** The constructor with the map built on the libuv thread pool; rejects with the constructor's messages. */
  static async create(camera: CameraModel, spec: UndistortSpec): Promise<Undistorter> {
    const built = await native().createUndistorter(nativeCamera(camera), nativeSpec(spec));
    prebuilt = built;
    try {
      return new Undistorter(camera, spec);
    } finally {
      prebuilt = undefined;
    }
  }

  /** Copies the map: source pixel coordinates of each output pixel, row-major, `widthPx · heightPx` floats each. */
  mapInto(mapX: Float32Array, mapY: Float32Array): void {
    this.#native.mapInto(mapX, mapY);
  }

  /** Undistorts `frame` into `out` (caller-owned, same format, `widthPx × heightPx`) on the calling thread. */
  remapSync(frame: FrameView, out: Uint8Array, outStrideBytes?: number): FrameView {
    this.#native.remapSync(frame.data, frameLayout(frame), out, outStrideBytes);
    return this.#output(frame, out, outStrideBytes);
  }

  /** {@link remapSync} on the libuv thread pool; `frame.data` and `out` must not be touched until it settles. */
  async remap(frame: FrameView, out: Uint8Array, outStrideBytes?: number): Promise<FrameView> {
    await this.#native.remap(frame.data, frameLayout(frame), out, outStrideBytes);
    return this.#output(frame, out, outStrideBytes);
  }

  #output(frame: FrameView, out: Uint8Array, outStrideBytes: number | undefined): FrameView {
    const bpp = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 }[frame.format];
    return { data: out, widthPx: this.widthPx, heightPx: this.heightPx, strideBytes: outStrideBytes ?? this.widthPx * bpp, format: frame.format };
  }
}
