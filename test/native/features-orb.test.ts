/**
 * ORB against `cv2.ORB_create(500)` on real EuRoC frames: keypoints (position, octave, angle,
 * response) as sets, descriptors at the keypoints both find, descriptors computed at OpenCV's own
 * keypoints (`orb.compute`; Hamming distance distribution), and matching quality between two frames
 * (cross-checked matches and their share consistent with a fundamental matrix); errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ORB_DESCRIPTOR_BYTES, OrbExtractor, createOrbFeatures, type OrbFeatures } from '../../native/index.js';
import { encodeArray } from '../../bench/oracle/python.js';
import { CAN_COMPARE, decodeFloat32, decodeUint8, loadFrames, runOracle, type RealFrame } from './features-data.js';

interface OrbFrame {
  count: number;
  keypoints: string;
  descriptors: string;
}
interface OrbAnswer {
  frames: OrbFrame[];
  opencvMatch?: { matches: number; inlierFraction: number };
  oursMatch?: { matches: number; inlierFraction: number };
  samePairs?: boolean;
}

/** OpenCV's keypoints: rows of (x, y, size, angle, response, octave). */
function opencvKeypoints(a: OrbFrame): { rows: Float32Array; desc: Uint8Array } {
  return { rows: decodeFloat32(a.keypoints), desc: decodeUint8(a.descriptors) };
}

const key = (x: number, y: number, octave: number): string => `${x},${y},${octave}`;

function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let v = (a[i] as number) ^ (b[i] as number);
    while (v !== 0) {
      d += v & 1;
      v >>= 1;
    }
  }
  return d;
}

const INDICES = [0, 100, 101, 200, 299, 450, 599];

