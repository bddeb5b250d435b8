/**
 * The linear assignment solver against brute force on every permutation (small matrices from a seeded
 * PRNG: fuzzing, not sensor data), the cost-limit rule of `lap.lapjv(extend_cost=True)`, and its errors.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../hal/faults/prng.js';
import { matchWithLimit, solveAssignment } from '../../src/layers/intelligence/mot/assignment.js';

/** A seeded PRNG for the fuzz matrices (the fault injector's mulberry32). */
const prng = mulberry32;

/** Minimum total over every injective map of the smaller side into the larger. */
function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  const used = new Uint8Array(Math.max(rows, cols));
  const rec = (r: number, acc: number): void => {
    if (r === Math.min(rows, cols)) {
      best = Math.min(best, acc);
      return;
    }
    for (let c = 0; c < Math.max(rows, cols); c += 1) {
      if (used[c] === 1) continue;
      used[c] = 1;
      rec(r + 1, acc + (rows <= cols ? (cost[r * cols + c] as number) : (cost[c * cols + r] as number)));
      used[c] = 0;
    }
  };
  rec(0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('finds the minimum-cost assignment of brute force on 300 square and rectangular matrices', () => {
    const rand = prng(5);
    for (let trial = 0; trial < 300; trial += 1) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const cost = Float64Array.from({ length: rows * cols }, () => Math.round(rand() * 100) / 10);
      const a = solveAssignment(cost, rows, cols);
      const cs = new Set<number>();
      let total = 0;
      a.forEach((c, r) => {
        if (c < 0) return;
        cs.add(c);
        total += cost[r * cols + c] as number;
      });
      expect(cs.size, `trial ${trial}`).toBe(Math.min(rows, cols));
      expect(total, `trial ${trial}: ${rows}×${cols}`).toBeCloseTo(bruteForce(cost, rows, cols), 9);
    }
  });

  it('leaves the extra rows out (−1) when there are more rows than columns', () => {
    // rows [5, 1], [2, 9], [3, 3]: row 0 → column 1 (1) and row 1 → column 0 (2) beat any use of row 2
    expect([...solveAssignment([5, 1, 2, 9, 3, 3], 3, 2)]).toEqual([1, 0, -1]);
  });

  it('handles empty matrices', () => {
    expect([...solveAssignment([], 0, 4)]).toEqual([]);
    expect([...solveAssignment([], 3, 0)]).toEqual([-1, -1, -1]);
  });

  it('names the bad argument', () => {
    expect(() => solveAssignment([1, 2, 3], 2, 2)).toThrow('"cost" must hold rows × cols = 4 values, got 3');
    expect(() => solveAssignment([1, NaN, 3, 4], 2, 2)).toThrow('"cost" must be finite, got NaN at row 0, column 1');
    expect(() => solveAssignment([], -1, 0)).toThrow('"rows" must be a whole number ≥ 0, got -1');
  });
});

describe('matchWithLimit', () => {
  it('never matches a pair costing more than the limit, and leaves its row and column unmatched', () => {
    // IoU distances of two tracks × three detections; limit 0.8 (ByteTrack first stage)
    const cost = [0.1, 0.95, 0.9, 0.85, 0.99, 0.3];
    expect(matchWithLimit(cost, 2, 3, 0.8)).toEqual({ matches: [[0, 0], [1, 2]], unmatchedRows: [], unmatchedCols: [1] });
    expect(matchWithLimit(cost, 2, 3, 0.2)).toEqual({ matches: [[0, 0]], unmatchedRows: [1], unmatchedCols: [1, 2] });
  });

  it('prefers two cheap pairs over one cheaper pair that blocks them, as lapjv with a cost limit does', () => {
    // row 0 – col 0 costs 0.1, but 0–1 (0.3) and 1–0 (0.3) together cost less than 0.1 + two unmatched (0.8)
    expect(matchWithLimit([0.1, 0.3, 0.3, 0.9], 2, 2, 0.8).matches).toEqual([[0, 1], [1, 0]]);
  });

  it('agrees with brute force over partial matchings on 200 fuzz matrices', () => {
    const rand = prng(11);
    for (let trial = 0; trial < 200; trial += 1) {
      const rows = Math.floor(rand() * 5);
      const cols = Math.floor(rand() * 5);
      const limit = 0.5;
      const cost = Float64Array.from({ length: rows * cols }, () => rand());
      const { matches, unmatchedRows, unmatchedCols } = matchWithLimit(cost, rows, cols, limit);
      const total = matches.reduce((acc, [r, c]) => acc + (cost[r * cols + c] as number), 0) + ((unmatchedRows.length + unmatchedCols.length) * limit) / 2;
      // brute force: every partial injective matching with pairs ≤ limit
      let best = Infinity;
      const usedC = new Uint8Array(cols);
      const rec = (r: number, acc: number): void => {
        if (r === rows) {
          const free = usedC.reduce((n, u) => n + (u === 0 ? 1 : 0), 0);
          best = Math.min(best, acc + (free * limit) / 2);
          return;
        }
        rec(r + 1, acc + limit / 2);
        for (let c = 0; c < cols; c += 1) {
          if (usedC[c] === 1 || (cost[r * cols + c] as number) > limit) continue;
          usedC[c] = 1;
          rec(r + 1, acc + (cost[r * cols + c] as number));
          usedC[c] = 0;
        }
      };
      rec(0, 0);
      expect(total, `trial ${trial}`).toBeCloseTo(best, 9);
    }
  });

  it('names a bad limit', () => {
    expect(() => matchWithLimit([0.5], 1, 1, Infinity)).toThrow('"limit" must be a finite number, got Infinity');
  });
});
