/**
 * Features and optical flow of the native core (karana-features), with OpenCV's semantics so that
 * results can be checked against it: Gaussian pyramid (`cv2.pyrDown`), FAST-9 corners
 * (`FastFeatureDetector`, plus a grid spread), ORB (`ORB_create`, OpenCV's learned BRIEF pattern),
 * brute-force Hamming matching (`BFMatcher(NORM_HAMMING)`, cross-check, Lowe's ratio test) and
 * pyramidal Lucas–Kanade (`calcOpticalFlowPyrLK`, plus a forward–backward check). See
 * `docs/native-features.md`.
 *
 * Frames are GRAY8 with any stride. Every pipeline is an object that keeps its scratch buffers, so a
 * call on a frame size seen before allocates nothing; outputs are caller-owned typed arrays made
 * once with the `create…` helpers. `…Sync` methods run on the calling thread; their async twins run
 * on the libuv pool and must not have their buffers touched until the promise settles. A sync call
 * on an object whose async call has not settled throws (`"KltTracker" must be idle …`).
 */
import type { PixelFormat } from '../../hal/types.js';
import { native, type Binding } from './binding.js';

/** A GRAY8 frame in a byte buffer (a HAL `CameraFrame` of format GRAY8 is one). Row `y` starts at `y · strideBytes`. */
export interface GrayFrame {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Default `widthPx` (packed rows). */
  readonly strideBytes?: number;
  /** When given, must be `'GRAY8'`. */
  readonly format?: PixelFormat;
}

function layout(frame: GrayFrame, name = 'frame'): Binding.FeatureFrameLayout {
  if (frame.format !== undefined && frame.format !== 'GRAY8') {
    throw new Error(`"${name}.format" must be GRAY8, got "${frame.format}"`);
  }
  return { widthPx: frame.widthPx, heightPx: frame.heightPx, strideBytes: frame.strideBytes };
}

// ---------------------------------------------------------------------------------------------------
// Pyramid

/** Size of `pyrDown` of a `widthPx × heightPx` frame: `⌈w/2⌉ × ⌈h/2⌉`. */
export function pyrDownSize(widthPx: number, heightPx: number): { widthPx: number; heightPx: number } {
  return { widthPx: Math.ceil(widthPx / 2), heightPx: Math.ceil(heightPx / 2) };
}

/**
 * `cv2.pyrDown`, bit-identical: 5×5 `[1 4 6 4 1]ᵀ[1 4 6 4 1] / 256` blur (reflect-101 border), every
 * other pixel kept. Writes packed rows to `out` (≥ ⌈w/2⌉·⌈h/2⌉ bytes, not sharing memory with the
 * frame) and returns them as a frame (a view of `out`).
 */
export function pyrDownSync(frame: GrayFrame, out: Uint8Array): GrayFrame {
  native().pyrDownSync(frame.data, layout(frame), out);
  const s = pyrDownSize(frame.widthPx, frame.heightPx);
  return { data: out.subarray(0, s.widthPx * s.heightPx), ...s, format: 'GRAY8' };
}

/** Bytes that levels `1..levels` take packed in {@link buildPyramidSync}'s `out`. */
export function pyramidBytes(widthPx: number, heightPx: number, levels: number): number {
  return native().pyramidBytes(widthPx, heightPx, levels);
}

/**
 * Gaussian pyramid: level 0 is `frame`, level `l` is `pyrDown` of level `l − 1`. Levels `1..levels`
 * are written packed into `out` (≥ {@link pyramidBytes}); returns all levels as frames (views).
 */
export function buildPyramidSync(frame: GrayFrame, levels: number, out: Uint8Array): GrayFrame[] {
  native().buildPyramidSync(frame.data, layout(frame), levels, out);
  const views: GrayFrame[] = [frame];
  let { widthPx, heightPx } = frame;
  let offset = 0;
  for (let l = 1; l < levels; l++) {
    ({ widthPx, heightPx } = pyrDownSize(widthPx, heightPx));
    views.push({ data: out.subarray(offset, offset + widthPx * heightPx), widthPx, heightPx, format: 'GRAY8' });
    offset += widthPx * heightPx;
  }
  return views;
}

// ---------------------------------------------------------------------------------------------------
// FAST

