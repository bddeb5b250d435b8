//! The boxes a greedy NMS has kept so far, indexed for the screen: per group (class, or one for
//! all), a chain of blocks of eight boxes in structure-of-arrays form, so that a candidate is
//! compared only with the kept boxes of its own group, eight at a time.
//!
//! The screen works on float32 copies of the boxes rounded outwards (supersets of the true
//! boxes), so it never misses an intersection; the exact test is the caller's (`nms`).

/// Boxes per block (one AVX register of float32, two NEON).
pub const LANES: usize = 8;
/// End of a chain.
const NONE: u32 = u32::MAX;

/// Kept-box scratch; capacity N boxes over up to `groups` groups, fixed at construction.
pub struct Kept {
    /// Outward-rounded corners, lane `8·block + l`; unused lanes hold an empty box
    /// (`x1 = y1 = +inf`, `x2 = y2 = −inf`) that intersects nothing.
    x1: Vec<f32>,
    y1: Vec<f32>,
    x2: Vec<f32>,
    y2: Vec<f32>,
    /// Candidate slot of each lane.
    lane_slot: Vec<u32>,
    /// Next block of the same group, or `NONE`.
    next: Vec<u32>,
    /// Per group: first and last block (`NONE` when empty) and lanes used in the last.
    first: Vec<u32>,
    last: Vec<u32>,
    fill: Vec<u32>,
    blocks: usize,
    /// Candidate slot of each kept box, in greedy (descending score) order.
    pub slots: Vec<u32>,
}

impl Kept {
    /// Scratch for up to `anchors` kept boxes in up to `groups` groups: at most
    /// `⌈anchors / 8⌉ + groups` blocks (each group's last block may be partly filled).
    pub fn with_capacity(anchors: usize, groups: usize) -> Self {
        let lanes = (anchors.div_ceil(LANES) + groups) * LANES;
        Self {
            x1: vec![0.0; lanes],
            y1: vec![0.0; lanes],
            x2: vec![0.0; lanes],
            y2: vec![0.0; lanes],
            lane_slot: vec![0; lanes],
            next: vec![NONE; lanes / LANES],
            first: vec![NONE; groups],
            last: vec![NONE; groups],
            fill: vec![0; groups],
            blocks: 0,
            slots: Vec::with_capacity(anchors),
        }
    }

    /// Empties every group.
    pub fn clear(&mut self) {
        self.first.fill(NONE);
        self.blocks = 0;
        self.slots.clear();
    }

    /// Appends a kept box (outward-rounded corners) to `group`.
    #[inline(always)]
    pub fn push(&mut self, slot: u32, b: [f32; 4], group: usize) {
        if self.first[group] == NONE || self.fill[group] as usize == LANES {
            let block = self.blocks as u32;
            self.blocks += 1;
            let lanes = self.blocks * LANES - LANES..self.blocks * LANES;
            self.x1[lanes.clone()].fill(f32::INFINITY);
            self.y1[lanes.clone()].fill(f32::INFINITY);
            self.x2[lanes.clone()].fill(f32::NEG_INFINITY);
            self.y2[lanes].fill(f32::NEG_INFINITY);
            self.next[block as usize] = NONE;
            match self.first[group] {
                NONE => self.first[group] = block,
                _ => self.next[self.last[group] as usize] = block,
            }
            self.last[group] = block;
            self.fill[group] = 0;
        }
        let i = self.last[group] as usize * LANES + self.fill[group] as usize;
        (self.x1[i], self.y1[i], self.x2[i], self.y2[i]) = (b[0], b[1], b[2], b[3]);
        self.lane_slot[i] = slot;
        self.fill[group] += 1;
        self.slots.push(slot);
    }

    /// First block of `group` (`None` when the group is empty).
    #[inline(always)]
    pub fn first_block(&self, group: usize) -> Option<usize> {
        Self::block(self.first[group])
    }

    /// The block after `block` in its group.
    #[inline(always)]
    pub fn next_block(&self, block: usize) -> Option<usize> {
        Self::block(self.next[block])
    }

    #[inline(always)]
    fn block(b: u32) -> Option<usize> {
        (b != NONE).then_some(b as usize)
    }

    /// Candidate slot of lane `l` of `block`.
    #[inline(always)]
    pub fn slot(&self, block: usize, l: usize) -> usize {
        self.lane_slot[block * LANES + l] as usize
    }

    /// Bit `l` set when lane `l` of `block` intersects `b` (outward-rounded float32 corners); on
    /// the platform's vector unit when `SIMD` (`simd_x86`, `simd_neon`), else portable.
    #[inline(always)]
    pub fn screen<const SIMD: bool>(&self, block: usize, b: [f32; 4]) -> u32 {
        let r = block * LANES..block * LANES + LANES;
        let k = [
            &self.x1[r.clone()],
            &self.y1[r.clone()],
            &self.x2[r.clone()],
            &self.y2[r],
        ];
        #[cfg(target_arch = "x86_64")]
        if SIMD {
            // SAFETY: `SIMD` code is only reached through `Decoder::run_avx2`, after AVX2 detection.
            return unsafe { super::simd_x86::screen(k, b) };
        }
        #[cfg(target_arch = "aarch64")]
        if SIMD {
            return super::simd_neon::screen(k, b);
        }
        screen_portable(k, b)
    }
}

/// Portable `screen`: `min(x2) > max(x1)` and the same in y, per lane (`min`/`max` as selects:
/// `a < b ? a : b`, exactly `minps`), OR-reduced into a bit mask.
#[inline(always)]
fn screen_portable(k: [&[f32]; 4], b: [f32; 4]) -> u32 {
    let [x1, y1, x2, y2] = k;
    let mut bits = [0u32; LANES];
    for l in 0..LANES {
        let ix = min(x2[l], b[2]) > max(x1[l], b[0]);
        let iy = min(y2[l], b[3]) > max(y1[l], b[1]);
        bits[l] = u32::from(ix & iy) << l;
    }
    bits.iter().fold(0, |m, &b| m | b)
}

#[inline(always)]
fn min(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

#[inline(always)]
fn max(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_chain_their_own_blocks() {
        let mut k = Kept::with_capacity(20, 2);
        k.clear();
        for i in 0..19u32 {
            let x = 20.0 * i as f32;
            k.push(i, [x, 0.0, x + 10.0, 10.0], (i % 2) as usize);
        }
        // Group 0: 10 boxes (2 blocks), group 1: 9 boxes (2 blocks).
        let b0 = k.first_block(0).unwrap();
        let b1 = k.next_block(b0).unwrap();
        assert_eq!(k.next_block(b1), None);
        assert_eq!((k.slot(b0, 0), k.slot(b0, 7), k.slot(b1, 1)), (0, 14, 18));
        // A box over x = 285..295 meets kept box 14 (x 280..290, group 0, lane 7 of b0) only.
        let probe = [285.0, 2.0, 295.0, 8.0];
        assert_eq!(k.screen::<false>(b0, probe), 1 << 7);
        assert_eq!(k.screen::<false>(b1, probe), 0);
        let g1 = k.first_block(1).unwrap();
        assert_eq!(k.screen::<false>(g1, probe), 0);
        #[cfg(target_arch = "x86_64")]
        let simd = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let simd = cfg!(target_arch = "aarch64");
        if simd {
            assert_eq!(k.screen::<true>(b0, probe), 1 << 7);
            assert_eq!(k.screen::<true>(b1, probe), 0);
        }
        k.clear();
        assert_eq!(k.first_block(0), None);
    }
}
