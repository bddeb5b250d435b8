/**
 * ByteTrack multi-object tracking (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every
 * Detection Box", ECCV 2022, §3 and Algorithm 1; reference code `yolox/tracker/byte_tracker.py`,
 * `BYTETracker.update`): a constant-velocity box Kalman filter per track ({@link ./box-kalman.ts}), then
 * 1. high-score detections (score > `highScore`) matched to tracked and lost tracks on IoU fused with the
 *    detection score (cost limit `matchCost`),
 * 2. low-score detections (`lowScore` < score ≤ `highScore`) matched to the tracks still unmatched that were
 *    tracked on the previous frame, on IoU alone (limit `secondMatchCost`) — the "BYTE" step that keeps a
 *    track through a blurred or partly hidden frame instead of losing it,
 * 3. unconfirmed tracks (born on the previous frame) matched to the remaining high-score detections (limit
 *    `unconfirmedMatchCost`), dropped when unmatched,
 * 4. new tracks from remaining detections scoring at least `newTrackScore`, confirmed by a second match
 *    (or at once on the first frame),
 * 5. lost tracks removed after `lostTimeoutS` without a match (ByteTrack: 30 frames at 30 fps = 1 s).
 * Tracks only match detections of their own class. Defaults are the reference code's for MOT17.
 */
import type { Detection, TrackedObject } from '../../../bus/topics.js';
import { matchWithLimit } from './assignment.js';
import { DEFAULT_BOX_KALMAN, estimateBox, initiate, iou, predict, update, type BoxEstimate, type BoxKalmanSettings } from './box-kalman.js';
import { iouCost, roundBox, stepsBetween, type MultiObjectTracker, type TrackerFrame } from './tracker.js';

export interface ByteTrackSettings {
  /** Detections above this start the first association (ByteTrack `track_thresh`: 0.5). */
  readonly highScore: number;
  /** Detections above this and ≤ `highScore` go to the second association (0.1). */
  readonly lowScore: number;
  /** Minimum score of a detection that starts a track (`track_thresh + 0.1` = 0.6). */
  readonly newTrackScore: number;
  /** Cost limits (1 − IoU, fused with the score in the first stage): 0.8, 0.5, 0.7. */
  readonly matchCost: number;
  readonly secondMatchCost: number;
  readonly unconfirmedMatchCost: number;
  /** A lost track is removed after this long without a match, s (`track_buffer` 30 frames at 30 fps). */
  readonly lostTimeoutS: number;
  readonly kalman: BoxKalmanSettings;
}

export const DEFAULT_BYTE_TRACK: ByteTrackSettings = Object.freeze({
  highScore: 0.5,
  lowScore: 0.1,
  newTrackScore: 0.6,
  matchCost: 0.8,
  secondMatchCost: 0.5,
  unconfirmedMatchCost: 0.7,
  lostTimeoutS: 1,
  kalman: DEFAULT_BOX_KALMAN,
});

export interface ByteTrack {
  readonly id: number;
  readonly classId: number;
  readonly label: string;
  /** Score of the last matched detection. */
  readonly score: number;
  readonly status: 'tracked' | 'lost';
  /** Confirmed (matched on two frames, or born on the first frame). */
  readonly confirmed: boolean;
  readonly estimate: BoxEstimate;
  /** Frame index (0-based, frames seen by the tracker) of its birth and of its last match. */
  readonly startFrame: number;
  readonly lastFrame: number;
  /** Capture time of the last match, ns. */
  readonly lastTNs: number;
}

export interface ByteTrackState {
  /** Frames seen so far. */
  readonly frames: number;
  readonly prevTNs: number | null;
  readonly nextId: number;
  /** Tracked (confirmed or not) and lost tracks. */
  readonly tracks: readonly ByteTrack[];
}

export const INITIAL_BYTE_TRACK: ByteTrackState = Object.freeze({ frames: 0, prevTNs: null, nextId: 1, tracks: [] });

type Work = { -readonly [K in keyof ByteTrack]: ByteTrack[K] } & { boxPx: [number, number, number, number] };

function toWork(t: ByteTrack): Work {
  return { ...t, boxPx: estimateBox(t.estimate) };
}

function matched(t: Work, d: Detection, frame: number, tNs: number, k: BoxKalmanSettings): void {
  t.estimate = update(t.estimate, d.boxPx, k);
  t.boxPx = estimateBox(t.estimate);
  t.score = d.score;
  t.status = 'tracked';
  t.confirmed = true;
  t.lastFrame = frame;
  t.lastTNs = tNs;
}

