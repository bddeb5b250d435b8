/**
 * Pyramidal Lucas–Kanade against `cv2.calcOpticalFlowPyrLK(winSize=(21, 21), maxLevel=2)` on
 * consecutive real EuRoC frames (moving and static parts), from OpenCV's `goodFeaturesToTrack` points
 * and from our FAST corners: share of points within 0.1 px of OpenCV's (acceptance ≥ 95 %), status
 * and error agreement; the forward–backward check; streaming; the async twin; errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FastDetector, KLT_STATUS, KltTracker, createCorners, createKltOutput, type KltOutput } from '../../native/index.js';
import { encodeArray } from '../../bench/oracle/python.js';
import { CAN_COMPARE, decodeFloat32, decodeUint8, loadFrames, runOracle, type RealFrame } from './features-data.js';

interface KltAnswer {
  pairs: { xy: string; next: string; status: string; error: string }[];
}

/** Consecutive frames (20 Hz): hand-held motion, then static. */
const PAIRS: [number, number][] = [
  [0, 1],
  [60, 61],
  [120, 121],
  [180, 181],
  [240, 241],
  [298, 299],
  [350, 351],
  [450, 451],
  [598, 599],
];

interface Agreement {
  points: number;
  bothTracked: number;
  within: number;
  sameStatus: number;
  maxDiffPx: number;
  maxErrorDiff: number;
}

function compare(out: KltOutput, a: KltAnswer['pairs'][number], acc: Agreement): void {
  const next = decodeFloat32(a.next);
  const status = decodeUint8(a.status);
  const error = decodeFloat32(a.error);
  for (let i = 0; i < status.length; i++) {
    acc.points += 1;
    if ((out.status[i] === KLT_STATUS.TRACKED) === (status[i] === 1)) acc.sameStatus += 1;
    if (out.status[i] !== KLT_STATUS.TRACKED || status[i] !== 1) continue;
    acc.bothTracked += 1;
    const d = Math.hypot((out.nextXy[2 * i] as number) - (next[2 * i] as number), (out.nextXy[2 * i + 1] as number) - (next[2 * i + 1] as number));
    if (d <= 0.1) acc.within += 1;
    acc.maxDiffPx = Math.max(acc.maxDiffPx, d);
    acc.maxErrorDiff = Math.max(acc.maxErrorDiff, Math.abs((out.error[i] as number) - (error[i] as number)));
  }
}

function report(name: string, acc: Agreement): void {
  console.log(
    `KLT (${name}): ${acc.points} points on ${PAIRS.length} frame pairs; OpenCV and ours both tracked ${acc.bothTracked}, ` +
      `of which ${acc.within} within 0.1 px (${((100 * acc.within) / acc.bothTracked).toFixed(2)} %; ` +
      `${((100 * acc.within) / acc.points).toFixed(2)} % of all points); same status ${((100 * acc.sameStatus) / acc.points).toFixed(2)} %; ` +
      `largest difference ${acc.maxDiffPx.toExponential(2)} px; largest error difference ${acc.maxErrorDiff.toExponential(2)}`,
  );
}

const fresh = (): Agreement => ({ points: 0, bothTracked: 0, within: 0, sameStatus: 0, maxDiffPx: 0, maxErrorDiff: 0 });

