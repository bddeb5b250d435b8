//! Spreading corners over the image for tracking: the `per_cell` strongest corners of each cell of a
//! regular grid, and the `n` strongest overall. Ties keep the corner that came first (row-major).

use super::Corner;

/// A grid of `cell_width × cell_height` pixel cells, the last row and column possibly partial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridSpread {
    pub cell_width: usize,
    pub cell_height: usize,
    /// Corners kept per cell.
    pub per_cell: usize,
}

/// Reusable buffers of the grid selection (allocation only when the grid or the corner count grows).
#[derive(Default)]
pub struct GridSelector {
    starts: Vec<u32>,
    cursor: Vec<u32>,
    order: Vec<u32>,
}

impl GridSelector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends to `out` (cleared first) at most `spread.per_cell` corners per cell, the strongest;
    /// cells in row-major order, each cell's corners by decreasing score.
    pub fn select(
        &mut self,
        corners: &[Corner],
        width: usize,
        height: usize,
        spread: &GridSpread,
        out: &mut Vec<Corner>,
    ) {
        out.clear();
        let cols = width.div_ceil(spread.cell_width).max(1);
        let rows = height.div_ceil(spread.cell_height).max(1);
        let cell = |c: &Corner| {
            let cx = (c.x as usize / spread.cell_width).min(cols - 1);
            let cy = (c.y as usize / spread.cell_height).min(rows - 1);
            cy * cols + cx
        };
        // Counting sort by cell, stable: within a cell the corners stay in row-major order.
        self.starts.clear();
        self.starts.resize(cols * rows + 1, 0);
        for c in corners {
            self.starts[cell(c) + 1] += 1;
        }
        for i in 1..self.starts.len() {
            self.starts[i] += self.starts[i - 1];
        }
        self.order.clear();
        self.order.resize(corners.len(), 0);
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.starts[..cols * rows]);
        for (i, c) in corners.iter().enumerate() {
            let k = cell(c);
            self.order[self.cursor[k] as usize] = i as u32;
            self.cursor[k] += 1;
        }
        for k in 0..cols * rows {
            let bucket = &mut self.order[self.starts[k] as usize..self.starts[k + 1] as usize];
            bucket.sort_unstable_by(|&a, &b| {
                corners[b as usize]
                    .score
                    .cmp(&corners[a as usize].score)
                    .then(a.cmp(&b))
            });
            out.extend(
                bucket
                    .iter()
                    .take(spread.per_cell)
                    .map(|&i| corners[i as usize]),
            );
        }
    }
}

/// Keeps the `n` strongest of `corners` in place, in their original order: every corner scoring
/// above the cut, then the earliest ones scoring at the cut (a 256-bin histogram; no allocation).
pub fn keep_strongest(corners: &mut Vec<Corner>, n: usize) {
    if corners.len() <= n {
        return;
    }
    let mut hist = [0usize; 256];
    for c in corners.iter() {
        hist[c.score as usize] += 1;
    }
    let (mut above, mut cut) = (0usize, 255usize);
    while above + hist[cut] < n {
        above += hist[cut];
        cut -= 1;
    }
    let mut at_cut = n - above;
    corners.retain(|c| {
        let s = c.score as usize;
        if s > cut {
            true
        } else if s == cut && at_cut > 0 {
            at_cut -= 1;
            true
        } else {
            false
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: u32, y: u32, score: u8) -> Corner {
        Corner { x, y, score }
    }

    #[test]
    fn keeps_the_strongest_per_cell() {
        let corners = [
            c(1, 1, 5),
            c(2, 1, 9),
            c(12, 1, 3),
            c(3, 2, 9),
            c(4, 12, 7),
            c(15, 15, 1),
        ];
        let mut sel = GridSelector::new();
        let mut out = Vec::new();
        let spread = GridSpread {
            cell_width: 10,
            cell_height: 10,
            per_cell: 2,
        };
        sel.select(&corners, 20, 20, &spread, &mut out);
        assert_eq!(
            out,
            [
                c(2, 1, 9),
                c(3, 2, 9),
                c(12, 1, 3),
                c(4, 12, 7),
                c(15, 15, 1)
            ]
        );
        // A second call reuses the buffers and gives the same answer.
        sel.select(&corners, 20, 20, &spread, &mut out);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn strongest_overall_keeps_order_and_earliest_ties() {
        let mut v = vec![c(0, 0, 3), c(1, 0, 8), c(2, 0, 3), c(3, 0, 5), c(4, 0, 3)];
        keep_strongest(&mut v, 3);
        assert_eq!(v, [c(0, 0, 3), c(1, 0, 8), c(3, 0, 5)]);
    }
}
