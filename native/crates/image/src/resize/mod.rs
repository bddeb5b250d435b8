//! Resize of 8-bit images, matching OpenCV `cv::resize` (5.0, `modules/imgproc/src/resize.cpp`)
//! with `INTER_LINEAR` and `INTER_AREA`, including its dispatch:
//!
//! - same size: a copy;
//! - `INTER_LINEAR` by exactly 2 on both axes: `INTER_AREA` (OpenCV's shortcut);
//! - `INTER_AREA` when both axes shrink: box averaging over the exact pixel areas (integer
//!   factors: [`area::AreaFast`]; otherwise fractional coverage weights, [`area::AreaTable`]);
//! - otherwise separable two-tap interpolation in 11-bit fixed point ([`linear`]), with OpenCV's
//!   pixel centres for `INTER_LINEAR` and its "area" variant of the taps for `INTER_AREA` when an
//!   axis grows.
//!
//! A [`ResizePlan`] holds the tap tables for one (source size, destination size, channels,
//! interpolation); running it allocates nothing (scratch rows live on the stack, in strips).

pub mod area;
pub mod linear;
#[cfg(target_arch = "x86_64")]
mod x86;

use crate::format::output_bytes;
use karana_core::error::{invalid, require_disjoint, require_len, KaranaResult};

/// The interpolation, as `cv::resize` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interpolation {
    /// `INTER_LINEAR`.
    Linear,
    /// `INTER_AREA`.
    Area,
}

impl Interpolation {
    /// Parses `"linear"` / `"area"`.
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "linear" => Ok(Self::Linear),
            "area" => Ok(Self::Area),
            other => Err(invalid(
                name,
                "\"linear\" or \"area\"",
                format!("\"{other}\""),
            )),
        }
    }
}

/// Which OpenCV code path the sizes select.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Copy,
    Separable(linear::Separable),
    AreaFast(area::AreaFast),
    Area(area::AreaTable),
}

/// Tap tables of one resize, reusable for every frame of that shape.
#[derive(Clone, Debug, PartialEq)]
pub struct ResizePlan {
    pub src_width: usize,
    pub src_height: usize,
    pub dst_width: usize,
    pub dst_height: usize,
    /// Interleaved 8-bit channels per pixel (1, 3 or 4).
    pub channels: usize,
    kind: Kind,
}

impl ResizePlan {
    /// Plans `src → dst` for `channels`-channel pixels, choosing OpenCV's path (module docs).
    ///
    /// Errors: `"channels"` not 1, 3 or 4.
    pub fn new(
        src: (usize, usize),
        dst: (usize, usize),
        channels: usize,
        interpolation: Interpolation,
    ) -> KaranaResult<Self> {
        if !matches!(channels, 1 | 3 | 4) {
            return Err(invalid("channels", "1, 3 or 4", channels));
        }
        Ok(Self {
            src_width: src.0,
            src_height: src.1,
            dst_width: dst.0,
            dst_height: dst.1,
            channels,
            kind: kind(src, dst, channels, interpolation),
        })
    }

    /// Resizes `src` (rows `src_stride` bytes apart) into `dst` (rows `dst_stride` apart).
    ///
    /// Errors: `"src"` / `"out"` too short, `"out"` sharing memory with `"src"`.
    pub fn run(
        &self,
        src: &[u8],
        src_stride: usize,
        dst: &mut [u8],
        dst_stride: usize,
    ) -> KaranaResult<()> {
        let cn = self.channels;
        let (sw, sh, dw, dh) = (
            self.src_width,
            self.src_height,
            self.dst_width,
            self.dst_height,
        );
        require_len(
            "src",
            "bytes",
            output_bytes(sw, sh, cn, src_stride),
            src.len(),
        )?;
        require_len(
            "out",
            "bytes",
            output_bytes(dw, dh, cn, dst_stride),
            dst.len(),
        )?;
        require_disjoint("out", dst, "src", src)?;
        let img = Images {
            src,
            src_stride,
            dst,
            dst_stride,
        };
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
            unsafe { run_avx2(self, img) };
            return Ok(());
        }
        run_with::<false>(self, img);
        Ok(())
    }
}

/// The buffers of one run.
pub(crate) struct Images<'a> {
    pub src: &'a [u8],
    pub src_stride: usize,
    pub dst: &'a mut [u8],
    pub dst_stride: usize,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2(plan: &ResizePlan, img: Images<'_>) {
    run_with::<true>(plan, img);
}

/// The resize; `AVX2` is true only inside [`run_avx2`] (the CPU has AVX2).
#[inline(always)]
pub(crate) fn run_with<const AVX2: bool>(plan: &ResizePlan, img: Images<'_>) {
    let cn = plan.channels;
    match &plan.kind {
        Kind::Copy => {
            let row = plan.src_width * cn;
            for y in 0..plan.src_height {
                img.dst[y * img.dst_stride..][..row]
                    .copy_from_slice(&img.src[y * img.src_stride..][..row]);
            }
        }
        Kind::Separable(s) => s.run::<AVX2>(img, cn, plan.src_height),
        Kind::AreaFast(a) => a.run::<AVX2>(img, cn, plan.dst_width, plan.dst_height),
        Kind::Area(a) => a.run(img, cn),
    }
}

/// OpenCV's dispatch (`cv::hal::resize`): scales as `1 / (dst / src)`, "area fast" when both
/// are integers within `DBL_EPSILON`.
fn kind(src: (usize, usize), dst: (usize, usize), cn: usize, interp: Interpolation) -> Kind {
    if src == dst {
        return Kind::Copy;
    }
    let inv_x = dst.0 as f64 / src.0 as f64;
    let inv_y = dst.1 as f64 / src.1 as f64;
    let (scale_x, scale_y) = (1.0 / inv_x, 1.0 / inv_y);
    let (ix, iy) = (scale_x.round_ties_even(), scale_y.round_ties_even());
    let area_fast = (scale_x - ix).abs() < f64::EPSILON && (scale_y - iy).abs() < f64::EPSILON;
    let mut interp = interp;
    if interp == Interpolation::Linear && area_fast && ix == 2.0 && iy == 2.0 {
        interp = Interpolation::Area;
    }
    if interp == Interpolation::Area && scale_x >= 1.0 && scale_y >= 1.0 {
        return if area_fast {
            Kind::AreaFast(area::AreaFast::new(ix as usize, iy as usize))
        } else {
            Kind::Area(area::AreaTable::new(src, dst, cn, (scale_x, scale_y)))
        };
    }
    let area_mode = interp == Interpolation::Area;
    Kind::Separable(linear::Separable::new(src, dst, cn, area_mode))
}

#[cfg(test)]
mod tests;
