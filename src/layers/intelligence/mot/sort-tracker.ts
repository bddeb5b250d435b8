/**
 * SORT-style tracking, the peer ByteTrack is measured against (Bewley et al., "Simple Online and Realtime
 * Tracking", ICIP 2016, §3; reference code `abewley/sort` `sort.py`, `Sort.update`): one association of the
 * detections above `minScore` to the predicted tracks on IoU alone (Hungarian, IoU ≥ `minIou`); a track is
 * dropped after `maxAge` frames without a match and reported once it has `minHits` consecutive matches (or
 * during the first `minHits` frames). Defaults are the reference code's (max_age 1, min_hits 3,
 * iou_threshold 0.3) with ByteTrack's high-score threshold (0.5) for the detections it is given.
 *
 * Difference from the paper, on purpose: the box filter is the same one ByteTrack uses
 * ({@link ./box-kalman.ts}, `[cx, cy, w/h, h]` state) instead of SORT's `[u, v, s, r]`, so a comparison
 * between the two isolates the association logic.
 */
import type { Detection, TrackedObject } from '../../../bus/topics.js';
import { matchWithLimit } from './assignment.js';
import { DEFAULT_BOX_KALMAN, estimateBox, initiate, predict, update, type BoxEstimate, type BoxKalmanSettings } from './box-kalman.js';
import { iouCost, roundBox, stepsBetween, type MultiObjectTracker, type TrackerFrame } from './tracker.js';

export interface SortSettings {
  readonly minScore: number;
  readonly minIou: number;
  /** Frames a track survives without a match. */
  readonly maxAge: number;
  /** Consecutive matches before a track is reported. */
  readonly minHits: number;
  readonly kalman: BoxKalmanSettings;
}

export const DEFAULT_SORT: SortSettings = Object.freeze({ minScore: 0.5, minIou: 0.3, maxAge: 1, minHits: 3, kalman: DEFAULT_BOX_KALMAN });

export interface SortTrack {
  readonly id: number;
  readonly classId: number;
  readonly label: string;
  readonly score: number;
  readonly estimate: BoxEstimate;
  readonly hitStreak: number;
  readonly sinceUpdate: number;
  readonly startFrame: number;
}

export interface SortState {
  readonly frames: number;
  readonly prevTNs: number | null;
  readonly nextId: number;
  readonly tracks: readonly SortTrack[];
}

export const INITIAL_SORT: SortState = Object.freeze({ frames: 0, prevTNs: null, nextId: 1, tracks: [] });

/** SORT (see the module documentation) with the given settings. */
export function sortTracker(settings: Partial<SortSettings> = {}): MultiObjectTracker<SortState> {
  const s: SortSettings = { ...DEFAULT_SORT, ...settings };
  return {
    name: 'sort',
    init: () => INITIAL_SORT,
    update(state, frame: TrackerFrame) {
      const f = state.frames;
      const dt = stepsBetween(state.prevTNs, frame.tNs, s.kalman.referencePeriodS);
      const dets = frame.detections.filter((d) => d.score >= s.minScore && d.boxPx.every(Number.isFinite) && d.boxPx[2] > d.boxPx[0] && d.boxPx[3] > d.boxPx[1]);
      const predicted = state.tracks.map((t) => {
        const estimate = predict(t.estimate, dt, s.kalman);
        return { ...t, estimate, boxPx: estimateBox(estimate), hitStreak: t.sinceUpdate > 0 ? 0 : t.hitStreak, sinceUpdate: t.sinceUpdate + 1 };
      });
      const m = matchWithLimit(iouCost(predicted, dets), predicted.length, dets.length, 1 - s.minIou);
      const tracks: SortTrack[] = predicted.map(({ boxPx: _b, ...t }) => t);
      for (const [i, j] of m.matches) {
        const t = tracks[i] as SortTrack;
        const d = dets[j] as Detection;
        tracks[i] = { ...t, estimate: update(t.estimate, d.boxPx, s.kalman), score: d.score, hitStreak: t.hitStreak + 1, sinceUpdate: 0 };
      }
      let nextId = state.nextId;
      for (const j of m.unmatchedCols) {
        const d = dets[j] as Detection;
        tracks.push({ id: nextId++, classId: d.classId, label: d.label, score: d.score, estimate: initiate(d.boxPx, s.kalman), hitStreak: 0, sinceUpdate: 0, startFrame: f });
      }
      const out: TrackedObject[] = tracks
        .filter((t) => t.sinceUpdate < 1 && (t.hitStreak >= s.minHits || f < s.minHits))
        .sort((a, b) => a.id - b.id)
        .map((t) => ({ classId: t.classId, label: t.label, score: t.score, boxPx: roundBox(estimateBox(t.estimate)), trackId: t.id, ageFrames: f - t.startFrame }));
      return { state: { frames: f + 1, prevTNs: state.prevTNs === null ? frame.tNs : Math.max(state.prevTNs, frame.tNs), nextId, tracks: tracks.filter((t) => t.sinceUpdate <= s.maxAge) }, tracks: out };
    },
  };
}
