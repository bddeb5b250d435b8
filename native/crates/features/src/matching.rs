//! Brute-force matching of binary descriptors by Hamming distance, with OpenCV's results:
//! `BFMatcher(NORM_HAMMING, crossCheck)` `.match` and `.knnMatch(k = 2)` (core `batchDistance`).
//!
//! One pass over all query × train pairs keeps, for each query, its two nearest trains (ties: the
//! lower train index first) and, for each train, its nearest query (ties: the lower query index).
//! - nearest neighbour: each query's nearest train;
//! - cross-check: kept only when that train's nearest query is this query (mutual nearest
//!   neighbours, as OpenCV 5's `crossCheck=True`);
//! - ratio test (D. G. Lowe, "Distinctive image features from scale-invariant keypoints", IJCV
//!   2004, §7.1): kept only when `d₁ < ratio · d₂` (a query with one train candidate fails it);
//! - `max_distance`: kept only when `d₁ ≤ max_distance`.
//!
//! Popcount: the x86-64 `POPCNT` instruction when the CPU has it (chosen at run time), `CNT` on
//! aarch64, a bit-twiddling count otherwise; all give the same distances.

use karana_core::error::{invalid, KaranaResult};

/// One match: indices into the query and train sets, and their Hamming distance, bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub query: u32,
    pub train: u32,
    pub distance: u32,
}

/// Filters applied to each query's nearest train.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct MatchFilter {
    pub cross_check: bool,
    /// Lowe's ratio, compared in f64 as `d₁ < ratio · d₂` (as Python code does).
    pub ratio: Option<f64>,
    pub max_distance: Option<u32>,
}

/// No candidate (distance field of an absent neighbour).
const NONE: (u32, u32) = (u32::MAX, u32::MAX);

/// Reusable matcher for descriptors of `bytes` bytes (a multiple of 8).
pub struct HammingMatcher {
    bytes: usize,
    /// Per query: the two nearest `(distance, train)`.
    nearest: Vec<[(u32, u32); 2]>,
    /// Per train: the nearest `(distance, query)`.
    reverse: Vec<(u32, u32)>,
    popcnt: bool,
}

impl HammingMatcher {
    /// A matcher; `bytes` must be a multiple of 8 in [8, 512] (ORB: 32).
    pub fn new(bytes: usize) -> KaranaResult<Self> {
        if !(8..=512).contains(&bytes) || !bytes.is_multiple_of(8) {
            return Err(invalid(
                "descriptorBytes",
                "a multiple of 8 in [8, 512]",
                bytes,
            ));
        }
        Ok(Self {
            bytes,
            nearest: Vec::new(),
            reverse: Vec::new(),
            popcnt: popcnt_available(),
        })
    }

    /// The same matcher without the popcount instruction (for tests and benchmarks).
    pub fn portable(bytes: usize) -> KaranaResult<Self> {
        let mut m = Self::new(bytes)?;
        m.popcnt = false;
        Ok(m)
    }

    pub fn descriptor_bytes(&self) -> usize {
        self.bytes
    }

    /// Number of descriptors in `set` (named `name` in errors), checking whole descriptors.
    pub fn count(&self, name: &'static str, set: &[u8]) -> KaranaResult<usize> {
        if !set.len().is_multiple_of(self.bytes) {
            let expected = format!("whole descriptors ({} bytes each)", self.bytes);
            return Err(invalid(name, expected, format!("{} bytes", set.len())));
        }
        Ok(set.len() / self.bytes)
    }

    /// Matches every query against all trains and appends to `out` (cleared first) the matches that
    /// pass `filter`, in query order.
    pub fn match_sets(
        &mut self,
        query: &[u8],
        train: &[u8],
        filter: &MatchFilter,
        out: &mut Vec<Match>,
    ) -> KaranaResult<()> {
        out.clear();
        self.scan(query, train)?;
        for (q, [(d1, t), (d2, _)]) in self.nearest.iter().enumerate() {
            if *t == u32::MAX {
                continue;
            }
            let mutual = !filter.cross_check || self.reverse[*t as usize].1 == q as u32;
            let distinct = filter
                .ratio
                .is_none_or(|r| *d2 != u32::MAX && f64::from(*d1) < r * f64::from(*d2));
            let close = filter.max_distance.is_none_or(|m| *d1 <= m);
            if mutual && distinct && close {
                out.push(Match {
                    query: q as u32,
                    train: *t,
                    distance: *d1,
                });
            }
        }
        Ok(())
    }

