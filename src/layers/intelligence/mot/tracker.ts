/**
 * What a multi-object tracker is to layer 5: a settings object with a pure `update` from (state, one
 * frame's detections) to (new state, the confirmed tracks on that frame). States are plain data, never
 * mutated, so a replay gives the same tracks and track ids byte for byte.
 */
import type { Detection, TrackedObject } from '../../../bus/topics.js';
import { iou } from './box-kalman.js';

/** One detected frame as a tracker takes it. */
export interface TrackerFrame {
  /** Capture time of the frame, runtime clock, ns; must increase from frame to frame. */
  readonly tNs: number;
  readonly detections: readonly Detection[];
}

export interface MultiObjectTracker<S> {
  readonly name: string;
  init(): S;
  /** Never throws: a frame whose time does not increase is tracked with no motion (dt = 0). */
  update(state: S, frame: TrackerFrame): { state: S; tracks: TrackedObject[] };
}

/** `1 − IoU` cost, row-major rows × cols; 1 (never matched) across classes. */
export function iouCost(rows: readonly { boxPx: readonly number[]; classId: number }[], cols: readonly Detection[]): Float64Array {
  const cost = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      cost[i * cols.length + j] = r.classId === c.classId ? 1 - iou(r.boxPx, c.boxPx) : 1;
    });
  });
  return cost;
}

/** Boxes rounded to 0.01 px, as the detector reports them. */
export function roundBox(b: readonly number[]): [number, number, number, number] {
  return b.map((v) => Math.round(v * 100) / 100) as [number, number, number, number];
}

/** Elapsed reference periods between two capture times (0 when time does not advance). */
export function stepsBetween(prevTNs: number | null, tNs: number, referencePeriodS: number): number {
  if (prevTNs === null || !(tNs > prevTNs)) return 0;
  return (tNs - prevTNs) / 1e9 / referencePeriodS;
}