export interface FastOptions {
  /** Grey levels a circle pixel must be brighter or darker than the centre by. Default 20. */
  readonly threshold?: number;
  /** OpenCV's 3×3 non-maximum suppression on the score. Default true; without it scores are 0. */
  readonly nonmaxSuppression?: boolean;
  /** Keep the `perCell` strongest corners of each cell (for tracking). */
  readonly grid?: { readonly cellWidthPx: number; readonly cellHeightPx: number; readonly perCell: number };
}

/** Caller-owned corner arrays of one capacity. */
export interface Corners {
  readonly capacity: number;
  /** `(x, y)` pixel pairs (`2 · capacity`); integer positions. */
  readonly xy: Float32Array;
  /** OpenCV's FAST score (the largest threshold that keeps the corner). */
  readonly score: Float32Array;
}

export function createCorners(capacity: number): Corners {
  return { capacity, xy: new Float32Array(2 * capacity), score: new Float32Array(capacity) };
}

/**
 * FAST-9 detector (16-pixel circle, 9 contiguous; Rosten & Drummond 2006) as
 * `cv2.FastFeatureDetector_create(threshold, nonmax, TYPE_9_16)`: the same corners and scores, in
 * OpenCV's row-major order (cell by cell with a grid). When more corners are found than `out`
 * holds, the strongest are kept.
 */
export class FastDetector {
  readonly #impl: Binding.FastDetector;

  /** @throws Error on a bad option, e.g. `"threshold" must be an integer in [0, 255], got 300`. */
  constructor(options: FastOptions = {}) {
    this.#impl = new (native().FastDetector)(options);
  }

  /** Detects on the calling thread; returns the number of corners written to `out`. */
  detectSync(frame: GrayFrame, out: Corners): number {
    return this.#impl.detectSync(frame.data, layout(frame), out.xy, out.score);
  }

  /** {@link FastDetector.detectSync} on the libuv pool. */
  async detect(frame: GrayFrame, out: Corners): Promise<number> {
    return this.#impl.detect(frame.data, layout(frame), out.xy, out.score);
  }
}

// ---------------------------------------------------------------------------------------------------
// ORB

/** Bytes of an ORB descriptor (256 bits). */
export const ORB_DESCRIPTOR_BYTES = 32;

export interface OrbOptions {
  /** Keypoints wanted over all levels (a few more when responses tie at a level's cut). Default 500. */
  readonly maxFeatures?: number;
  /** Ratio between pyramid levels, (1, 4]. Default 1.2. */
  readonly scaleFactor?: number;
  /** Pyramid levels, 1–32. Default 8. */
  readonly levels?: number;
  /** Corners nearer than this to a level's edge are dropped, pixels of that level. Default 31. */
  readonly edgeThresholdPx?: number;
  /** FAST threshold, grey levels. Default 20. */
  readonly fastThreshold?: number;
  /** Ranking within a level. Default `'harris'` (OpenCV `HARRIS_SCORE`). */
  readonly score?: 'harris' | 'fast';
}

/** Caller-owned ORB keypoints and descriptors of one capacity. */
export interface OrbFeatures {
  readonly capacity: number;
  /** `(x, y)` in the input frame, pixels. */
  readonly xy: Float32Array;
  /** Orientation, degrees in [0, 360), image axes (x right, y down). */
  readonly angleDeg: Float32Array;
  /** Pyramid level of each keypoint. */
  readonly octave: Int32Array;
  /** Harris response (FAST score with `score: 'fast'`). */
  readonly response: Float32Array;
  /** Patch diameter in the input frame, pixels. */
  readonly sizePx: Float32Array;
  /** {@link ORB_DESCRIPTOR_BYTES} per keypoint. */
  readonly descriptors: Uint8Array;
}

export function createOrbFeatures(capacity: number): OrbFeatures {
  return {
    capacity,
    xy: new Float32Array(2 * capacity),
    angleDeg: new Float32Array(capacity),
    octave: new Int32Array(capacity),
    response: new Float32Array(capacity),
    sizePx: new Float32Array(capacity),
    descriptors: new Uint8Array(ORB_DESCRIPTOR_BYTES * capacity),
  };
}

function orbBuffers(f: OrbFeatures): Binding.OrbBuffers {
  return { xy: f.xy, angleDeg: f.angleDeg, octave: f.octave, response: f.response, sizePx: f.sizePx, descriptors: f.descriptors };
}