describe.runIf(CAN_COMPARE)('KLT vs OpenCV on consecutive real frames', () => {
  let frames: Map<number, RealFrame>;
  beforeAll(async () => {
    const indices = [...new Set(PAIRS.flat())];
    const loaded = await loadFrames(indices);
    frames = new Map(indices.map((i, k) => [i, loaded[k] as RealFrame]));
  });
  const frame = (i: number): RealFrame => {
    const f = frames.get(i);
    if (f === undefined) throw new Error(`frame ${i}`);
    return f;
  };

  it('goodFeaturesToTrack points: ≥ 95 % within 0.1 px of OpenCV, same status', () => {
    const answer = runOracle<KltAnswer>('features_klt.py', { pairs: PAIRS.map(([a, b]) => [frame(a).path, frame(b).path]), winSize: 21, maxLevel: 2 });
    const tracker = new KltTracker();
    const acc = fresh();
    PAIRS.forEach(([a, b], k) => {
      const ans = answer.pairs[k];
      if (ans === undefined) throw new Error('missing pair');
      const xy = decodeFloat32(ans.xy);
      const out = createKltOutput(xy.length / 2);
      tracker.trackSync(frame(a).frame, frame(b).frame, xy, out);
      compare(out, ans, acc);
    });
    report('goodFeaturesToTrack, 300 per frame', acc);
    expect(acc.within / acc.bothTracked).toBeGreaterThanOrEqual(0.95);
    expect(acc.within / acc.points).toBeGreaterThanOrEqual(0.95);
    expect(acc.sameStatus / acc.points).toBeGreaterThanOrEqual(0.99);
  });

  it('FAST points (grid spread, 300 per frame): ≥ 95 % within 0.1 px of OpenCV', () => {
    const fast = new FastDetector({ grid: { cellWidthPx: 47, cellHeightPx: 40, perCell: 2 } });
    const corners = createCorners(300);
    const sets = PAIRS.map(([a]) => {
      const n = fast.detectSync(frame(a).frame, corners);
      return corners.xy.slice(0, 2 * n);
    });
    const answer = runOracle<KltAnswer>('features_klt.py', {
      pairs: PAIRS.map(([a, b]) => [frame(a).path, frame(b).path]),
      winSize: 21,
      maxLevel: 2,
      xy: sets.map((s) => encodeArray(s)),
    });
    const tracker = new KltTracker();
    const acc = fresh();
    PAIRS.forEach(([a, b], k) => {
      const xy = sets[k] as Float32Array;
      const out = createKltOutput(xy.length / 2);
      tracker.trackSync(frame(a).frame, frame(b).frame, xy, out);
      compare(out, answer.pairs[k] as KltAnswer['pairs'][number], acc);
    });
    report('FAST grid corners', acc);
    expect(acc.within / acc.bothTracked).toBeGreaterThanOrEqual(0.95);
  });

  it('forward–backward check: static frames return to within a hundredth of a pixel; a tiny threshold rejects', () => {
    const [a, b] = [frame(450).frame, frame(451).frame];
    const corners = createCorners(300);
    const n = new FastDetector({ grid: { cellWidthPx: 47, cellHeightPx: 40, perCell: 2 } }).detectSync(a, corners);
    const xy = corners.xy.subarray(0, 2 * n);
    const out = createKltOutput(n);
    const tracked = new KltTracker({ forwardBackwardMaxPx: 0.5 }).trackSync(a, b, xy, out);
    const fb = [...out.fbErrorPx.subarray(0, n)].filter((v) => Number.isFinite(v)).sort((p, q) => p - q);
    const median = fb[Math.floor(fb.length / 2)] as number;
    console.log(`KLT forward–backward on static frames 450→451: ${tracked}/${n} kept at 0.5 px, median FB error ${median.toExponential(2)} px`);
    expect(median).toBeLessThan(0.01);
    const strict = createKltOutput(n);
    new KltTracker({ forwardBackwardMaxPx: 1e-6 }).trackSync(a, b, xy, strict);
    expect(strict.status.subarray(0, n).filter((s) => s === KLT_STATUS.FB_REJECTED).length).toBeGreaterThan(0);
    // Rejected points were tracked forward: with the check off they have status 1.
    const plain = createKltOutput(n);
    new KltTracker().trackSync(a, b, xy, plain);
    for (let i = 0; i < n; i++) if (strict.status[i] === KLT_STATUS.FB_REJECTED) expect(plain.status[i]).toBe(KLT_STATUS.TRACKED);
  });

  it('streaming (trackFromLast) and the async twin give the same tracks', async () => {
    const xy = new Float32Array([100.5, 200.25, 400, 300, 650.75, 90]);
    const t1 = new KltTracker();
    const t2 = new KltTracker();
    const [o1, o2, o3] = [createKltOutput(3), createKltOutput(3), createKltOutput(3)];
    t1.trackSync(frame(60).frame, frame(61).frame, xy, o1);
    t1.trackSync(frame(61).frame, frame(120).frame, o1.nextXy, o2);
    await t2.track(frame(60).frame, frame(61).frame, xy, o3);
    expect(o3.nextXy).toEqual(o1.nextXy);
    await t2.trackFromLast(frame(120).frame, o3.nextXy.slice(), o3);
    expect(o3.nextXy).toEqual(o2.nextXy);
    expect(o3.status).toEqual(o2.status);
  });
});

describe('KLT arguments', () => {
  const frame = { data: new Uint8Array(64 * 48), widthPx: 64, heightPx: 48 };
  it('errors name the parameter and the value', () => {
    expect(() => new KltTracker({ windowPx: 2 })).toThrow('"windowPx" must be an integer in [3, 63], got 2');
    expect(() => new KltTracker({ forwardBackwardMaxPx: -1 })).toThrow('"forwardBackwardMaxPx" must be a number > 0, got -1');
    const t = new KltTracker();
    expect(() => t.trackFromLastSync(frame, new Float32Array(2), createKltOutput(1))).toThrow(
      '"tracker" must be given a frame before (call track first), got no previous frame',
    );
    expect(() => t.trackSync(frame, { ...frame, widthPx: 32 }, new Float32Array(2), createKltOutput(1))).toThrow('"next" must be 64×48 like "prev", got 32×48');
    expect(() => t.trackSync(frame, frame, new Float32Array(3), createKltOutput(2))).toThrow('"prevXy" must be (x, y) pairs (an even length), got 3');
    expect(() => t.trackSync(frame, frame, new Float32Array(6), createKltOutput(2))).toThrow('"nextXy" must hold 6 floats, got 4');
    expect(() => t.trackSync(frame, frame, new Float32Array([Number.NaN, 1]), createKltOutput(1))).toThrow('"prevXy" must be finite numbers, got NaN at index 0');
    const out = createKltOutput(1);
    expect(() => t.trackSync(frame, frame, out.nextXy, out)).toThrow('"nextXy" must not share memory with "prevXy"');
  });
});
