//! The reusable KLT tracker: pyramids of both frames (the next one kept for the following call),
//! derivative planes, the window, and the forward–backward pass.

use super::lanes::Portable;
use super::point::{track_level, LevelPlanes, PassOut};
use super::scharr::{scharr, ScharrScratch};
use super::window::Window;
use super::{KltParams, STATUS_FB_REJECTED, STATUS_TRACKED};
use crate::gray::{GrayView, Padded};
use crate::pyramid::GaussianPyramid;
use karana_core::error::{invalid, require_len, KaranaResult};

/// Per-point outputs of a track, caller-owned; `next` holds `(x, y)` pairs (and the initial guess
/// when tracking with initial flow).
pub struct Tracks<'a> {
    pub next: &'a mut [f32],
    pub status: &'a mut [u8],
    pub error: &'a mut [f32],
    /// Forward–backward distance, pixels (NaN where not measured); filled when the check is on.
    pub fb_error: Option<&'a mut [f32]>,
}

/// Which lane backend the window kernels use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "aarch64")]
    Neon,
}

/// Reusable pyramidal Lucas–Kanade tracker (see the module docs). Steady-state calls on frames of
/// one size allocate nothing.
pub struct KltTracker {
    params: KltParams,
    pyramids: [GaussianPyramid; 2],
    /// Which pyramid holds the frame tracked from next (the last call's `next`).
    last: Option<(usize, usize, usize)>,
    ix: Padded<i16>,
    iy: Padded<i16>,
    scharr: ScharrScratch,
    window: Window,
    back: Vec<f32>,
    back_status: Vec<u8>,
    back_error: Vec<f32>,
    backend: Backend,
}

impl KltTracker {
    /// A tracker with checked settings, using SSE2 (x86-64) or NEON (aarch64) window kernels.
    pub fn new(params: KltParams) -> KaranaResult<Self> {
        params.validate()?;
        #[cfg(target_arch = "x86_64")]
        let backend = Backend::Sse2;
        #[cfg(target_arch = "aarch64")]
        let backend = Backend::Neon;
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        let backend = Backend::Portable;
        Ok(Self {
            params,
            pyramids: Default::default(),
            last: None,
            ix: Padded::new(),
            iy: Padded::new(),
            scharr: ScharrScratch::default(),
            window: Window::new(params.window),
            back: Vec::new(),
            back_status: Vec::new(),
            back_error: Vec::new(),
            backend,
        })
    }

    /// The same tracker on the portable (array) window kernels, for tests and benchmarks.
    pub fn portable(params: KltParams) -> KaranaResult<Self> {
        let mut t = Self::new(params)?;
        t.backend = Backend::Portable;
        Ok(t)
    }

    pub fn params(&self) -> &KltParams {
        &self.params
    }

    /// Tracks `prev_xy` (pixel `(x, y)` pairs in `prev`) into `next`; returns how many points have
    /// status [`STATUS_TRACKED`]. `next`'s pyramid is kept for [`KltTracker::track_from_last`].
    pub fn track(
        &mut self,
        prev: &GrayView,
        next: &GrayView,
        prev_xy: &[f32],
        out: Tracks,
        use_initial: bool,
    ) -> KaranaResult<usize> {
        if (next.width, next.height) != (prev.width, prev.height) {
            let expected = format!("{}×{} like \"prev\"", prev.width, prev.height);
            return Err(invalid(
                "next",
                expected,
                format!("{}×{}", next.width, next.height),
            ));
        }
        check_outputs(prev_xy, &out)?;
        let top = self.params.top_level(prev.width, prev.height);
        let border = self.params.border();
        let from = match self.last {
            Some((slot, _, _)) => 1 - slot,
            None => 0,
        };
        self.pyramids[from].build(prev, top + 1, border);
        self.pyramids[1 - from].build(next, top + 1, border);
        self.last = Some((1 - from, next.width, next.height));
        Ok(self.run(from, top, prev_xy, out, use_initial))
    }

    /// Tracks from the frame given as `next` to the previous call into this `next`, reusing its
    /// pyramid. Errors when there was no previous call or the size changed.
    pub fn track_from_last(
        &mut self,
        next: &GrayView,
        prev_xy: &[f32],
        out: Tracks,
        use_initial: bool,
    ) -> KaranaResult<usize> {
        let Some((from, w, h)) = self.last else {
            return Err(invalid(
                "tracker",
                "given a frame before (call track first)",
                "no previous frame",
            ));
        };
        if (next.width, next.height) != (w, h) {
            return Err(invalid(
                "next",
                format!("{w}×{h} like the previous frame"),
                format!("{}×{}", next.width, next.height),
            ));
        }
        check_outputs(prev_xy, &out)?;
        let top = self.params.top_level(w, h);
        self.pyramids[1 - from].build(next, top + 1, self.params.border());
        self.last = Some((1 - from, w, h));
        Ok(self.run(from, top, prev_xy, out, use_initial))
    }

