//! Tap tables of the letterbox resize, kept per thread and rebuilt only when the frame or tensor
//! shape changes (so a stream of frames allocates nothing).
//!
//! Bilinear taps with OpenCV `INTER_LINEAR` pixel centres (`cv::resize`): destination pixel `d`
//! samples the source at `s = (d + 0.5) · srcLen / dstLen − 0.5`, taps `floor(s)` and
//! `floor(s) + 1`, clamped to the edge pixel (weight 0) when `s < 0` or `floor(s) ≥ srcLen − 1`.
//! Horizontal weights are quantized to 14 bits (`w1 = round(frac · 16384)`, `w0 = 16384 − w1`):
//! the horizontal interpolation is then an exact integer dot product (AVX2 `vpmaddwd`), at most
//! 255 · 2⁻¹⁵ ≈ 0.008 grey level from the exact bilinear value. Vertical weights stay `f64` and
//! enter the per-row float constants.

use std::cell::RefCell;

/// Fixed-point unit of the horizontal weights.
pub const ONE: i32 = 1 << 14;

/// What the tables depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanKey {
    pub width: usize,
    pub height: usize,
    pub bytes_per_pixel: usize,
    pub resized_width: usize,
    pub resized_height: usize,
}

/// One vertical tap: the two source rows and the weight of the second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowTap {
    pub top: usize,
    pub bottom: usize,
    pub weight: f64,
}

/// Tables of one letterbox shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub key: PlanKey,
    /// Byte offset of the left tap of each resized column within a source row.
    pub offsets: Vec<u32>,
    /// Byte offset of the right tap (the left one at the clamped right edge).
    pub right: Vec<u32>,
    /// Weight of the right tap, of [`ONE`].
    pub w1: Vec<i32>,
    /// `(ONE − w1, w1)` pairs laid out for the AVX2 colour kernel: per block of 8 columns, 4
    /// entries of 16 `i16`, entry `k` holding columns `k` (low lane) and `k + 4` (high lane),
    /// each pair repeated for the 4 bytes of a pixel.
    pub color_weights: Vec<[i16; 16]>,
    /// `(ONE − w1) | w1 << 16` per column (AVX2 gray kernel).
    pub gray_weights: Vec<i32>,
    /// Leading columns (a multiple of 8) whose 8-byte (colour) or 4-byte (gray) loads at
    /// `offsets` stay inside the row: the AVX2 kernels take these, the scalar one the rest.
    pub vector_columns: usize,
    pub rows: Vec<RowTap>,
    /// The source is exactly twice the resized size on both axes: every tap weight is ½ and
    /// the exact-2× kernels run.
    pub half: bool,
    /// Leading columns (a multiple of 8) the AVX2 exact-2× kernel takes: its 16-byte loads of
    /// 4 source pixels at `4·bpp·i` stay inside the row.
    pub half_vector_columns: usize,
}

/// `(index, weight of index + 1)` for destination `d` (module docs).
pub fn tap(d: usize, src_len: usize, dst_len: usize) -> (usize, f64) {
    let s = (d as f64 + 0.5) * (src_len as f64 / dst_len as f64) - 0.5;
    let i = s.floor();
    if s < 0.0 {
        (0, 0.0)
    } else if i as usize >= src_len - 1 {
        (src_len - 1, 0.0)
    } else {
        (i as usize, s - i)
    }
}

impl Plan {
    pub fn new(key: PlanKey) -> Self {
        let bpp = key.bytes_per_pixel;
        let row_bytes = key.width * bpp;
        let (mut offsets, mut right, mut w1) = (Vec::new(), Vec::new(), Vec::new());
        for d in 0..key.resized_width {
            let (i, f) = tap(d, key.width, key.resized_width);
            offsets.push((i * bpp) as u32);
            right.push((i + usize::from(i + 1 < key.width)) as u32 * bpp as u32);
            w1.push((f * f64::from(ONE)).round() as i32);
        }
        let load = if bpp == 1 { 4 } else { 8 };
        let safe = offsets
            .iter()
            .take_while(|&&o| o as usize + load <= row_bytes)
            .count();
        let vector_columns = safe / 8 * 8;
        let rows = (0..key.resized_height)
            .map(|d| {
                let (top, weight) = tap(d, key.height, key.resized_height);
                RowTap {
                    top,
                    bottom: (top + 1).min(key.height - 1),
                    weight,
                }
            })
            .collect();
        let half = key.width == 2 * key.resized_width && key.height == 2 * key.resized_height;
        // Block `j` of 8 columns reads source bytes up to `16·bpp·j + 12·bpp + 16`.
        let fits = |j: usize| 16 * bpp * j + 12 * bpp + 16 <= row_bytes;
        let half_blocks = (0..key.resized_width / 8).take_while(|&j| fits(j)).count();
        Self {
            key,
            half,
            half_vector_columns: if half { 8 * half_blocks } else { 0 },
            color_weights: color_weights(&w1, vector_columns),
            gray_weights: w1.iter().map(|&w| (ONE - w) | (w << 16)).collect(),
            offsets,
            right,
            w1,
            vector_columns,
            rows,
        }
    }
}

fn color_weights(w1: &[i32], columns: usize) -> Vec<[i16; 16]> {
    let mut out = Vec::with_capacity(columns / 2);
    for block in (0..columns).step_by(8) {
        for k in 0..4 {
            let mut e = [0i16; 16];
            for (lane, col) in [block + k, block + k + 4].into_iter().enumerate() {
                for c in 0..4 {
                    e[8 * lane + 2 * c] = (ONE - w1[col]) as i16;
                    e[8 * lane + 2 * c + 1] = w1[col] as i16;
                }
            }
            out.push(e);
        }
    }
    out
}

thread_local! {
    static CACHE: RefCell<Option<Plan>> = const { RefCell::new(None) };
}

/// Runs `f` with the plan of `key`, built on this thread's first call with that key.
pub fn with_plan<R>(key: PlanKey, f: impl FnOnce(&Plan) -> R) -> R {
    CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        if cache.as_ref().map(|p| p.key) != Some(key) {
            *cache = Some(Plan::new(key));
        }
        f(cache.as_ref().expect("plan just built"))
    })
}