/**
 * ORB (oriented FAST + rotated BRIEF; Rublee et al., ICCV 2011) as `cv2.ORB_create(...)`: the same
 * keypoints (as a set; listed level by level, row-major), angles and descriptors as OpenCV.
 */
export class OrbExtractor {
  readonly #impl: Binding.OrbExtractor;

  /** @throws Error on a bad option, e.g. `"levels" must be an integer in [1, 32], got 0`. */
  constructor(options: OrbOptions = {}) {
    this.#impl = new (native().OrbExtractor)(options);
  }

  /** Detects and describes on the calling thread (milliseconds per VGA frame); returns the count written. */
  detectAndComputeSync(frame: GrayFrame, out: OrbFeatures): number {
    return this.#impl.detectAndComputeSync(frame.data, layout(frame), orbBuffers(out));
  }

  /** {@link OrbExtractor.detectAndComputeSync} on the libuv pool. */
  async detectAndCompute(frame: GrayFrame, out: OrbFeatures): Promise<number> {
    return this.#impl.detectAndCompute(frame.data, layout(frame), orbBuffers(out));
  }

  /**
   * Descriptors at the first `count` given keypoints (`xy`, `angleDeg`, `octave`), as `orb.compute`;
   * keypoints near the edge are kept (OpenCV drops those within `edgeThresholdPx`).
   */
  computeSync(frame: GrayFrame, keypoints: Pick<OrbFeatures, 'xy' | 'angleDeg' | 'octave'>, count: number, descriptors: Uint8Array): void {
    const { xy, angleDeg, octave } = keypoints;
    this.#impl.computeSync(frame.data, layout(frame), xy.subarray(0, 2 * count), angleDeg.subarray(0, count), octave.subarray(0, count), descriptors);
  }
}

// ---------------------------------------------------------------------------------------------------
// Matching

export interface MatchOptions {
  /** Mutual nearest neighbours only (OpenCV `crossCheck=True`). Default false. */
  readonly crossCheck?: boolean;
  /** Lowe's ratio test: keep when `d₁ < ratio · d₂`, ratio in (0, 1]. Default off. */
  readonly ratio?: number;
  /** Keep when `d₁ ≤ maxDistance`, bits. Default off. */
  readonly maxDistance?: number;
}

/** Caller-owned match arrays; capacity at least the number of query descriptors. */
export interface Matches {
  readonly capacity: number;
  readonly queryIdx: Int32Array;
  readonly trainIdx: Int32Array;
  /** Hamming distance, bits. */
  readonly distance: Int32Array;
}

export function createMatches(capacity: number): Matches {
  return { capacity, queryIdx: new Int32Array(capacity), trainIdx: new Int32Array(capacity), distance: new Int32Array(capacity) };
}

/**
 * Brute-force Hamming matcher: the matches of `cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck).match`
 * (and `knnMatch(k=2)`) on the same descriptors; ties go to the lower index. Hardware popcount.
 */
export class HammingMatcher {
  readonly #impl: Binding.HammingMatcher;

  /** `descriptorBytes`: a multiple of 8 in [8, 512]; default 32 (ORB). */
  constructor(descriptorBytes = ORB_DESCRIPTOR_BYTES) {
    this.#impl = new (native().HammingMatcher)(descriptorBytes);
  }

  /** Nearest train descriptor of each query, filtered by `options`; returns the count written (query order). */
  matchSync(query: Uint8Array, train: Uint8Array, out: Matches, options: MatchOptions = {}): number {
    return this.#impl.matchSync(query, train, out, options);
  }

  /** {@link HammingMatcher.matchSync} on the libuv pool. */
  async match(query: Uint8Array, train: Uint8Array, out: Matches, options: MatchOptions = {}): Promise<number> {
    return this.#impl.match(query, train, out, options);
  }

  /** The two nearest trains of each query (`2 · queries` entries, nearest first; −1 where missing). */
  knnMatchSync(query: Uint8Array, train: Uint8Array, out: { readonly trainIdx: Int32Array; readonly distance: Int32Array }): void {
    this.#impl.knnMatchSync(query, train, out.trainIdx, out.distance);
  }
}

// ---------------------------------------------------------------------------------------------------
// KLT

/** Per-point status of a KLT track. */
export const KLT_STATUS = Object.freeze({ LOST: 0, TRACKED: 1, FB_REJECTED: 2 } as const);