    /// The two nearest trains of each query, as OpenCV `knnMatch(k = 2)`: `train_idx` and
    /// `distance` get `2 · queries` entries, nearest first; −1 where there is no second train.
    pub fn knn2(
        &mut self,
        query: &[u8],
        train: &[u8],
        train_idx: &mut [i32],
        distance: &mut [i32],
    ) -> KaranaResult<()> {
        self.scan(query, train)?;
        for (q, pair) in self.nearest.iter().enumerate() {
            for (k, &(d, t)) in pair.iter().enumerate() {
                let absent = t == u32::MAX;
                train_idx[2 * q + k] = if absent { -1 } else { t as i32 };
                distance[2 * q + k] = if absent { -1 } else { d as i32 };
            }
        }
        Ok(())
    }

    /// Fills `nearest` and `reverse` for all pairs.
    fn scan(&mut self, query: &[u8], train: &[u8]) -> KaranaResult<()> {
        let (nq, nt) = (self.count("query", query)?, self.count("train", train)?);
        self.nearest.clear();
        self.nearest.resize(nq, [NONE; 2]);
        self.reverse.clear();
        self.reverse.resize(nt, NONE);
        let sets = Sets {
            query,
            train,
            bytes: self.bytes,
        };
        #[cfg(target_arch = "x86_64")]
        if self.popcnt {
            // SAFETY: the CPU has POPCNT (checked at construction).
            unsafe { scan_popcnt(&sets, &mut self.nearest, &mut self.reverse) };
            return Ok(());
        }
        scan_all(&sets, &mut self.nearest, &mut self.reverse);
        Ok(())
    }
}

/// The two descriptor sets of one scan.
struct Sets<'a> {
    query: &'a [u8],
    train: &'a [u8],
    bytes: usize,
}

fn popcnt_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        true
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn scan_popcnt(s: &Sets, nearest: &mut [[(u32, u32); 2]], reverse: &mut [(u32, u32)]) {
    scan_all(s, nearest, reverse)
}

/// All pairs, specialised for 32- and 64-byte descriptors.
#[inline(always)]
fn scan_all(s: &Sets, nearest: &mut [[(u32, u32); 2]], reverse: &mut [(u32, u32)]) {
    match s.bytes {
        32 => scan_words::<4>(s, nearest, reverse),
        64 => scan_words::<8>(s, nearest, reverse),
        _ => scan_dyn(s, nearest, reverse),
    }
}

#[inline(always)]
fn words<const N: usize>(d: &[u8]) -> [u64; N] {
    std::array::from_fn(|i| u64::from_le_bytes(d[8 * i..8 * i + 8].try_into().unwrap()))
}

#[inline(always)]
fn scan_words<const N: usize>(
    s: &Sets,
    nearest: &mut [[(u32, u32); 2]],
    reverse: &mut [(u32, u32)],
) {
    for (q, (qd, best)) in s
        .query
        .chunks_exact(8 * N)
        .zip(nearest.iter_mut())
        .enumerate()
    {
        let qw = words::<N>(qd);
        for (t, (td, rev)) in s
            .train
            .chunks_exact(8 * N)
            .zip(reverse.iter_mut())
            .enumerate()
        {
            let tw = words::<N>(td);
            let d = (0..N).map(|i| (qw[i] ^ tw[i]).count_ones()).sum::<u32>();
            update(best, rev, d, q as u32, t as u32);
        }
    }
}

