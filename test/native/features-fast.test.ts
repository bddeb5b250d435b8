/**
 * FAST-9 against `cv2.FastFeatureDetector_create(t, nonmax, TYPE_9_16)` on real EuRoC frames (moving
 * and static parts): the share of OpenCV's corners we report at the same position with the same
 * score (acceptance: ≥ 95 %), both ways; the grid spread; strided frames; the async twin; errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FastDetector, createCorners, type Corners, type GrayFrame } from '../../native/index.js';
import { withStride } from './data.js';
import { CAN_COMPARE, FRAME_INDICES, decodeFloat32, loadFrames, runOracle, type RealFrame } from './features-data.js';

interface FastAnswer {
  opencv: string;
  frames: { count: number; xy: string; score: string }[];
}

/** `x,y,score` keys of the first `n` corners. */
function keys(xy: Float32Array, score: Float32Array, n: number): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i < n; i++) s.add(`${xy[2 * i]},${xy[2 * i + 1]},${score[i]}`);
  return s;
}

function detect(det: FastDetector, frame: GrayFrame, out: Corners): Set<string> {
  const n = det.detectSync(frame, out);
  return keys(out.xy, out.score, n);
}

describe.runIf(CAN_COMPARE)('FAST vs OpenCV on real frames', () => {
  let frames: RealFrame[];
  const out = createCorners(20_000);
  beforeAll(async () => {
    frames = await loadFrames(FRAME_INDICES);
  });

  for (const threshold of [10, 20, 40]) {
    it(`threshold ${threshold}: ≥ 95 % of OpenCV's corners identical (position and score), and no extra ones`, () => {
      const oracle = runOracle<FastAnswer>('features_fast.py', { frames: frames.map((f) => f.path), threshold, nonmax: true });
      const det = new FastDetector({ threshold });
      let theirs = 0;
      let same = 0;
      let ours = 0;
      frames.forEach(({ frame }, i) => {
        const a = oracle.frames[i];
        if (a === undefined) throw new Error('missing oracle frame');
        const mine = detect(det, frame, out);
        const cv = keys(decodeFloat32(a.xy), decodeFloat32(a.score), a.count);
        theirs += cv.size;
        ours += mine.size;
        for (const k of cv) if (mine.has(k)) same += 1;
      });
      const identity = same / theirs;
      console.log(`FAST t=${threshold}: ${same}/${theirs} OpenCV corners identical (${(100 * identity).toFixed(3)} %), ours ${ours}, 9 frames`);
      expect(identity).toBeGreaterThanOrEqual(0.95);
      expect(ours).toBe(theirs);
    });
  }

  it('without suppression, the same corner set as OpenCV (score 0)', () => {
    const oracle = runOracle<FastAnswer>('features_fast.py', { frames: [frames[0]?.path], threshold: 20, nonmax: false });
    const a = oracle.frames[0];
    const first = frames[0];
    if (a === undefined || first === undefined) throw new Error('missing frame');
    const mine = detect(new FastDetector({ nonmaxSuppression: false }), first.frame, out);
    expect(mine).toEqual(keys(decodeFloat32(a.xy), decodeFloat32(a.score), a.count));
  });

  it('a strided frame and the async twin give the same corners', async () => {
    const first = frames[1];
    if (first === undefined) throw new Error('missing frame');
    const det = new FastDetector();
    const plain = detect(det, first.frame, out);
    expect(detect(det, withStride({ ...first.frame, format: 'GRAY8' }, 40), out)).toEqual(plain);
    const n = await det.detect(first.frame, out);
    expect(keys(out.xy, out.score, n)).toEqual(plain);
  });

  it('grid spread keeps the strongest per cell; a small output keeps the strongest overall', () => {
    const first = frames[2];
    if (first === undefined) throw new Error('missing frame');
    const all = createCorners(20_000);
    const nAll = new FastDetector().detectSync(first.frame, all);
    const grid = new FastDetector({ grid: { cellWidthPx: 64, cellHeightPx: 48, perCell: 3 } });
    const n = grid.detectSync(first.frame, out);
    const perCell = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const cell = `${Math.floor((out.xy[2 * i] as number) / 64)},${Math.floor((out.xy[2 * i + 1] as number) / 48)}`;
      perCell.set(cell, [...(perCell.get(cell) ?? []), out.score[i] as number]);
    }
    expect(Math.max(...[...perCell.values()].map((v) => v.length))).toBe(3);
    // Each kept corner is at least as strong as every dropped corner of its cell.
    for (let i = 0; i < nAll; i++) {
      const cell = `${Math.floor((all.xy[2 * i] as number) / 64)},${Math.floor((all.xy[2 * i + 1] as number) / 48)}`;
      const kept = perCell.get(cell) ?? [];
      if (kept.length === 3) expect(all.score[i]).toBeLessThanOrEqual(Math.max(...kept));
    }
    const small = createCorners(100);
    expect(new FastDetector().detectSync(first.frame, small)).toBe(100);
    const sorted = Float32Array.from(all.score.subarray(0, nAll)).sort().reverse();
    expect(Math.min(...small.score)).toBe(sorted[99]);
  });
});

describe('FAST arguments', () => {
  const frame: GrayFrame = { data: new Uint8Array(64 * 48), widthPx: 64, heightPx: 48 };
  it('errors name the parameter and the value', () => {
    expect(() => new FastDetector({ threshold: 300 })).toThrow('"threshold" must be an integer in [0, 255], got 300');
    expect(() => new FastDetector({ grid: { cellWidthPx: 0, cellHeightPx: 8, perCell: 1 } })).toThrow(
      '"cellWidthPx" must be an integer in [1, 65536], got 0',
    );
    const det = new FastDetector();
    expect(() => det.detectSync({ ...frame, data: new Uint8Array(100) }, createCorners(10))).toThrow('"src" must hold 3072 bytes, got 100');
    expect(() => det.detectSync(frame, { capacity: 10, xy: new Float32Array(5), score: new Float32Array(10) })).toThrow(
      '"xy" must be 2 floats per score (20 floats), got 5',
    );
  });
  it('a sync call while the async one runs fails fast', async () => {
    const det = new FastDetector();
    const big: GrayFrame = { data: new Uint8Array(4000 * 3000).fill(7), widthPx: 4000, heightPx: 3000 };
    const pending = det.detect(big, createCorners(10));
    expect(() => det.detectSync(frame, createCorners(10))).toThrow('"FastDetector" must be idle (no unsettled async call using it), got busy');
    await pending;
  });
});