    /// Forward pass from pyramid `from`, then the backward check when enabled.
    fn run(
        &mut self,
        from: usize,
        top: usize,
        prev_xy: &[f32],
        out: Tracks,
        use_initial: bool,
    ) -> usize {
        let n = prev_xy.len() / 2;
        let Tracks {
            next,
            status,
            error,
            fb_error,
        } = out;
        let (next, status, error) = (&mut next[..2 * n], &mut status[..n], &mut error[..n]);
        self.pass(
            from,
            top,
            prev_xy,
            PassOut {
                next,
                status,
                error,
            },
            use_initial,
        );
        let mut fb_error = fb_error;
        if let Some(fb) = fb_error.as_deref_mut() {
            fb[..n].fill(f32::NAN);
        }
        if let Some(threshold) = self.params.fb_threshold {
            let mut back = std::mem::take(&mut self.back);
            let mut bs = std::mem::take(&mut self.back_status);
            let mut be = std::mem::take(&mut self.back_error);
            back.clear();
            back.extend_from_slice(next);
            bs.resize(n, 0);
            be.resize(n, 0.0);
            self.pass(
                1 - from,
                top,
                next,
                PassOut {
                    next: &mut back,
                    status: &mut bs,
                    error: &mut be,
                },
                false,
            );
            for k in 0..n {
                if status[k] != STATUS_TRACKED {
                    continue;
                }
                let d = (back[2 * k] - prev_xy[2 * k]).hypot(back[2 * k + 1] - prev_xy[2 * k + 1]);
                let d = if bs[k] == STATUS_TRACKED {
                    d
                } else {
                    f32::INFINITY
                };
                status[k] = if d <= threshold {
                    STATUS_TRACKED
                } else {
                    STATUS_FB_REJECTED
                };
                if let Some(fb) = fb_error.as_deref_mut() {
                    fb[k] = d;
                }
            }
            (self.back, self.back_status, self.back_error) = (back, bs, be);
        }
        status.iter().filter(|&&s| s == STATUS_TRACKED).count()
    }

    /// One direction, all levels from `top` down.
    fn pass(&mut self, from: usize, top: usize, xy: &[f32], mut out: PassOut, use_initial: bool) {
        out.status.fill(STATUS_TRACKED);
        out.error.fill(0.0);
        for level in (0..=top).rev() {
            let (i, j) = (
                self.pyramids[from].level(level),
                self.pyramids[1 - from].level(level),
            );
            scharr(
                i,
                &mut self.ix,
                &mut self.iy,
                self.params.border(),
                &mut self.scharr,
            );
            let planes = LevelPlanes {
                i,
                ix: &self.ix,
                iy: &self.iy,
                j,
                level,
                top,
            };
            let (w, prm) = (&mut self.window, &self.params);
            match self.backend {
                Backend::Portable => {
                    track_level::<Portable>(&planes, w, prm, xy, &mut out, use_initial)
                }
                #[cfg(target_arch = "x86_64")]
                Backend::Sse2 => {
                    track_level::<super::lanes::Sse2>(&planes, w, prm, xy, &mut out, use_initial)
                }
                #[cfg(target_arch = "aarch64")]
                Backend::Neon => {
                    track_level::<super::lanes::Neon>(&planes, w, prm, xy, &mut out, use_initial)
                }
            }
        }
    }
}

/// Lengths of the point list and the outputs.
fn check_outputs(prev_xy: &[f32], out: &Tracks) -> KaranaResult<()> {
    if !prev_xy.len().is_multiple_of(2) {
        return Err(invalid(
            "prevXy",
            "(x, y) pairs (an even length)",
            prev_xy.len(),
        ));
    }
    let n = prev_xy.len() / 2;
    require_len("nextXy", "floats", 2 * n, out.next.len())?;
    require_len("status", "bytes", n, out.status.len())?;
    require_len("error", "floats", n, out.error.len())?;
    if let Some(fb) = &out.fb_error {
        require_len("fbErrorPx", "floats", n, fb.len())?;
    }
    if let Some(k) = prev_xy.iter().position(|v| !v.is_finite()) {
        return Err(invalid(
            "prevXy",
            "finite numbers",
            format!("{} at index {k}", prev_xy[k]),
        ));
    }
    Ok(())
}
