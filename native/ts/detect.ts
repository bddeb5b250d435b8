/**
 * Detector post-processing of the native core: from a YOLOX or YOLOv8 output tensor to boxes in
 * source-image pixels in one call (candidate pass, class-aware or class-agnostic greedy NMS,
 * letterbox mapping, clipping). See `docs/native-detect.md`.
 */
import { native, type Binding } from './binding.js';
import type { LetterboxResult } from './image.js';

/** Settings of one decode call. */
export interface DecodeOptions {
  /**
   * Minimum score kept, in [0, 1]. Default 0.3 (YOLOX ONNX demo). YOLOX: `obj · cls ≥ t`
   * (YOLOX `postprocess`); YOLOv8: `cls > t` (ultralytics `non_max_suppression`).
   */
  readonly scoreThreshold?: number;
  /** A box is suppressed by a higher-scored kept box of its class with IoU above this, in [0, 1]. Default 0.45. */
  readonly iouThreshold?: number;
  /** Most detections written; default and maximum: the rows of the outputs (`scores.length`). */
  readonly maxDetections?: number;
  /** One NMS over all classes (a box suppresses overlapping boxes of any class). Default false. */
  readonly classAgnostic?: boolean;
}

/** The options of {@link yoloxDecodeSync} (the same as {@link DecodeOptions}). */
export type YoloxDecodeOptions = DecodeOptions;

/** Caller-owned detection outputs, row `k` for detection `k`, best score first. */
export interface Detections {
  /** `x1, y1, x2, y2` per row, source-image pixels (pixel edges at integers). */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  /** Class index (COCO order, `coco_classes.txt`, for YOLOX-Nano). */
  readonly classIds: Int32Array;
  /** Output row (anchor) of each detection, written when present (e.g. to read YOLOv8-seg mask coefficients). */
  readonly anchorIndices?: Int32Array;
}

/** Output buffers for up to `maxDetections` detections (with `anchorIndices` when asked). */
export function createDetections(maxDetections: number, options: { readonly anchorIndices?: boolean } = {}): Detections {
  const out = { boxes: new Float32Array(4 * maxDetections), scores: new Float32Array(maxDetections), classIds: new Int32Array(maxDetections) };
  return options.anchorIndices === true ? { ...out, anchorIndices: new Int32Array(maxDetections) } : out;
}

/**
 * What a detector's output tensor is. Anchors: `N = Σ over strides 8, 16, 32 of (W/s)·(H/s)`
 * (3549 at 416×416, 8400 at 640×640).
 */
export interface DetectorOutputSpec {
  /**
   * `'yolox'`: raw YOLOX head `[1, N, 5 + C]` (`decode_in_inference=False`: x, y, log w, log h in
   * grid units, objectness, C sigmoid class probabilities). `'yolov8'`: ultralytics export, cx, cy,
   * w, h in input pixels and C class scores, no objectness.
   */
  readonly head: 'yolox' | 'yolov8';
  /** Network input size, pixels (multiples of 32): the letterbox's `targetWidth` / `targetHeight`. */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Number of classes C (80 for COCO). */
  readonly classes: number;
  /** YOLOv8: `'channelsFirst'` `[1, 4 + C, N]` (default, the ultralytics export) or `'anchorsFirst'` `[1, N, 4 + C]`. YOLOX: `'anchorsFirst'` only. */
  readonly layout?: 'channelsFirst' | 'anchorsFirst';
}

/** YOLOX-Nano (`models/yolox_nano`): raw head at 416×416, 80 COCO classes. */
export const YOLOX_NANO_OUTPUT: DetectorOutputSpec = Object.freeze({ head: 'yolox', inputWidth: 416, inputHeight: 416, classes: 80 });

/**
 * A reusable decoder for one detector output: its scratch (≈ 50 bytes per anchor) is allocated
 * once, so a call allocates nothing.
 *
 * Candidates: YOLOX box centre `((x + gx)·s, (y + gy)·s)`, size `(exp(w)·s, exp(h)·s)`, score
 * `obj · max cls` in float32; YOLOv8 box `cx, cy, w, h`, score `max cls`; class the argmax (lowest
 * id on ties). NMS: greedy by score (ties: lower anchor first), suppression when IoU > `iouThreshold`
 * with a kept box of the same class (any class with `classAgnostic`); IoU without +1 on widths
 * (torchvision `nms` / `batched_nms`). Boxes map back with `x_src = (x − padX) / scale`, clipped to
 * the source frame. Sources: Ge et al., "YOLOX: Exceeding YOLO Series in 2021" (`demo_postprocess`,
 * `postprocess`); ultralytics `non_max_suppression`.
 */
export class DetectionDecoder {
  readonly spec: DetectorOutputSpec;
  readonly #native: Binding.DetectionDecoder;

  /** @throws Error on an unknown head or layout, input sides not multiples of 32, classes not a positive integer. */
  constructor(spec: DetectorOutputSpec) {
    this.#native = new (native().DetectionDecoder)(spec);
    this.spec = Object.freeze({ ...spec });
  }

  /** Candidates (anchors passing the score threshold) of the last call, before NMS. */
  get candidateCount(): number {
    return this.#native.candidateCount;
  }

  /**
   * Decodes `raw` (the model output, exactly N · channels floats) on the calling thread.
   * @param letterbox the result of the letterbox that made the model input (same target size as the decoder).
   * @returns the number of detections written to `out`, best first.
   * @throws Error on thresholds outside [0, 1], a wrong `raw` length, a letterbox of another size,
   *   short outputs or outputs sharing memory with `raw` or each other; while a {@link decode} of
   *   this decoder runs.
   */
  decodeSync(raw: Float32Array, letterbox: LetterboxResult, out: Detections, options?: DecodeOptions): number {
    return this.#native.decodeSync(raw, letterbox, options, out.boxes, out.scores, out.classIds, out.anchorIndices);
  }

  /**
   * {@link decodeSync} on the libuv thread pool: worth it at low thresholds (thousands of
   * candidates take milliseconds). Do not touch `raw` or `out` until the promise settles.
   * Arguments are checked before queuing; rejects with the same messages.
   */
  async decode(raw: Float32Array, letterbox: LetterboxResult, out: Detections, options?: DecodeOptions): Promise<number> {
    return this.#native.decode(raw, letterbox, options, out.boxes, out.scores, out.classIds, out.anchorIndices);
  }
}

/**
 * Decodes YOLOX's raw output `[1, N, 5 + C]` (classes from its length) with class-aware NMS and
 * maps the boxes to the source frame: {@link DetectionDecoder} for `{ head: 'yolox' }` at the
 * letterbox's size, with a decoder kept per thread. Source: Ge et al., "YOLOX: Exceeding YOLO Series
 * in 2021", reference `demo_postprocess` / `postprocess`.
 *
 * @param letterbox the result of the letterbox that produced the model input (gives the input size).
 * @returns the number of detections written to `out`.
 * @throws Error on a wrong `raw` size, thresholds outside [0, 1], short or overlapping outputs.
 */
export function yoloxDecodeSync(raw: Float32Array, letterbox: LetterboxResult, out: Detections, options?: YoloxDecodeOptions): number {
  return native().yoloxDecodeSync(raw, letterbox, options, out.boxes, out.scores, out.classIds, out.anchorIndices);
}
