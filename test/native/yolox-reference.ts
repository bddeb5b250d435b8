/**
 * Pure-TypeScript YOLOX decode + class-aware greedy NMS, the reference for `yoloxDecodeSync`,
 * written from the YOLOX-Nano PROVENANCE recipe and YOLOX's `demo_postprocess` / `postprocess`.
 */
import type { LetterboxResult } from '../../native/index.js';

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classId: number;
  index: number;
}

export interface ReferenceDetections {
  /** Anchors scoring at least the threshold, before NMS. */
  candidates: number;
  boxes: number[];
  scores: number[];
  classIds: number[];
}

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

function decode(raw: Float32Array, inputW: number, inputH: number, scoreThreshold: number): Box[] {
  const anchors = [8, 16, 32].reduce((n, s) => n + (inputW / s) * (inputH / s), 0);
  const row = raw.length / anchors;
  const boxes: Box[] = [];
  let index = 0;
  for (const s of [8, 16, 32]) {
    for (let gy = 0; gy < inputH / s; gy++) {
      for (let gx = 0; gx < inputW / s; gx++, index++) {
        const at = (k: number): number => raw[index * row + k] as number;
        let classId = 0;
        for (let c = 1; c < row - 5; c++) if (at(5 + c) > at(5 + classId)) classId = c;
        const score = at(4) * at(5 + classId);
        if (!(score >= scoreThreshold)) continue;
        const cx = (at(0) + gx) * s;
        const cy = (at(1) + gy) * s;
        const w = Math.exp(at(2)) * s;
        const h = Math.exp(at(3)) * s;
        boxes.push({ x1: cx - 0.5 * w, y1: cy - 0.5 * h, x2: cx + 0.5 * w, y2: cy + 0.5 * h, score, classId, index });
      }
    }
  }
  return boxes;
}

export function yoloxReference(
  raw: Float32Array,
  lb: LetterboxResult,
  o: { scoreThreshold: number; iouThreshold: number; maxDetections: number },
): ReferenceDetections {
  const candidates = decode(raw, lb.targetWidth, lb.targetHeight, o.scoreThreshold);
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.index - b.index);
  const kept: Box[] = [];
  for (const c of sorted) {
    if (kept.length >= o.maxDetections) break;
    if (!kept.some((k) => k.classId === c.classId && iou(k, c) > o.iouThreshold)) kept.push(c);
  }
  const clip = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const toX = (x: number): number => clip((x - lb.padX) / lb.scale, lb.sourceWidth);
  const toY = (y: number): number => clip((y - lb.padY) / lb.scale, lb.sourceHeight);
  return {
    candidates: candidates.length,
    boxes: kept.flatMap((k) => [toX(k.x1), toY(k.y1), toX(k.x2), toY(k.y2)]),
    scores: kept.map((k) => k.score),
    classIds: kept.map((k) => k.classId),
  };
}
