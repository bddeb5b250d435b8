/**
 * Public API of the Rust native core (`native/src`, napi-rs). This hand-written wrapper is what the
 * runtime imports; the generated loader (`binding.cjs`, `binding.d.ts`, produced by
 * `npm run build:native`) is private to it.
 *
 * Kernels take and fill caller-owned typed arrays without copying. `…Sync` functions run on the
 * calling thread; their async twins run on the libuv thread pool and must not have their buffers
 * touched until the promise settles. Caller errors (wrong sizes, bad options, buffers that share
 * memory where one is written) throw an `Error` whose message names the parameter and the value,
 * e.g. `"out" must hold 519168 floats, got 1000`; the async twins reject with the same messages.
 * Degraded data (a dropped IMU sample, a clock step) never throws: it is counted in the result.
 *
 * Conventions: SI units; timestamps are the runtime's monotonic clock in ns; quaternions are
 * Hamilton `[w, x, y, z]`, `q_world_body`, world frame z up. See `docs/native.md`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PixelFormat } from '../hal/types.js';
import type * as Binding from './binding.js';

type NativeBinding = typeof Binding;

let binding: NativeBinding | undefined;

/**
 * The generated loader, found beside this file (`native/index.ts` run from source) or at
 * `<root>/native/` (compiled to `dist/native/index.js`). Loaded on first use.
 */
function native(): NativeBinding {
  if (binding !== undefined) return binding;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'binding.cjs'), join(here, '..', '..', 'native', 'binding.cjs')];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(`karana-native: binding.cjs not found (looked in ${candidates.join(', ')}); run "npm run build:native"`);
  }
  binding = createRequire(import.meta.url)(found) as NativeBinding;
  return binding;
}

// ─── Letterbox ──────────────────────────────────────────────────────────────────────────────────

/** An 8-bit frame in a byte buffer; a HAL `CameraFrame` is one. Row `y` starts at `y · strideBytes`. */
export interface FrameView {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Default: `widthPx × bytes per pixel` (tightly packed rows). */
  readonly strideBytes?: number;
  /** GRAY8 is replicated to the three channels; RGBA8's alpha is ignored. */
  readonly format: PixelFormat;
}

export interface LetterboxOptions {
  /** Tensor width, pixels. */
  readonly targetWidth: number;
  /** Tensor height, pixels. */
  readonly targetHeight: number;
  /** Pad value in the pixel domain (0–255), normalized like the pixels. Default 114. */
  readonly padValue?: number;
  /** Order of the three output planes. Default `'RGB'`. */
  readonly channelOrder?: 'RGB' | 'BGR';
  /** Per output channel (in `channelOrder`), pixel domain: `out = (v − mean[c]) · scale[c]`. Default 0. */
  readonly mean?: readonly [number, number, number];
  /** Per output channel (in `channelOrder`). Default 1. */
  readonly scale?: readonly [number, number, number];
  /** `'center'` (default) or `'topLeft'` (YOLOX: padding right and bottom only). */
  readonly align?: 'center' | 'topLeft';
}

/**
 * Where the source frame sits in the tensor: `x_tensor = x_src · scale + padX` (same for y). Map a
 * detection back with `x_src = (x_tensor − padX) / scale`.
 */
