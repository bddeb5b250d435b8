/**
 * Geometry of a hand from its 21 landmarks (MediaPipe hand topology: 0 wrist; thumb 1–4 = CMC, MCP, IP,
 * tip; index 5–8, middle 9–12, ring 13–16, pinky 17–20 = MCP, PIP, DIP, tip), in image pixels.
 *
 * Everything here is 2-D (x, y in pixels): the landmark z of the TF.js/MediaPipe models is a relative
 * depth in model units, too noisy to use for pose rules. Ratios are scale-free, so the same thresholds
 * hold for a hand 40 px or 400 px wide.
 *
 * Source: Zhang et al., "MediaPipe Hands: On-device Real-time Hand Tracking", CVPR Workshops 2020
 * (arXiv:2006.10214), Fig. 2 (the 21 landmarks).
 */
import type { HandObservation } from '../../../bus/topics.js';

export type Landmark = readonly [number, number, number];

/** Landmark indices (MediaPipe hand topology). */
export const WRIST = 0;
export const THUMB_TIP = 4;
export const INDEX = { mcp: 5, pip: 6, dip: 7, tip: 8 } as const;
export const MIDDLE = { mcp: 9, pip: 10, dip: 11, tip: 12 } as const;
export const RING = { mcp: 13, pip: 14, dip: 15, tip: 16 } as const;
export const PINKY = { mcp: 17, pip: 18, dip: 19, tip: 20 } as const;
export const LANDMARK_COUNT = 21;

/** Landmark indices of one finger. */
export interface Finger {
  readonly mcp: number;
  readonly pip: number;
  readonly dip: number;
  readonly tip: number;
}

function at(lm: readonly Landmark[], i: number): Landmark {
  const p = lm[i];
  if (p === undefined) throw new Error(`landmark ${i} is missing (a hand has ${LANDMARK_COUNT})`);
  return p;
}

/** Distance between landmarks `i` and `j` in the image plane, px. */
export function distPx(lm: readonly Landmark[], i: number, j: number): number {
  const a = at(lm, i);
  const b = at(lm, j);
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Size of the hand, px: the larger of palm length (wrist → middle MCP) and palm width (index MCP → pinky
 * MCP), so that a palm seen edge-on (one of the two foreshortened) still has a sensible scale.
 */
export function handSizePx(lm: readonly Landmark[]): number {
  return Math.max(distPx(lm, WRIST, MIDDLE.mcp), distPx(lm, INDEX.mcp, PINKY.mcp));
}

/** Thumb tip ↔ index tip distance over the hand size (dimensionless; ≈ 0.1 when touching, > 0.6 open). */
export function pinchRatio(lm: readonly Landmark[]): number {
  const size = handSizePx(lm);
  return size > 0 ? distPx(lm, THUMB_TIP, INDEX.tip) / size : Number.POSITIVE_INFINITY;
}

/**
 * Extension of a finger: distance wrist → tip over distance wrist → PIP (dimensionless). A straight finger
 * gives ≈ 1.3–1.6, a finger curled into the palm < 1 (its tip is closer to the wrist than its middle joint).
 */
export function extension(lm: readonly Landmark[], f: Finger): number {
  const pip = distPx(lm, WRIST, f.pip);
  return pip > 0 ? distPx(lm, WRIST, f.tip) / pip : 0;
}

/** Straightness of a finger: MCP → tip chord over the summed bone lengths (1 = straight, ≈ 0.5 bent double). */
export function straightness(lm: readonly Landmark[], f: Finger): number {
  const path = distPx(lm, f.mcp, f.pip) + distPx(lm, f.pip, f.dip) + distPx(lm, f.dip, f.tip);
  return path > 0 ? distPx(lm, f.mcp, f.tip) / path : 0;
}

/** The pose figures the gesture rules read, for one hand. */
export interface HandPose {
  readonly sizePx: number;
  readonly pinchRatio: number;
  readonly indexExtension: number;
  readonly indexStraightness: number;
  /** Largest extension among middle, ring and pinky (all curled ⇒ small). */
  readonly othersExtension: number;
  /** Midpoint of thumb tip and index tip, px. */
  readonly pinchAtPx: readonly [number, number];
  /** Index tip, px. */
  readonly indexTipPx: readonly [number, number];
  readonly centerPx: readonly [number, number];
}

/** Pose figures of a hand; throws naming the landmark count when the hand does not have 21 landmarks. */
export function handPose(hand: HandObservation): HandPose {
  const lm = hand.landmarks;
  if (lm.length !== LANDMARK_COUNT) throw new Error(`hand has ${lm.length} landmarks, expected ${LANDMARK_COUNT}`);
  const t = at(lm, THUMB_TIP);
  const i = at(lm, INDEX.tip);
  const [x0, y0, x1, y1] = hand.boxPx;
  return {
    sizePx: handSizePx(lm),
    pinchRatio: pinchRatio(lm),
    indexExtension: extension(lm, INDEX),
    indexStraightness: straightness(lm, INDEX),
    othersExtension: Math.max(extension(lm, MIDDLE), extension(lm, RING), extension(lm, PINKY)),
    pinchAtPx: [(t[0] + i[0]) / 2, (t[1] + i[1]) / 2],
    indexTipPx: [i[0], i[1]],
    centerPx: [(x0 + x1) / 2, (y0 + y1) / 2],
  };
}