describe.runIf(CAN_COMPARE)('ORB vs OpenCV on real frames', () => {
  let frames: RealFrame[];
  let oracle: OrbAnswer;
  const orb = new OrbExtractor();
  const features: OrbFeatures[] = [];
  const counts: number[] = [];
  beforeAll(async () => {
    frames = await loadFrames(INDICES);
    oracle = runOracle<OrbAnswer>('features_orb.py', { frames: frames.map((f) => f.path), nfeatures: 500 });
    for (const { frame } of frames) {
      const f = createOrbFeatures(600);
      counts.push(orb.detectAndComputeSync(frame, f));
      features.push(f);
    }
  });

  it('keypoints, angles, responses and descriptors match OpenCV’s', () => {
    let total = 0;
    let sameKeypoint = 0;
    let sameAngle = 0;
    let sameResponse = 0;
    let sameDescriptor = 0;
    frames.forEach((_, i) => {
      const a = oracle.frames[i];
      const f = features[i];
      const n = counts[i] as number;
      if (a === undefined || f === undefined) throw new Error('missing frame');
      const ours = new Map<string, number>();
      for (let k = 0; k < n; k++) ours.set(key(f.xy[2 * k] as number, f.xy[2 * k + 1] as number, f.octave[k] as number), k);
      const { rows, desc } = opencvKeypoints(a);
      total += a.count;
      for (let j = 0; j < a.count; j++) {
        const k = ours.get(key(rows[6 * j] as number, rows[6 * j + 1] as number, rows[6 * j + 5] as number));
        if (k === undefined) continue;
        sameKeypoint += 1;
        if (f.angleDeg[k] === rows[6 * j + 3]) sameAngle += 1;
        if (f.response[k] === rows[6 * j + 4]) sameResponse += 1;
        const mine = f.descriptors.subarray(ORB_DESCRIPTOR_BYTES * k, ORB_DESCRIPTOR_BYTES * (k + 1));
        if (hamming(mine, desc.subarray(32 * j, 32 * j + 32)) === 0) sameDescriptor += 1;
      }
    });
    const pct = (v: number): string => `${((100 * v) / total).toFixed(2)} %`;
    console.log(
      `ORB, ${frames.length} frames, ${total} OpenCV keypoints: same keypoint ${pct(sameKeypoint)}, same angle ${pct(sameAngle)}, ` +
        `same response ${pct(sameResponse)}, same descriptor ${pct(sameDescriptor)}`,
    );
    expect(sameKeypoint / total).toBeGreaterThanOrEqual(0.95);
    expect(sameDescriptor / total).toBeGreaterThanOrEqual(0.95);
  });

  it('descriptors at OpenCV’s own keypoints (orb.compute) are mostly equal', () => {
    const histogram = new Map<number, number>();
    let total = 0;
    frames.forEach(({ frame }, i) => {
      const a = oracle.frames[i];
      if (a === undefined) throw new Error('missing frame');
      const { rows, desc } = opencvKeypoints(a);
      const xy = new Float32Array(2 * a.count);
      const angleDeg = new Float32Array(a.count);
      const octave = new Int32Array(a.count);
      for (let j = 0; j < a.count; j++) {
        xy[2 * j] = rows[6 * j] as number;
        xy[2 * j + 1] = rows[6 * j + 1] as number;
        angleDeg[j] = rows[6 * j + 3] as number;
        octave[j] = rows[6 * j + 5] as number;
      }
      const mine = new Uint8Array(32 * a.count);
      orb.computeSync(frame, { xy, angleDeg, octave }, a.count, mine);
      for (let j = 0; j < a.count; j++) {
        const d = hamming(mine.subarray(32 * j, 32 * j + 32), desc.subarray(32 * j, 32 * j + 32));
        histogram.set(d, (histogram.get(d) ?? 0) + 1);
        total += 1;
      }
    });
    const dist = [...histogram.entries()].sort((p, q) => p[0] - q[0]).map(([d, c]) => `${d} bits: ${c}`);
    console.log(`ORB compute at OpenCV keypoints (${total}): Hamming distance distribution ${dist.join(', ')}`);
    expect((histogram.get(0) ?? 0) / total).toBeGreaterThanOrEqual(0.95);
  });

  it('matching quality between two real frames is comparable', () => {
    const pair = [1, 2];
    const ours: Record<string, { xy: string; desc: string }> = {};
    for (const i of pair) {
      const f = features[i];
      const n = counts[i] as number;
      if (f === undefined) throw new Error('missing frame');
      ours[String(i)] = { xy: encodeArray(f.xy.subarray(0, 2 * n)), desc: encodeArray(f.descriptors.subarray(0, 32 * n)) };
    }
    const answer = runOracle<OrbAnswer>('features_orb.py', { frames: frames.map((f) => f.path), nfeatures: 500, match: pair, ours });
    const cv = answer.opencvMatch;
    const mine = answer.oursMatch;
    if (cv === undefined || mine === undefined) throw new Error('no match answer');
    console.log(
      `ORB matching frames ${INDICES[1]}→${INDICES[2]} (cross-checked BF, F-matrix RANSAC 1 px): OpenCV ${cv.matches} matches, ` +
        `${(100 * cv.inlierFraction).toFixed(1)} % inliers; ours ${mine.matches}, ${(100 * mine.inlierFraction).toFixed(1)} %; ` +
        `same match set: ${String(answer.samePairs)}`,
    );
    expect(mine.matches).toBeGreaterThanOrEqual(0.9 * cv.matches);
    expect(mine.inlierFraction).toBeGreaterThanOrEqual(cv.inlierFraction - 0.05);
  });

  it('the async twin gives the same features', async () => {
    const first = frames[0];
    const f0 = features[0];
    if (first === undefined || f0 === undefined) throw new Error('missing frame');
    const again = createOrbFeatures(600);
    const n = await orb.detectAndCompute(first.frame, again);
    expect(n).toBe(counts[0]);
    expect(again.descriptors).toEqual(f0.descriptors);
    expect(again.xy).toEqual(f0.xy);
  });
});

describe('ORB arguments', () => {
  it('errors name the parameter and the value', () => {
    expect(() => new OrbExtractor({ levels: 0 })).toThrow('"levels" must be an integer in [1, 32], got 0');
    expect(() => new OrbExtractor({ scaleFactor: 1 })).toThrow('"scaleFactor" must be a number in (1, 4], got 1');
    expect(() => new OrbExtractor({ score: 'sift' as 'fast' })).toThrow(`"score" must be 'harris' or 'fast', got "sift"`);
    const orb = new OrbExtractor();
    const frame = { data: new Uint8Array(100 * 80), widthPx: 100, heightPx: 80 };
    const f = createOrbFeatures(10);
    expect(() => orb.detectAndComputeSync(frame, { ...f, descriptors: new Uint8Array(8) })).toThrow('"descriptors" must hold 320 bytes, got 8');
    const one = { xy: new Float32Array([500, 10]), angleDeg: new Float32Array(1), octave: new Int32Array([0]) };
    expect(() => orb.computeSync(frame, one, 1, new Uint8Array(32))).toThrow(
      '"keypoints" must be inside the 100×80 frame at its octave\'s scale, got (500, 10) at octave 0 (keypoint 0)',
    );
    expect(() => orb.computeSync(frame, { ...one, octave: new Int32Array([9]) }, 1, new Uint8Array(32))).toThrow(
      '"octave" must be in [0, 7] (levels − 1), got 9 at keypoint 0',
    );
  });
});
