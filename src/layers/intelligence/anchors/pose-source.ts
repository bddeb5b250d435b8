/**
 * Where the anchor code gets the body pose `T_world_body` at a time: an interface, so anchors run on the
 * runtime's VIO (`pose.updated` with `source: 'vio'`, or `'predicted'` for display time) and, in
 * evaluation, on a recorded ground truth (EuRoC `state_groundtruth_estimate0`).
 */
import type { PoseEvent } from '../../../bus/topics.js';
import { slerp } from '../../../eval/orientation-error.js';
import type { Quat, Vec3 } from '../../../math/quat.js';
import type { Transform } from './geometry.js';

export interface PoseSource {
  /** `T_world_body` at runtime time `tNs` (ns), or `undefined` when unknown there. */
  poseAt(tNs: number): Transform | undefined;
}

/** A 6-DoF `pose.updated` (it has `p_world_body_m`) as a transform; `undefined` for 3-DoF poses. */
export function poseEventTransform(pose: PoseEvent): Transform | undefined {
  return pose.p_world_body_m === undefined ? undefined : { q: pose.q_world_body, p: pose.p_world_body_m };
}

/**
 * Poses sampled over time (structure of arrays, times increasing), interpolated: slerp for the rotation,
 * linear for the position; `undefined` outside the span or across a gap longer than `maxGapNs`.
 */
export class SampledPoseSource implements PoseSource {
  readonly #tNs: ArrayLike<number>;
  readonly #q: ArrayLike<number>;
  readonly #p: ArrayLike<number>;
  readonly #maxGapNs: number;

  /** `tNs` n times (ns, increasing); `q_world_body` 4n (`[w, x, y, z]`); `p_world_body_m` 3n (m). */
  constructor(tNs: ArrayLike<number>, q_world_body: ArrayLike<number>, p_world_body_m: ArrayLike<number>, maxGapNs = 50e6) {
    const n = tNs.length;
    if (q_world_body.length !== 4 * n || p_world_body_m.length !== 3 * n) {
      throw new Error(`SampledPoseSource: ${n} times need ${4 * n} quaternion and ${3 * n} position values, got ${q_world_body.length} and ${p_world_body_m.length}`);
    }
    this.#tNs = tNs;
    this.#q = q_world_body;
    this.#p = p_world_body_m;
    this.#maxGapNs = maxGapNs;
  }

  poseAt(tNs: number): Transform | undefined {
    const t = this.#tNs;
    const n = t.length;
    if (n === 0 || tNs < (t[0] as number) || tNs > (t[n - 1] as number)) return undefined;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((t[mid] as number) <= tNs) lo = mid;
      else hi = mid;
    }
    const t0 = t[lo] as number;
    const t1 = t[hi] as number;
    if (t1 - t0 > this.#maxGapNs) return undefined;
    const u = t1 > t0 ? (tNs - t0) / (t1 - t0) : 0;
    const q = (i: number): Quat => [this.#q[4 * i] as number, this.#q[4 * i + 1] as number, this.#q[4 * i + 2] as number, this.#q[4 * i + 3] as number];
    const p = (i: number, k: number): number => this.#p[3 * i + k] as number;
    const pos: Vec3 = [0, 1, 2].map((k) => p(lo, k) + u * (p(hi, k) - p(lo, k))) as unknown as Vec3;
    return { q: slerp(q(lo), q(hi), u), p: pos };
  }
}
