/**
 * Pure-TypeScript detector post-processing, the reference for `yoloxDecodeSync` and
 * `DetectionDecoder`, written from the YOLOX-Nano PROVENANCE recipe, YOLOX's `demo_postprocess` /
 * `postprocess` and ultralytics' `non_max_suppression`, as plainly as possible: every anchor decoded,
 * scores as float32 products (`Math.fround`), thresholds compared in float64 (YOLOX `≥`, YOLOv8 `>`),
 * a stable sort by score then anchor, greedy NMS over all kept boxes.
 */
import type { DetectorOutputSpec, LetterboxResult } from '../../native/index.js';

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classId: number;
  anchor: number;
}

export interface ReferenceDetections {
  /** Anchors passing the score threshold, before NMS. */
  candidates: number;
  boxes: number[];
  scores: number[];
  classIds: number[];
  anchors: number[];
}

export interface ReferenceOptions {
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxDetections: number;
  readonly classAgnostic?: boolean;
}

const STRIDES = [8, 16, 32];

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

function box(cx: number, cy: number, w: number, h: number, score: number, classId: number, anchor: number): Box {
  return { x1: cx - 0.5 * w, y1: cy - 0.5 * h, x2: cx + 0.5 * w, y2: cy + 0.5 * h, score, classId, anchor };
}

/** First index of the largest value among `count` values read by `at` (NaN never wins). */
function argmax(count: number, at: (c: number) => number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < count; c++) {
    if (at(c) > bestValue) {
      best = c;
      bestValue = at(c);
    }
  }
  return best;
}

function decodeYolox(raw: Float32Array, spec: DetectorOutputSpec, t: number): Box[] {
  const row = 5 + spec.classes;
  const boxes: Box[] = [];
  let anchor = 0;
  for (const s of STRIDES) {
    for (let gy = 0; gy < spec.inputHeight / s; gy++) {
      for (let gx = 0; gx < spec.inputWidth / s; gx++, anchor++) {
        const at = (k: number): number => raw[anchor * row + k] as number;
        const classId = argmax(spec.classes, (c) => at(5 + c));
        const score = Math.fround(at(4) * at(5 + classId));
        if (!(score >= t)) continue;
        boxes.push(box((at(0) + gx) * s, (at(1) + gy) * s, Math.exp(at(2)) * s, Math.exp(at(3)) * s, score, classId, anchor));
      }
    }
  }
  return boxes;
}

function decodeYolov8(raw: Float32Array, spec: DetectorOutputSpec, t: number): Box[] {
  const n = STRIDES.reduce((sum, s) => sum + (spec.inputWidth / s) * (spec.inputHeight / s), 0);
  const ch = 4 + spec.classes;
  const at = spec.layout === 'anchorsFirst' ? (a: number, c: number): number => raw[a * ch + c] as number : (a: number, c: number): number => raw[c * n + a] as number;
  const boxes: Box[] = [];
  for (let a = 0; a < n; a++) {
    const classId = argmax(spec.classes, (c) => at(a, 4 + c));
    const score = at(a, 4 + classId);
    if (!(score > t)) continue;
    boxes.push(box(at(a, 0), at(a, 1), at(a, 2), at(a, 3), score, classId, a));
  }
  return boxes;
}

/** Decode, greedy NMS, mapping to the source frame and clipping, for any supported output. */
export function referenceDetect(raw: Float32Array, spec: DetectorOutputSpec, lb: LetterboxResult, o: ReferenceOptions): ReferenceDetections {
  const candidates = spec.head === 'yolox' ? decodeYolox(raw, spec, o.scoreThreshold) : decodeYolov8(raw, spec, o.scoreThreshold);
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.anchor - b.anchor);
  const kept: Box[] = [];
  for (const c of sorted) {
    if (kept.length >= o.maxDetections) break;
    if (!kept.some((k) => (o.classAgnostic === true || k.classId === c.classId) && iou(k, c) > o.iouThreshold)) kept.push(c);
  }
  const clip = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const toX = (x: number): number => clip((x - lb.padX) / lb.scale, lb.sourceWidth);
  const toY = (y: number): number => clip((y - lb.padY) / lb.scale, lb.sourceHeight);
  return {
    candidates: candidates.length,
    boxes: kept.flatMap((k) => [toX(k.x1), toY(k.y1), toX(k.x2), toY(k.y2)]),
    scores: kept.map((k) => k.score),
    classIds: kept.map((k) => k.classId),
    anchors: kept.map((k) => k.anchor),
  };
}

/** {@link referenceDetect} for a YOLOX output at the letterbox's size (classes from its length). */
export function yoloxReference(raw: Float32Array, lb: LetterboxResult, o: ReferenceOptions): ReferenceDetections {
  const n = STRIDES.reduce((sum, s) => sum + (lb.targetWidth / s) * (lb.targetHeight / s), 0);
  const spec: DetectorOutputSpec = { head: 'yolox', inputWidth: lb.targetWidth, inputHeight: lb.targetHeight, classes: raw.length / n - 5 };
  return referenceDetect(raw, spec, lb, o);
}