/** ByteTrack (see the module documentation) with the given settings. */
export function byteTracker(settings: Partial<ByteTrackSettings> = {}): MultiObjectTracker<ByteTrackState> {
  const s: ByteTrackSettings = { ...DEFAULT_BYTE_TRACK, ...settings };
  const k = s.kalman;
  return {
    name: 'bytetrack',
    init: () => INITIAL_BYTE_TRACK,
    update(state, frame: TrackerFrame) {
      const f = state.frames;
      const dt = stepsBetween(state.prevTNs, frame.tNs, k.referencePeriodS);
      let nextId = state.nextId;
      const valid = frame.detections.filter((d) => Number.isFinite(d.score) && d.boxPx.every(Number.isFinite) && d.boxPx[2] > d.boxPx[0] && d.boxPx[3] > d.boxPx[1]);
      const high = valid.filter((d) => d.score > s.highScore);
      const low = valid.filter((d) => d.score > s.lowScore && d.score <= s.highScore);
      const unconfirmed: Work[] = [];
      const pool: Work[] = [];
      for (const t of state.tracks) {
        if (t.status === 'tracked' && !t.confirmed) {
          unconfirmed.push(toWork(t));
          continue;
        }
        let estimate = t.estimate;
        if (t.status !== 'tracked') {
          const mean = Float64Array.from(estimate.mean);
          mean[7] = 0; // a lost track's height stops changing (reference multi_predict)
          estimate = { mean, cov: estimate.cov };
        }
        estimate = predict(estimate, dt, k);
        pool.push({ ...t, estimate, boxPx: estimateBox(estimate) });
      }
      // 1. high-score detections against tracked + lost tracks, IoU fused with the score
      const c1 = iouCost(pool, high);
      for (let i = 0; i < pool.length; i += 1) for (let j = 0; j < high.length; j += 1) c1[i * high.length + j] = 1 - (1 - (c1[i * high.length + j] as number)) * (high[j] as Detection).score;
      const m1 = matchWithLimit(c1, pool.length, high.length, s.matchCost);
      for (const [i, j] of m1.matches) matched(pool[i] as Work, high[j] as Detection, f, frame.tNs, k);
      // 2. low-score detections against the remaining tracks that were tracked
      const rest = m1.unmatchedRows.map((i) => pool[i] as Work).filter((t) => t.status === 'tracked');
      const m2 = matchWithLimit(iouCost(rest, low), rest.length, low.length, s.secondMatchCost);
      for (const [i, j] of m2.matches) matched(rest[i] as Work, low[j] as Detection, f, frame.tNs, k);
      for (const i of m2.unmatchedRows) (rest[i] as Work).status = 'lost';
      // 3. unconfirmed tracks against the high-score detections left
      const left = m1.unmatchedCols.map((j) => high[j] as Detection);
      const c3 = iouCost(unconfirmed, left);
      for (let i = 0; i < unconfirmed.length; i += 1) for (let j = 0; j < left.length; j += 1) c3[i * left.length + j] = 1 - (1 - (c3[i * left.length + j] as number)) * (left[j] as Detection).score;
      const m3 = matchWithLimit(c3, unconfirmed.length, left.length, s.unconfirmedMatchCost);
      for (const [i, j] of m3.matches) matched(unconfirmed[i] as Work, left[j] as Detection, f, frame.tNs, k);
      const kept: Work[] = [...pool, ...m3.matches.map(([i]) => unconfirmed[i] as Work)];
      // 4. new tracks
      for (const j of m3.unmatchedCols) {
        const d = left[j] as Detection;
        if (d.score < s.newTrackScore) continue;
        const estimate = initiate(d.boxPx, k);
        kept.push({ id: nextId++, classId: d.classId, label: d.label, score: d.score, status: 'tracked', confirmed: f === 0, estimate, boxPx: estimateBox(estimate), startFrame: f, lastFrame: f, lastTNs: frame.tNs });
      }
      // 5. drop lost tracks past the timeout, then duplicates between tracked and lost tracks
      const alive = kept.filter((t) => t.status === 'tracked' || frame.tNs - t.lastTNs <= s.lostTimeoutS * 1e9);
      const tracks = removeDuplicates(alive);
      const out: TrackedObject[] = tracks
        .filter((t) => t.status === 'tracked' && t.confirmed)
        .sort((a, b) => a.id - b.id)
        .map((t) => ({ classId: t.classId, label: t.label, score: t.score, boxPx: roundBox(t.boxPx), trackId: t.id, ageFrames: f - t.startFrame }));
      const next: ByteTrackState = { frames: f + 1, prevTNs: state.prevTNs === null ? frame.tNs : Math.max(state.prevTNs, frame.tNs), nextId, tracks: tracks.map(({ boxPx: _box, ...t }) => t) };
      return { state: next, tracks: out };
    },
  };
}

/** Reference `remove_duplicate_stracks`: a tracked and a lost track over the same box (IoU > 0.85) → keep the older. */
function removeDuplicates(tracks: Work[]): Work[] {
  const tracked = tracks.filter((t) => t.status === 'tracked');
  const lost = tracks.filter((t) => t.status === 'lost');
  const drop = new Set<Work>();
  for (const a of tracked) {
    for (const b of lost) {
      if (a.classId !== b.classId || iou(a.boxPx, b.boxPx) <= 0.85) continue;
      drop.add(a.lastFrame - a.startFrame > b.lastFrame - b.startFrame ? b : a);
    }
  }
  return tracks.filter((t) => !drop.has(t));
}