fn scan_dyn(s: &Sets, nearest: &mut [[(u32, u32); 2]], reverse: &mut [(u32, u32)]) {
    for (q, (qd, best)) in s
        .query
        .chunks_exact(s.bytes)
        .zip(nearest.iter_mut())
        .enumerate()
    {
        for (t, (td, rev)) in s
            .train
            .chunks_exact(s.bytes)
            .zip(reverse.iter_mut())
            .enumerate()
        {
            let d = qd
                .chunks_exact(8)
                .zip(td.chunks_exact(8))
                .map(|(a, b)| {
                    (u64::from_le_bytes(a.try_into().unwrap())
                        ^ u64::from_le_bytes(b.try_into().unwrap()))
                    .count_ones()
                })
                .sum::<u32>();
            update(best, rev, d, q as u32, t as u32);
        }
    }
}

/// Keeps the two nearest per query and the nearest per train; strict `<`, so earlier indices win
/// ties (pairs are visited in increasing index order).
#[inline(always)]
fn update(best: &mut [(u32, u32); 2], rev: &mut (u32, u32), d: u32, q: u32, t: u32) {
    if d < best[0].0 {
        best[1] = best[0];
        best[0] = (d, t);
    } else if d < best[1].0 {
        best[1] = (d, t);
    }
    if d < rev.0 {
        *rev = (d, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(rows: &[[u8; 8]]) -> Vec<u8> {
        rows.iter().flatten().copied().collect()
    }

    #[test]
    fn nearest_cross_check_ratio_and_ties() {
        // Query 0 is nearest to train 1 (1 bit) and train 1 is nearest to query 0: kept by all.
        // Query 1 ties trains 0 and 2 (2 bits each): the lower index (0) is nearest; train 0's
        // nearest query is 2 (0 bits), so cross-check drops query 1.
        let q = set(&[
            [0x01, 0, 0, 0, 0, 0, 0, 0],
            [0x30, 0, 0, 0, 0, 0, 0, 0],
            [0xF0, 0, 0, 0, 0, 0, 0, 0],
        ]);
        let t = set(&[
            [0xF0, 0, 0, 0, 0, 0, 0, 0],
            [0x03, 0, 0, 0, 0, 0, 0, 0],
            [0x33, 0, 0, 0, 0, 0, 0, 0],
        ]);
        for mut m in [
            HammingMatcher::new(8).unwrap(),
            HammingMatcher::portable(8).unwrap(),
        ] {
            let mut out = Vec::new();
            m.match_sets(&q, &t, &MatchFilter::default(), &mut out)
                .unwrap();
            let got: Vec<_> = out.iter().map(|m| (m.query, m.train, m.distance)).collect();
            assert_eq!(got, [(0, 1, 1), (1, 0, 2), (2, 0, 0)]);
            let cross = MatchFilter {
                cross_check: true,
                ..Default::default()
            };
            m.match_sets(&q, &t, &cross, &mut out).unwrap();
            assert_eq!(out.iter().map(|m| m.query).collect::<Vec<_>>(), [0, 2]);
            // Ratio 0.5: query 0 has 1 vs 3 bits (kept), query 1 has 2 vs 2 (dropped), query 2 has
            // 0 vs 4 (kept).
            let ratio = MatchFilter {
                ratio: Some(0.5),
                ..Default::default()
            };
            m.match_sets(&q, &t, &ratio, &mut out).unwrap();
            assert_eq!(out.iter().map(|m| m.query).collect::<Vec<_>>(), [0, 2]);
            let (mut idx, mut dist) = (vec![0; 6], vec![0; 6]);
            m.knn2(&q, &t, &mut idx, &mut dist).unwrap();
            assert_eq!(idx, [1, 2, 0, 2, 0, 2]);
            assert_eq!(dist, [1, 3, 2, 2, 0, 4]);
        }
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(
            HammingMatcher::new(12).err().unwrap().to_string(),
            "\"descriptorBytes\" must be a multiple of 8 in [8, 512], got 12"
        );
        let mut m = HammingMatcher::new(32).unwrap();
        let e = m
            .match_sets(&[0; 40], &[0; 32], &MatchFilter::default(), &mut Vec::new())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"query\" must be whole descriptors (32 bytes each), got 40 bytes"
        );
        let (mut i, mut d) = (vec![0; 2], vec![0; 2]);
        m.knn2(&[0; 32], &[], &mut i, &mut d).unwrap();
        assert_eq!(i, [-1, -1]);
    }
}
