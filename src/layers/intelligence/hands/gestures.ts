/**
 * Pinch and point gestures from hand landmarks, with hysteresis, as a pure step over successive frames.
 *
 * - pinch: thumb tip ↔ index tip closer than `pinchOnRatio` × hand size to start, farther than
 *   `pinchOffRatio` × hand size to end (the gap between the two thresholds is the hysteresis);
 * - point: index finger extended (extension ≥ `pointIndexOn`, straightness ≥ `pointStraightness`) while
 *   middle, ring and pinky are curled (largest extension ≤ `pointOthersOn`); it ends when the index
 *   bends (< `pointIndexOff`) or another finger opens (> `pointOthersOff`). Pinch wins over point.
 * A state change must hold for `confirmFrames` consecutive observations before it is emitted (debounce).
 *
 * Hands are followed from frame to frame by nearest box centre (within `matchRadius` × hand size, same
 * handedness or unknown); a hand not seen for `lostFrames` observations is dropped and its active gestures
 * end (`phase: 'end'` at its last position). Scale-free figures: see `hand-geometry.ts`.
 *
 * Rules follow the landmark geometry of MediaPipe Hands (Zhang et al. 2020, arXiv:2006.10214) as used by
 * the MediaPipe gesture recognizer's canned gestures ("Pointing_Up"); thresholds were set on the ASL clips
 * (`test/fixtures/asl-hands-gestures.json`).
 */
import type { GestureEvent, HandObservation } from '../../../bus/topics.js';
import { handPose, type HandPose } from './hand-geometry.js';

export interface GestureSettings {
  readonly pinchOnRatio: number;
  readonly pinchOffRatio: number;
  readonly pointIndexOn: number;
  readonly pointIndexOff: number;
  readonly pointStraightness: number;
  readonly pointOthersOn: number;
  readonly pointOthersOff: number;
  readonly confirmFrames: number;
  readonly lostFrames: number;
  readonly matchRadius: number;
}

export const DEFAULT_GESTURE_SETTINGS: GestureSettings = Object.freeze({
  pinchOnRatio: 0.2,
  pinchOffRatio: 0.4,
  pointIndexOn: 1.2,
  pointIndexOff: 1.1,
  pointStraightness: 0.85,
  pointOthersOn: 1.0,
  pointOthersOff: 1.1,
  confirmFrames: 2,
  lostFrames: 3,
  matchRadius: 1.5,
});

export type GestureKind = 'pinch' | 'point' | 'none';

/** The gesture a single observation shows, given the one currently active (for hysteresis). */
export function classifyGesture(pose: HandPose, active: GestureKind, s: GestureSettings = DEFAULT_GESTURE_SETTINGS): GestureKind {
  const pinchLimit = active === 'pinch' ? s.pinchOffRatio : s.pinchOnRatio;
  if (pose.pinchRatio < pinchLimit) return 'pinch';
  const holding = active === 'point';
  const indexOk = pose.indexExtension >= (holding ? s.pointIndexOff : s.pointIndexOn) && (holding || pose.indexStraightness >= s.pointStraightness);
  const othersOk = pose.othersExtension <= (holding ? s.pointOthersOff : s.pointOthersOn);
  return indexOk && othersOk ? 'point' : 'none';
}

interface HandTrack {
  readonly id: number;
  readonly handedness: HandObservation['handedness'];
  readonly centerPx: readonly [number, number];
  readonly sizePx: number;
  readonly active: GestureKind;
  /** Candidate gesture and how many consecutive observations showed it. */
  readonly candidate: GestureKind;
  readonly candidateFrames: number;
  readonly missed: number;
  readonly atPx: readonly [number, number];
}

export interface GestureState {
  readonly tracks: readonly HandTrack[];
  readonly nextId: number;
}

export const INITIAL_GESTURES: GestureState = Object.freeze({ tracks: [], nextId: 0 });

function where(kind: GestureKind, pose: HandPose): readonly [number, number] {
  const p = kind === 'pinch' ? pose.pinchAtPx : pose.indexTipPx;
  return [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10];
}

function match(tracks: readonly HandTrack[], taken: Set<number>, hand: HandObservation, pose: HandPose, s: GestureSettings): HandTrack | undefined {
  let best: HandTrack | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const t of tracks) {
    if (taken.has(t.id)) continue;
    if (t.handedness !== 'unknown' && hand.handedness !== 'unknown' && t.handedness !== hand.handedness) continue;
    const d = Math.hypot(t.centerPx[0] - pose.centerPx[0], t.centerPx[1] - pose.centerPx[1]);
    if (d <= s.matchRadius * Math.max(t.sizePx, pose.sizePx) && d < bestD) {
      best = t;
      bestD = d;
    }
  }
  return best;
}

/**
 * Advance the gesture state by one frame's hands. Hands whose landmarks are not 21 points are ignored.
 * Returns the new state and the `gesture.detected` events (start/end) of this frame, at `tNs`.
 */
export function stepGestures(
  state: GestureState,
  hands: readonly HandObservation[],
  frame: { readonly deviceId: string; readonly tNs: number },
  s: GestureSettings = DEFAULT_GESTURE_SETTINGS,
): { state: GestureState; events: GestureEvent[] } {
  const events: GestureEvent[] = [];
  const emit = (t: HandTrack, gesture: GestureKind, phase: 'start' | 'end', atPx: readonly [number, number]): void => {
    if (gesture !== 'none') events.push({ deviceId: frame.deviceId, tNs: frame.tNs, gesture, handedness: t.handedness, phase, atPx });
  };
  const taken = new Set<number>();
  const next: HandTrack[] = [];
  let nextId = state.nextId;
  for (const hand of hands) {
    if (hand.landmarks.length !== 21) continue;
    const pose = handPose(hand);
    const prev = match(state.tracks, taken, hand, pose, s) ?? {
      id: nextId++, handedness: hand.handedness, centerPx: pose.centerPx, sizePx: pose.sizePx,
      active: 'none' as GestureKind, candidate: 'none' as GestureKind, candidateFrames: 0, missed: 0, atPx: pose.centerPx,
    };
    taken.add(prev.id);
    const seen = classifyGesture(pose, prev.active, s);
    const candidateFrames = seen === prev.candidate ? prev.candidateFrames + 1 : 1;
    let active = prev.active;
    if (seen !== prev.active && candidateFrames >= s.confirmFrames) {
      emit(prev, prev.active, 'end', prev.atPx);
      active = seen;
      emit(prev, active, 'start', where(active, pose));
    }
    next.push({ ...prev, centerPx: pose.centerPx, sizePx: pose.sizePx, active, candidate: seen, candidateFrames, missed: 0, atPx: active === 'none' ? pose.centerPx : where(active, pose) });
  }
  for (const t of state.tracks) {
    if (taken.has(t.id)) continue;
    if (t.missed + 1 >= s.lostFrames) emit(t, t.active, 'end', t.atPx);
    else next.push({ ...t, missed: t.missed + 1 });
  }
  return { state: { tracks: next, nextId }, events };
}