export interface LetterboxResult {
  /** `r = min(targetWidth / sourceWidth, targetHeight / sourceHeight)`. */
  readonly scale: number;
  /** Left padding, tensor pixels. */
  readonly padX: number;
  /** Top padding, tensor pixels. */
  readonly padY: number;
  /** `floor(sourceWidth · r)`, tensor pixels (YOLOX `int(w · r)`). */
  readonly resizedWidth: number;
  /** `floor(sourceHeight · r)`, tensor pixels. */
  readonly resizedHeight: number;
  /** Source frame size, pixels (detections are clipped to it). */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** Tensor size, pixels (the detector's input size). */
  readonly targetWidth: number;
  readonly targetHeight: number;
}

/**
 * YOLOX-Nano input (`/work/shared/data/models/yolox_nano/PROVENANCE.md`, YOLOX `preproc`):
 * 416×416, BGR, 0–255 (mean 0, scale 1), pad 114, image at the top-left corner.
 */
export const YOLOX_NANO_LETTERBOX: Readonly<LetterboxOptions> = Object.freeze({
  targetWidth: 416,
  targetHeight: 416,
  padValue: 114,
  channelOrder: 'BGR',
  mean: Object.freeze([0, 0, 0] as const),
  scale: Object.freeze([1, 1, 1] as const),
  align: 'topLeft',
});

/** Floats a letterbox tensor needs: `3 · targetWidth · targetHeight`. */
export function letterboxTensorLength(options: Pick<LetterboxOptions, 'targetWidth' | 'targetHeight'>): number {
  return 3 * options.targetWidth * options.targetHeight;
}

function frameLayout(frame: FrameView): Binding.FrameLayout {
  const layout: Binding.FrameLayout = { widthPx: frame.widthPx, heightPx: frame.heightPx, format: frame.format };
  if (frame.strideBytes !== undefined) layout.strideBytes = frame.strideBytes;
  return layout;
}

function nativeOptions(o: LetterboxOptions): Binding.LetterboxOptions {
  return { ...o, mean: o.mean === undefined ? undefined : [...o.mean], scale: o.scale === undefined ? undefined : [...o.scale] };
}

/**
 * Letterboxes a frame into a float32 NCHW tensor `[1, 3, targetHeight, targetWidth]` in one pass.
 *
 * Resize: bilinear with OpenCV `INTER_LINEAR` pixel centres — output pixel `d` samples the source
 * at `(d + 0.5) · srcLen / dstLen − 0.5`, clamped at the edges — to `floor(w·r) × floor(h·r)`,
 * `r = min(tw / w, th / h)` (YOLOX `preproc`); values are not rounded to 8 bits. Pixels and
 * padding alike become `(v − mean[c]) · scale[c]`.
 *
 * @param out caller-owned, at least {@link letterboxTensorLength} floats; must not share memory with `frame.data`.
 * @throws Error naming the bad parameter, e.g. `"out" must hold 519168 floats, got 1000`.
 */
export function letterboxSync(frame: FrameView, options: LetterboxOptions, out: Float32Array): LetterboxResult {
  return native().letterboxSync(frame.data, frameLayout(frame), nativeOptions(options), out);
}

/**
 * {@link letterboxSync} on the libuv thread pool. Do not modify `frame.data` or `out` until the
 * promise settles. Rejects with the same messages.
 */
export async function letterbox(frame: FrameView, options: LetterboxOptions, out: Float32Array): Promise<LetterboxResult> {
  return native().letterbox(frame.data, frameLayout(frame), nativeOptions(options), out);
}

// ─── Madgwick AHRS ──────────────────────────────────────────────────────────────────────────────

/** Hamilton quaternion `[w, x, y, z]`. */
export type Quaternion = readonly [number, number, number, number];

/** Madgwick filter settings; omitted fields take {@link MADGWICK_DEFAULTS}. */
export interface MadgwickSettings {
  /** Gradient-descent gain β, rad/s (Madgwick 2010 eq 50: `√(3/4) ·` gyroscope measurement error). */
  readonly beta?: number;
  /** Sample rate assumed when dt cannot be measured (no previous stamp, dt ≤ 0, dt > `maxDtS`), Hz. */
  readonly nominalRateHz?: number;
  /** Longest dt taken from the timestamps, s; longer gaps use the nominal dt. */
  readonly maxDtS?: number;
  /**
   * Gyroscope bias drift gain ζ, rad/s² (Madgwick 2010 §3.4, eqs 47–49: `√(3/4) ·` the rate of bias
   * drift). > 0 estimates the bias, which needs a state made with `createMadgwickState(q, bias)`.
   * Gravity observes the bias about horizontal axes only.
   */
  readonly zeta?: number;
}

export const MADGWICK_DEFAULTS: Readonly<Required<MadgwickSettings>> = Object.freeze({ beta: 0.1, nominalRateHz: 100, maxDtS: 1, zeta: 0 });

/** Length of a Madgwick state: `[qw, qx, qy, qz, prevTNs]`. */
export const MADGWICK_STATE_LENGTH = 5;
/** Length of a Madgwick state with a gyroscope bias: `[qw, qx, qy, qz, prevTNs, bx, by, bz]`. */
export const MADGWICK_BIAS_STATE_LENGTH = 8;

/** A batch of IMU samples, body frame, xyz interleaved (sample `i` at `[3i, 3i + 3)`). */
export interface ImuBatch {
  /** n sample times, runtime clock, ns (exact in a float64 up to 2⁵³ ns ≈ 104 days of uptime). */
  readonly timestampsNs: Float64Array;
  /** 3n angular rates, rad/s. */
  readonly gyroRadps: Float64Array;
  /** 3n specific forces, m/s² (only the direction is used). */
  readonly accelMps2: Float64Array;
  /** 3n magnetic field values, µT (only the direction is used); samples with a zero reading use the IMU step. */
  readonly magUt?: Float64Array;
}

/** Counts of what happened in one batch (degraded samples are counted, never thrown). */
export interface MadgwickBatchResult {
  /** Samples processed (the number of timestamps). */
  readonly samples: number;
  /** Integrated with the nominal dt: the state had no previous timestamp (NaN). */
  readonly noPreviousStamp: number;
  /** Integrated with the nominal dt: dt ≤ 0 or not a number. */
  readonly nonPositiveDt: number;
  /** Integrated with the nominal dt: dt > `maxDtS`. */
  readonly longDt: number;
  /** Gyroscope-only step: accelerometer zero or not finite. */
  readonly accelRejected: number;
  /** IMU step instead of MARG: magnetometer zero or not finite. */
  readonly magRejected: number;
  /** Not applied (state held, time advanced): gyroscope not finite. */
  readonly skipped: number;
}

/**
 * A new state `[qw, qx, qy, qz, NaN]` (no previous timestamp), identity orientation by default; with
 * `biasRadps` (body frame, rad/s) the 8-number state `[…, bx, by, bz]` whose bias is removed from every
 * gyroscope sample and, with `zeta` > 0, estimated.
 */
export function createMadgwickState(q: Quaternion = [1, 0, 0, 0], biasRadps?: readonly [number, number, number]): Float64Array {
  return biasRadps === undefined ? Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN) : Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN, ...biasRadps);
}

