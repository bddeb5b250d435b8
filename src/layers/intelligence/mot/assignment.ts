/**
 * Linear assignment (minimum-cost bipartite matching) for multi-object tracking: the shortest augmenting
 * path form of the Hungarian method with row and column potentials, O(n²·m) for n rows ≤ m columns — the
 * method of Jonker & Volgenant (Computing 38, 1987) without their initialisation heuristics, as written in
 * Crouse, "On implementing 2D rectangular assignment algorithms" (IEEE TAES 52(4), 2016), algorithm 1.
 *
 * {@link matchWithLimit} adds the "cost limit" of the `lap` package's `lapjv(…, extend_cost=True,
 * cost_limit=…)` that ByteTrack's `matching.linear_assignment` uses: every row and column may stay
 * unmatched at half the limit each, so a pair is only matched when that is cheaper overall.
 *
 * No npm library fits here without adding a dependency (none is installed); this one is small and tested
 * (test/layers/mot-assignment.test.ts, against brute force).
 */

/** A matched (row, column) pair. */
export type Match = readonly [row: number, col: number];

function checkMatrix(cost: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`"rows" must be a whole number ≥ 0, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`"cols" must be a whole number ≥ 0, got ${cols}`);
  if (cost.length !== rows * cols) throw new RangeError(`"cost" must hold rows × cols = ${rows * cols} values, got ${cost.length}`);
  for (let i = 0; i < cost.length; i += 1) {
    if (!Number.isFinite(cost[i])) throw new RangeError(`"cost" must be finite, got ${cost[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
  }
}

/**
 * Minimum-cost assignment of every row to a distinct column (or every column to a distinct row when there
 * are more rows than columns).
 * @param cost row-major `rows × cols` costs, finite.
 * @returns `rowToCol[r]` = the column of row r, −1 when r is left out (only when rows > cols).
 * @throws RangeError naming the argument when the sizes do not agree or a cost is not finite.
 */
export function solveAssignment(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  checkMatrix(cost, rows, cols);
  if (rows > cols) {
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) t[c * rows + r] = cost[r * cols + c] as number;
    const colToRow = shortestAugmentingPath(t, cols, rows);
    const rowToCol = new Int32Array(rows).fill(-1);
    colToRow.forEach((r, c) => {
      rowToCol[r] = c;
    });
    return rowToCol;
  }
  return shortestAugmentingPath(cost, rows, cols);
}

/** n ≤ m: potentials u (rows), v (columns); columns 1-based inside, 0 is the virtual start column. */
function shortestAugmentingPath(cost: ArrayLike<number>, n: number, m: number): Int32Array {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // 1-based row matched to column j, 0 = free
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i += 1) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j += 1) {
        if (used[j] === 1) continue;
        const cur = (cost[(i0 - 1) * m + (j - 1)] as number) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j += 1) {
        if (used[j] === 1) {
          const r = rowOfCol[j] as number;
          u[r] = (u[r] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      rowOfCol[j0] = rowOfCol[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j += 1) if ((rowOfCol[j] as number) > 0) rowToCol[(rowOfCol[j] as number) - 1] = j - 1;
  return rowToCol;
}

/**
 * Minimum-cost matching where each pair must cost at most `limit`: rows and columns may stay unmatched, at
 * `limit / 2` each (the `lap.lapjv` cost-limit extension used by ByteTrack). Costs above the limit may be
 * any finite number.
 * @returns the matched pairs by row, and the unmatched rows and columns in ascending order.
 * @throws RangeError as {@link solveAssignment}, or when `limit` is not a finite number.
 */
export function matchWithLimit(
  cost: ArrayLike<number>,
  rows: number,
  cols: number,
  limit: number,
): { matches: Match[]; unmatchedRows: number[]; unmatchedCols: number[] } {
  checkMatrix(cost, rows, cols);
  if (!Number.isFinite(limit)) throw new RangeError(`"limit" must be a finite number, got ${limit}`);
  const n = rows + cols;
  const ext = new Float64Array(n * n).fill(limit / 2);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) ext[r * n + c] = Math.min(cost[r * cols + c] as number, limit + 1);
    for (let c = cols; c < n; c += 1) ext[r * n + c] = limit / 2;
  }
  for (let r = rows; r < n; r += 1) for (let c = cols; c < n; c += 1) ext[r * n + c] = 0;
  const assigned = n === 0 ? new Int32Array(0) : solveAssignment(ext, n, n);
  const matches: Match[] = [];
  const colUsed = new Uint8Array(cols);
  const unmatchedRows: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    const c = assigned[r] as number;
    if (c >= 0 && c < cols && (cost[r * cols + c] as number) <= limit) {
      matches.push([r, c]);
      colUsed[c] = 1;
    } else unmatchedRows.push(r);
  }
  const unmatchedCols: number[] = [];
  for (let c = 0; c < cols; c += 1) if (colUsed[c] === 0) unmatchedCols.push(c);
  return { matches, unmatchedRows, unmatchedCols };
}
