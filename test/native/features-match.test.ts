/**
 * Hamming matching against `cv2.BFMatcher(cv2.NORM_HAMMING)` on OpenCV's own ORB descriptors of real
 * EuRoC frame pairs: `.match` without and with cross-check and `knnMatch(k=2)` identical; the ratio
 * test equals Lowe's test applied to OpenCV's two nearest; errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HammingMatcher, createMatches, type Matches } from '../../native/index.js';
import { encodeArray } from '../../bench/oracle/python.js';
import { CAN_COMPARE, decodeInt32, decodeUint8, loadFrames, runOracle } from './features-data.js';

interface OrbAnswer {
  frames: { count: number; descriptors: string }[];
}
interface MatchAnswer {
  plain: string;
  cross: string;
  knn: string;
}

/** Our matches as (query, train, distance) rows. */
function rows(m: Matches, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(m.queryIdx[i] as number, m.trainIdx[i] as number, m.distance[i] as number);
  return out;
}

const PAIRS: [number, number][] = [
  [100, 101],
  [0, 40],
  [200, 260],
  [450, 599],
];

describe.runIf(CAN_COMPARE)('matching vs cv2.BFMatcher on real ORB descriptors', () => {
  const sets: [Uint8Array, Uint8Array][] = [];
  beforeAll(async () => {
    for (const pair of PAIRS) {
      const frames = await loadFrames(pair);
      const orb = runOracle<OrbAnswer>('features_orb.py', { frames: frames.map((f) => f.path), nfeatures: 500 });
      sets.push([decodeUint8(orb.frames[0]?.descriptors ?? ''), decodeUint8(orb.frames[1]?.descriptors ?? '')]);
    }
  });

  it('match, cross-check and knnMatch(k=2) are identical on 4 frame pairs', () => {
    const matcher = new HammingMatcher();
    let total = 0;
    for (const [query, train] of sets) {
      const cv = runOracle<MatchAnswer>('features_match.py', { query: encodeArray(query), train: encodeArray(train) });
      const out = createMatches(query.length / 32);
      const plain = matcher.matchSync(query, train, out);
      expect(rows(out, plain)).toEqual([...decodeInt32(cv.plain)]);
      const cross = matcher.matchSync(query, train, out, { crossCheck: true });
      expect(rows(out, cross)).toEqual([...decodeInt32(cv.cross)]);
      const nq = query.length / 32;
      const knn = { trainIdx: new Int32Array(2 * nq), distance: new Int32Array(2 * nq) };
      matcher.knnMatchSync(query, train, knn);
      const ref = decodeInt32(cv.knn);
      for (let q = 0; q < nq; q++) {
        expect([knn.trainIdx[2 * q], knn.distance[2 * q], knn.trainIdx[2 * q + 1], knn.distance[2 * q + 1]]).toEqual([...ref.subarray(4 * q, 4 * q + 4)]);
      }
      // Lowe's ratio test on OpenCV's two nearest.
      const ratio = matcher.matchSync(query, train, out, { ratio: 0.8 });
      const expected: number[] = [];
      for (let q = 0; q < nq; q++) {
        const [t1, d1, t2, d2] = [...ref.subarray(4 * q, 4 * q + 4)] as [number, number, number, number];
        if (t2 >= 0 && d1 < 0.8 * d2) expected.push(q, t1, d1);
      }
      expect(rows(out, ratio)).toEqual(expected);
      total += cross;
      console.log(`matching ${nq}×${train.length / 32}: plain ${plain}, cross-check ${cross}, ratio 0.8 ${ratio} — identical to OpenCV`);
    }
    expect(total).toBeGreaterThan(0);
  });

  it('the async twin and the distance cap', async () => {
    const [first] = sets;
    if (first === undefined) throw new Error('no descriptors');
    const matcher = new HammingMatcher();
    const a = createMatches(first[0].length / 32);
    const b = createMatches(first[0].length / 32);
    const n = matcher.matchSync(first[0], first[1], a, { crossCheck: true, maxDistance: 40 });
    expect(await matcher.match(first[0], first[1], b, { crossCheck: true, maxDistance: 40 })).toBe(n);
    expect(rows(b, n)).toEqual(rows(a, n));
    expect(Math.max(...a.distance.subarray(0, n))).toBeLessThanOrEqual(40);
  });
});

describe('matching arguments', () => {
  it('errors name the parameter and the value', () => {
    expect(() => new HammingMatcher(12)).toThrow('"descriptorBytes" must be a multiple of 8 in [8, 512], got 12');
    const m = new HammingMatcher();
    expect(() => m.matchSync(new Uint8Array(40), new Uint8Array(32), createMatches(2))).toThrow(
      '"query" must be whole descriptors (32 bytes each), got 40 bytes',
    );
    expect(() => m.matchSync(new Uint8Array(64), new Uint8Array(32), createMatches(1))).toThrow('"queryIdx" must hold 2 ints, got 1');
    expect(() => m.matchSync(new Uint8Array(32), new Uint8Array(32), createMatches(1), { ratio: 1.5 })).toThrow(
      '"ratio" must be a number in (0, 1], got 1.5',
    );
  });
});