export interface KltOptions {
  /** Side of the square window, pixels (3–63). Default 21. */
  readonly windowPx?: number;
  /** Highest pyramid level, 0-based (OpenCV `maxLevel`): 2 = three levels. Default 2. */
  readonly maxLevel?: number;
  /** Newton steps per level at most. Default 30. */
  readonly maxIterations?: number;
  /** A level stops when a step is at most this long, pixels. Default 0.01. */
  readonly epsilonPx?: number;
  /** Minimum eigenvalue of the gradient matrix per window pixel (OpenCV's). Default 1e-4. */
  readonly minEigThreshold?: number;
  /** Track back and reject points that return farther than this, pixels. Default off. */
  readonly forwardBackwardMaxPx?: number;
}

/** Caller-owned per-point KLT outputs of one capacity. */
export interface KltOutput {
  readonly capacity: number;
  /** Tracked `(x, y)` in the next frame (holds the initial guess with `useInitialFlow`). */
  readonly nextXy: Float32Array;
  /** {@link KLT_STATUS} per point. */
  readonly status: Uint8Array;
  /** OpenCV's error: mean |J − I| over the window at the final position, grey levels. */
  readonly error: Float32Array;
  /** Forward–backward distance, pixels (NaN where not measured, Infinity when lost on the way back). */
  readonly fbErrorPx: Float32Array;
}

export function createKltOutput(capacity: number): KltOutput {
  return {
    capacity,
    nextXy: new Float32Array(2 * capacity),
    status: new Uint8Array(capacity),
    error: new Float32Array(capacity),
    fbErrorPx: new Float32Array(capacity),
  };
}

export interface TrackOptions {
  /** Start from `out.nextXy` instead of the previous positions (OpenCV `OPTFLOW_USE_INITIAL_FLOW`). */
  readonly useInitialFlow?: boolean;
}

function kltBuffers(o: KltOutput): Binding.KltBuffers {
  return { nextXy: o.nextXy, status: o.status, error: o.error, fbErrorPx: o.fbErrorPx };
}

/**
 * Pyramidal Lucas–Kanade tracker (Bouguet 2000) as `cv2.calcOpticalFlowPyrLK`, with an optional
 * forward–backward check. The number of points is `prevXy.length / 2` (pass a `subarray` to track
 * fewer). The frame tracked into is kept, so a stream can call {@link KltTracker.trackFromLastSync}.
 */
export class KltTracker {
  readonly #impl: Binding.KltTracker;

  /** @throws Error on a bad option, e.g. `"windowPx" must be an integer in [3, 63], got 2`. */
  constructor(options: KltOptions = {}) {
    this.#impl = new (native().KltTracker)(options);
  }

  /** Tracks `prevXy` from `prev` into `next` (same size) on the calling thread; returns the number tracked. */
  trackSync(prev: GrayFrame, next: GrayFrame, prevXy: Float32Array, out: KltOutput, options: TrackOptions = {}): number {
    return this.#impl.trackSync(prev.data, layout(prev, 'prev'), next.data, layout(next, 'next'), prevXy, kltBuffers(out), options.useInitialFlow);
  }

  /** {@link KltTracker.trackSync} on the libuv pool. */
  async track(prev: GrayFrame, next: GrayFrame, prevXy: Float32Array, out: KltOutput, options: TrackOptions = {}): Promise<number> {
    return this.#impl.track(prev.data, layout(prev, 'prev'), next.data, layout(next, 'next'), prevXy, kltBuffers(out), options.useInitialFlow);
  }

  /** Tracks from the frame the previous call tracked into, to `next`, reusing its pyramid. */
  trackFromLastSync(next: GrayFrame, prevXy: Float32Array, out: KltOutput, options: TrackOptions = {}): number {
    return this.#impl.trackFromLastSync(next.data, layout(next, 'next'), prevXy, kltBuffers(out), options.useInitialFlow);
  }

  /** {@link KltTracker.trackFromLastSync} on the libuv pool. */
  async trackFromLast(next: GrayFrame, prevXy: Float32Array, out: KltOutput, options: TrackOptions = {}): Promise<number> {
    return this.#impl.trackFromLast(next.data, layout(next, 'next'), prevXy, kltBuffers(out), options.useInitialFlow);
  }
}
