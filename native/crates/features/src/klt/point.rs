//! One level of pyramidal Lucas–Kanade for a set of points: J.-Y. Bouguet, "Pyramidal
//! Implementation of the Lucas Kanade Feature Tracker: Description of the algorithm", Intel, 2000,
//! step by step as OpenCV's `LKTrackerInvoker` (video `lkpyramid.cpp`), f32 where OpenCV uses f32.

use super::lanes::Lanes;
use super::window::{weights, Window};
use super::{KltParams, STATUS_LOST};
use crate::gray::Padded;
use crate::round::floor_i32;

/// The planes of one level: previous image `i` with its derivatives, next image `j`.
pub(crate) struct LevelPlanes<'a> {
    pub i: &'a Padded<u8>,
    pub ix: &'a Padded<i16>,
    pub iy: &'a Padded<i16>,
    pub j: &'a Padded<u8>,
    pub level: usize,
    pub top: usize,
}

/// Per-point outputs, flat: `next` holds `(x, y)` pairs.
pub(crate) struct PassOut<'a> {
    pub next: &'a mut [f32],
    pub status: &'a mut [u8],
    pub error: &'a mut [f32],
}

/// Whether the window with top-left `(x, y)` may be sampled (OpenCV's bounds: at most a window
/// outside the image on the left and top, starting inside it).
fn in_bounds((x, y): (isize, isize), plane: &Padded<u8>, side: isize) -> bool {
    x >= -side && x < plane.width as isize && y >= -side && y < plane.height as isize
}

/// Tracks every point of `prev_xy` through level `p.level`, refining `out.next` (which holds the
/// guess from the level above, or the initial flow at the top level when `use_initial`).
pub(crate) fn track_level<L: Lanes>(
    p: &LevelPlanes,
    win: &mut Window,
    prm: &KltParams,
    prev_xy: &[f32],
    out: &mut PassOut,
    use_initial: bool,
) {
    let side = prm.window as isize;
    let half = (prm.window - 1) as f32 * 0.5;
    let scale = (1.0 / f64::from(1u32 << p.level)) as f32;
    let flt = 1.0f32 / (1u32 << 20) as f32;
    let eps2 = prm.epsilon.clamp(0.0, 10.0).powi(2);
    for k in 0..out.status.len() {
        let (px, py) = (prev_xy[2 * k] * scale, prev_xy[2 * k + 1] * scale);
        let (mut nx, mut ny) = if p.level < p.top {
            (out.next[2 * k] * 2.0, out.next[2 * k + 1] * 2.0)
        } else if use_initial {
            (out.next[2 * k] * scale, out.next[2 * k + 1] * scale)
        } else {
            (px, py)
        };
        out.next[2 * k] = nx;
        out.next[2 * k + 1] = ny;
        let (px, py) = (px - half, py - half);
        let ip = (floor_i32(px) as isize, floor_i32(py) as isize);
        if !in_bounds(ip, p.i, side) {
            if p.level == 0 {
                out.status[k] = STATUS_LOST;
                out.error[k] = 0.0;
            }
            continue;
        }
        let w = weights(px - ip.0 as f32, py - ip.1 as f32);
        // SAFETY: `ip` is in bounds and the planes carry a border wider than the padded window.
        let g = unsafe { win.sample::<L>(p.i, (p.ix, p.iy), ip, w) };
        let (a11, a12, a22) = (g[0] as f32 * flt, g[1] as f32 * flt, g[2] as f32 * flt);
        let det = a11 * a22 - a12 * a12;
        let area2 = (2 * prm.window * prm.window) as f32;
        let min_eig = (a22 + a11 - ((a11 - a22) * (a11 - a22) + 4.0 * a12 * a12).sqrt()) / area2;
        if min_eig < prm.min_eig_threshold as f32 || det < f32::EPSILON {
            if p.level == 0 {
                out.status[k] = STATUS_LOST;
            }
            continue;
        }
        let inv_det = 1.0 / det;
        nx -= half;
        ny -= half;
        let mut prev_delta = (0f32, 0f32);
        for it in 0..prm.max_iterations {
            let inext = (floor_i32(nx) as isize, floor_i32(ny) as isize);
            if !in_bounds(inext, p.j, side) {
                if p.level == 0 {
                    out.status[k] = STATUS_LOST;
                }
                break;
            }
            let w = weights(nx - inext.0 as f32, ny - inext.1 as f32);
            // SAFETY: as above, for the next image.
            let b = unsafe { win.mismatch::<L>(p.j, inext, w) };
            let (b1, b2) = (b[0] as f32 * flt, b[1] as f32 * flt);
            let dx = (a12 * b2 - a22 * b1) * inv_det;
            let dy = (a12 * b1 - a11 * b2) * inv_det;
            nx += dx;
            ny += dy;
            out.next[2 * k] = nx + half;
            out.next[2 * k + 1] = ny + half;
            if f64::from(dx) * f64::from(dx) + f64::from(dy) * f64::from(dy) <= eps2 {
                break;
            }
            // Oscillating between two positions: settle half-way (OpenCV's rule).
            if it > 0
                && f64::from((dx + prev_delta.0).abs()) < 0.01
                && f64::from((dy + prev_delta.1).abs()) < 0.01
            {
                out.next[2 * k] -= dx * 0.5;
                out.next[2 * k + 1] -= dy * 0.5;
                break;
            }
            prev_delta = (dx, dy);
        }
        if p.level == 0 && out.status[k] != STATUS_LOST {
            finish_error::<L>(p, win, prm, k, out, half);
        }
    }
}

/// OpenCV's error: mean absolute difference over the window at the final position, grey levels.
fn finish_error<L: Lanes>(
    p: &LevelPlanes,
    win: &mut Window,
    prm: &KltParams,
    k: usize,
    out: &mut PassOut,
    half: f32,
) {
    let (ex, ey) = (out.next[2 * k] - half, out.next[2 * k + 1] - half);
    let ie = (floor_i32(ex) as isize, floor_i32(ey) as isize);
    if !in_bounds(ie, p.j, prm.window as isize) {
        out.status[k] = STATUS_LOST;
        return;
    }
    let w = weights(ex - ie.0 as f32, ey - ie.1 as f32);
    // SAFETY: in bounds, as above.
    let total = unsafe { win.abs_error::<L>(p.j, ie, w) };
    out.error[k] = total as f32 / (32 * prm.window * prm.window) as f32;
}
