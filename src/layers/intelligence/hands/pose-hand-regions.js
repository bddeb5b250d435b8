// @ts-check
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
   the TF.js instance and graph models come from Human's CommonJS build (untyped here); values leaving this file are plain arrays. */
/**
 * Pose-guided hand regions, for the hand landmarker's worker: a body-pose model gives the wrists and elbows,
 * each wrist (pushed along elbow→wrist) defines a square hand region, the hand landmark model runs on it and
 * its hand-presence output decides whether a hand is there.
 *
 * Source: MediaPipe Holistic (Grishchenko & Bazarevsky, Google AI Blog, Dec 2020, "MediaPipe Holistic —
 * Simultaneous Face, Hand and Pose Prediction, on Device"): hand regions of interest from the pose model,
 * refined by a re-crop step, then the hand landmark model on each; BlazePose (Bazarevsky et al. 2020,
 * arXiv:2006.10204) for the pose-to-hand hand-off. Pose model here: MoveNet SinglePose Lightning v4
 * (TF Hub `google/movenet/singlepose/lightning/4`, shipped as `movenet-lightning.json` by `@vladmandic/human`):
 * one 192×192 int32 RGB input, 17 COCO keypoints `[y, x, score]` normalised to the input. MoveNet has no hand
 * keypoints (BlazePose has index/pinky/thumb), so the region comes from wrist and elbow alone; the re-crop is
 * a second landmark pass on the square of {@link RECROP_SCALE} × the first pass's landmark extent.
 *
 * Units: pixels of the frame, origin top-left, x right, y down.
 */

/** MoveNet keypoint indices (COCO order): [wrist, elbow] per arm. */
export const MOVENET_ARMS = /** @type {const} */ ([[9, 7], [10, 8]]);
/** MoveNet SinglePose input side, px. */
export const MOVENET_INPUT_PX = 192;
/** Hand centre = wrist + HAND_REACH × (wrist − elbow): the palm lies beyond the wrist along the forearm. */
export const HAND_REACH = 0.5;
/** Hand region side = HAND_SIDE_SCALE × forearm length (elbow→wrist), px. */
export const HAND_SIDE_SCALE = 1.4;
/** Smallest hand region side, px (a foreshortened forearm would give a useless crop). */
export const MIN_HAND_SIDE_PX = 24;
/** Re-crop: square of this × the first pass's landmark extent, around its centre (as MediaPipe's tracking ROI). */
export const RECROP_SCALE = 1.6;
/** Hand landmark model input side, px. */
export const LANDMARK_INPUT_PX = 224;

/**
 * Square hand region `[x0, y0, x1, y1]` (px) from one arm's wrist and elbow `[x, y]` (px): centre
 * `wrist + reach × (wrist − elbow)`, side `max(sideScale × |wrist − elbow|, minSidePx)`.
 * Tuned (reach 0.5, side 1.4) on the 21 annotated frames of 4 ASL clips (eat, sister, brother, bird): see docs/hands.md.
 * @param {readonly number[]} wrist
 * @param {readonly number[]} elbow
 * @returns {[number, number, number, number]}
 */
export function handRegionFromArm(wrist, elbow, reach = HAND_REACH, sideScale = HAND_SIDE_SCALE, minSidePx = MIN_HAND_SIDE_PX) {
  const wx = wrist[0] ?? NaN, wy = wrist[1] ?? NaN, ex = elbow[0] ?? NaN, ey = elbow[1] ?? NaN;
  if (![wx, wy, ex, ey].every(Number.isFinite)) throw new Error(`hand region: wrist [${wrist.join(', ')}] and elbow [${elbow.join(', ')}] must be finite pixels`);
  const fx = wx - ex, fy = wy - ey;
  const cx = wx + reach * fx, cy = wy + reach * fy;
  const half = Math.max(sideScale * Math.hypot(fx, fy), minSidePx) / 2;
  return [cx - half, cy - half, cx + half, cy + half];
}

/**
 * Square of `scale` × the larger side of the points' extent, around the extent's centre, px.
 * @param {readonly (readonly number[])[]} points `[x, y, …]` px
 * @param {number} scale
 * @returns {[number, number, number, number]}
 */
export function squareAround(points, scale) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of points) {
    const x = p[0] ?? NaN, y = p[1] ?? NaN;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const half = (scale * Math.max(x1 - x0, y1 - y0)) / 2, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [cx - half, cy - half, cx + half, cy + half];
}

