/** Detector post-processing of the native core: YOLOX decode + class-aware NMS. */
import { native } from './binding.js';
import type { LetterboxResult } from './image.js';

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