/**
 * Runs Madgwick's orientation filter over a batch (S. O. H. Madgwick, "An efficient orientation
 * filter for inertial and inertial/magnetic sensor arrays", University of Bristol, 2010): IMU
 * algorithm, or the MARG algorithm with magnetic distortion compensation for samples with a
 * magnetometer reading, and the gyroscope bias drift compensation (ζ, §3.4) with an 8-number state;
 * the MARG reference field uses the report's `2·bx, 2·bz` (not the halved field of `MadgwickAHRS.c`).
 *
 * @param state `Float64Array(5)` `[qw, qx, qy, qz, prevTNs]` (`q_world_body`; x toward magnetic north
 *   once a magnetometer is used), or `Float64Array(8)` with a gyroscope bias `[…, bx, by, bz]` (rad/s,
 *   removed from every sample, estimated when `zeta` > 0), updated in place. dt comes from
 *   consecutive stamps, the first from `prevTNs`.
 * @param out optional, 4n values: the quaternion after each sample.
 * @throws Error on caller errors only (sizes, settings, a state without a quaternion, aliasing).
 */
export function madgwickUpdateSync(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): MadgwickBatchResult {
  return native().madgwickUpdateSync(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * {@link madgwickUpdateSync} on the libuv thread pool, for long batches (e.g. a whole recording).
 * `state` and `out` are written on the pool thread: leave them and the batch alone until it settles.
 */
export async function madgwickUpdate(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): Promise<MadgwickBatchResult> {
  return native().madgwickUpdate(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * Initial `q_world_body` (w ≥ 0) from one accelerometer reading (roll, pitch) and optionally one
 * magnetometer reading (heading: world x along the horizontal field); without it yaw is 0.
 *
 * @param accelMps2 3 numbers, body frame, at rest. @param magUt 3 numbers, body frame.
 * @throws Error when `accelMps2` is zero or not finite, or `magUt` is not finite or parallel to gravity.
 */
export function madgwickInitFromAccel(accelMps2: ArrayLike<number>, magUt?: ArrayLike<number>): Quaternion {
  const q = native().madgwickInitFromAccel(Array.from(accelMps2), magUt === undefined ? undefined : Array.from(magUt));
  return [q[0] ?? Number.NaN, q[1] ?? Number.NaN, q[2] ?? Number.NaN, q[3] ?? Number.NaN];
}

// ─── YOLOX post-processing ──────────────────────────────────────────────────────────────────────

export interface YoloxDecodeOptions {
  /** Minimum `obj · cls` kept, in [0, 1]. Default 0.3 (YOLOX ONNX demo). */
  readonly scoreThreshold?: number;
  /** Same-class boxes with IoU above this are suppressed, in [0, 1]. Default 0.45. */
  readonly iouThreshold?: number;
  /** Most detections written; default and maximum: the rows of the output. */
  readonly maxDetections?: number;
}

/** Caller-owned detection outputs, row `k` for detection `k`, best score first. */
export interface Detections {
  /** `x1, y1, x2, y2` per row, source-image pixels (pixel edges at integers). */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  /** Class index (COCO order, `coco_classes.txt`, for YOLOX-Nano). */
  readonly classIds: Int32Array;
}

/** Output buffers for up to `maxDetections` detections. */
export function createDetections(maxDetections: number): Detections {
  return { boxes: new Float32Array(4 * maxDetections), scores: new Float32Array(maxDetections), classIds: new Int32Array(maxDetections) };
}

/**
 * Decodes YOLOX's raw output `[1, N, 5 + C]` (`decode_in_inference=False`; anchors over strides
 * 8/16/32, box = `((x + gx)·s, (y + gy)·s, exp(w)·s, exp(h)·s)`, score = obj · max cls), keeps
 * scores ≥ `scoreThreshold`, runs class-aware greedy NMS (ties by anchor index), maps boxes to the
 * source frame through `letterbox` and clips them to it. Source: Ge et al., "YOLOX: Exceeding
 * YOLO Series in 2021", reference `demo_postprocess` / `postprocess`.
 *
 * @param letterbox the result of the letterbox that produced the model input (gives the input size).
 * @returns the number of detections written to `out`.
 * @throws Error on a wrong `raw` size, thresholds outside [0, 1], short or overlapping outputs.
 */
export function yoloxDecodeSync(raw: Float32Array, letterbox: LetterboxResult, out: Detections, options?: YoloxDecodeOptions): number {
  return native().yoloxDecodeSync(raw, letterbox, options, out.boxes, out.scores, out.classIds);
}