/**
 * MoveNet SinglePose on the whole frame, padded to a centred square (zeros outside, as Human's `padInput`).
 * @param {any} tf Human's TF.js instance
 * @param {any} model the MoveNet graph model
 * @param {any} image float32 tensor [1, h, w, 3], RGB 0–255
 * @param {number} w frame width, px
 * @param {number} h frame height, px
 * @returns {Promise<number[][]>} 17 keypoints `[x, y, score]`, px of the frame, score in [0, 1]
 */
export async function detectPose(tf, model, image, w, h) {
  const side = Math.max(w, h), x0 = (w - side) / 2, y0 = (h - side) / 2;
  /** @type {Record<string, any>} */
  const t = {};
  try {
    t.crop = tf.image.cropAndResize(image, [[y0 / h, x0 / w, (y0 + side) / h, (x0 + side) / w]], [0], [MOVENET_INPUT_PX, MOVENET_INPUT_PX], 'bilinear');
    t.int = tf.cast(t.crop, 'int32');
    t.out = model.execute(t.int);
    const d = await t.out.data();
    const kps = [];
    for (let i = 0; i < 17; i += 1) kps.push([x0 + d[3 * i + 1] * side, y0 + d[3 * i] * side, d[3 * i + 2]]);
    return kps;
  } finally {
    tf.dispose(Object.values(t));
  }
}

/**
 * Hand landmark model on an axis-aligned square `box` (px; may reach outside the frame, zeros there).
 * `presence` is the model's hand-flag output, a probability in [0, 1] (the sigmoid is inside the model;
 * Human's `fingerScore` applies a second sigmoid, which maps it to [0.50, 0.73]).
 * @param {any} tf
 * @param {any} model Human's `handskeleton` (handlandmark-lite) graph model
 * @param {any} image float32 tensor [1, h, w, 3], RGB 0–255
 * @param {readonly number[]} box `[x0, y0, x1, y1]` px
 * @param {number} w frame width, px
 * @param {number} h frame height, px
 * @returns {Promise<{ presence: number, kps: number[][] }>} landmarks `[x, y, z]` in frame px (z in model units)
 */
export async function landmarksInBox(tf, model, image, box, w, h) {
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
  const bx = x0 / w, by = y0 / h, bw = (x1 - x0) / w, bh = (y1 - y0) / h;
  /** @type {Record<string, any>} */
  const t = {};
  try {
    t.crop = tf.image.cropAndResize(image, [[by, bx, by + bh, bx + bw]], [0], [LANDMARK_INPUT_PX, LANDMARK_INPUT_PX], 'bilinear');
    t.div = tf.div(t.crop, 255);
    [t.flag, t.kps] = model.execute(t.div, ['Identity_1', 'Identity']);
    const presence = /** @type {number} */ ((await t.flag.data())[0]);
    const kd = await t.kps.data();
    const kps = [];
    for (let i = 0; i < 21; i += 1) kps.push([(kd[3 * i] / LANDMARK_INPUT_PX * bw + bx) * w, (kd[3 * i + 1] / LANDMARK_INPUT_PX * bh + by) * h, kd[3 * i + 2]]);
    return { presence, kps };
  } finally {
    tf.dispose(Object.values(t));
  }
}

/**
 * Hands at the wrists of the pose: per arm whose wrist score ≥ `minWristScore`, the landmark model on the
 * arm's hand region, then again on the re-crop around those landmarks; the pass with the higher presence is
 * kept when its presence ≥ `minPresence`.
 * @param {any} tf
 * @param {{ pose: any, landmarks: any }} models
 * @param {any} image float32 tensor [1, h, w, 3], RGB 0–255
 * @param {number} w frame width, px
 * @param {number} h frame height, px
 * @param {{ minWristScore: number, minPresence: number }} limits
 * @returns {Promise<{ presence: number, wristScore: number, kps: number[][] }[]>}
 */
export async function poseGuidedHands(tf, models, image, w, h, limits) {
  const pose = await detectPose(tf, models.pose, image, w, h);
  const hands = [];
  for (const [wi, ei] of MOVENET_ARMS) {
    const wrist = /** @type {number[]} */ (pose[wi]), elbow = /** @type {number[]} */ (pose[ei]);
    const wristScore = wrist[2] ?? 0;
    if (wristScore < limits.minWristScore) continue;
    const first = await landmarksInBox(tf, models.landmarks, image, handRegionFromArm(wrist, elbow), w, h);
    const second = await landmarksInBox(tf, models.landmarks, image, squareAround(first.kps, RECROP_SCALE), w, h);
    const best = second.presence >= first.presence ? second : first;
    if (best.presence >= limits.minPresence) hands.push({ presence: best.presence, wristScore, kps: best.kps });
  }
  return hands;
}
