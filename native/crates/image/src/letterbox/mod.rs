//! Letterbox + normalize: an 8-bit frame of any size into a float32 NCHW tensor (N = 1, C = 3)
//! for a detector, in one pass over the output.
//!
//! The frame is scaled by `r = min(tw / w, th / h)` (aspect ratio kept) to
//! `floor(w·r) × floor(h·r)` pixels (YOLOX `preproc`: `cv2.resize(img, (int(w*r), int(h*r)))`),
//! placed at the top-left corner or centred in a `tw × th` canvas filled with the pad value, and
//! every value, pad included, is mapped to `(v - mean[c]) * scale[c]`.
//!
//! Kernels: `kernel.rs` (portable: aarch64, x86-64 without AVX2 + FMA, and the columns the vector
//! kernels leave), `avx2.rs` (general), `avx2_half.rs` (exact 2× shrink), `avx512.rs` (general
//! colour, when the CPU has AVX-512 F + BW), all chosen at run time and bit-identical.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx2_half;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod kernel;
pub mod plan;

use karana_core::error::{invalid, require_len, KaranaResult};
use karana_core::image::{ImageLayout, PixelFormat};
use kernel::{half_tail, row_tail, Row, RowConsts, Scratch};
use plan::{with_plan, Plan, PlanKey};

/// Order of the three output planes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelOrder {
    Rgb,
    Bgr,
}

impl ChannelOrder {
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "RGB" => Ok(Self::Rgb),
            "BGR" => Ok(Self::Bgr),
            other => Err(invalid(name, "\"RGB\" or \"BGR\"", format!("\"{other}\""))),
        }
    }
}

/// Where the resized image sits in the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Equal padding on both sides (the odd pixel goes right/bottom).
    Center,
    /// Image at (0, 0), padding right and bottom (YOLOX).
    TopLeft,
}

impl Align {
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "center" => Ok(Self::Center),
            "topLeft" => Ok(Self::TopLeft),
            other => Err(invalid(
                name,
                "\"center\" or \"topLeft\"",
                format!("\"{other}\""),
            )),
        }
    }
}

/// Validated letterbox settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LetterboxParams {
    pub target_width: usize,
    pub target_height: usize,
    /// Pad value in the pixel domain (0–255), normalized like the pixels.
    pub pad_value: f64,
    pub order: ChannelOrder,
    /// Per output channel (in `order`), pixel domain.
    pub mean: [f64; 3],
    /// Per output channel (in `order`).
    pub scale: [f64; 3],
    pub align: Align,
}

/// How the source maps into the tensor: `x_tensor = x_src * scale + pad_x` (same for y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LetterboxGeometry {
    pub scale: f64,
    pub pad_x: usize,
    pub pad_y: usize,
    pub resized_width: usize,
    pub resized_height: usize,
}

/// The geometry of fitting `w × h` into `tw × th`.
pub fn geometry(w: usize, h: usize, tw: usize, th: usize, align: Align) -> LetterboxGeometry {
    let r = (tw as f64 / w as f64).min(th as f64 / h as f64);
    // floor(len·r) as YOLOX's int(); the 1e-6 keeps w·(tw/w) from flooring to tw - 1.
    let resized =
        |len: usize, target: usize| ((len as f64 * r + 1e-6).floor() as usize).clamp(1, target);
    let (rw, rh) = (resized(w, tw), resized(h, th));
    let (pad_x, pad_y) = match align {
        Align::TopLeft => (0, 0),
        Align::Center => ((tw - rw) / 2, (th - rh) / 2),
    };
    LetterboxGeometry {
        scale: r,
        pad_x,
        pad_y,
        resized_width: rw,
        resized_height: rh,
    }
}

/// Letterboxes `src` (laid out as `layout`) into `out`, a `3 × th × tw` float32 NCHW tensor.
///
/// Resize: bilinear, OpenCV `INTER_LINEAR` pixel centres (see [`plan`]); every value, padding
/// included, becomes `(v − mean[c]) · scale[c]`. The tap tables are cached per thread, so
/// repeated calls with one frame shape allocate nothing.
///
/// Errors: `"src"` shorter than the layout needs, `"out"` shorter than `3·tw·th` floats.
pub fn letterbox(
    src: &[u8],
    layout: &ImageLayout,
    p: &LetterboxParams,
    out: &mut [f32],
) -> KaranaResult<LetterboxGeometry> {
    layout.check_buffer("src", src)?;
    let (tw, th) = (p.target_width, p.target_height);
    let plane = tw * th;
    require_len("out", "floats", 3 * plane, out.len())?;
    let g = geometry(layout.width, layout.height, tw, th, p.align);
    let pad: [f32; 3] = std::array::from_fn(|c| ((p.pad_value - p.mean[c]) * p.scale[c]) as f32);
    let (p0, rest) = out[..3 * plane].split_at_mut(plane);
    let (p1, p2) = rest.split_at_mut(plane);
    let mut planes = [p0, p1, p2];
    fill_padding(&mut planes, tw, th, &g, &pad);
    let key = PlanKey {
        width: layout.width,
        height: layout.height,
        bytes_per_pixel: layout.format.bytes_per_pixel(),
        resized_width: g.resized_width,
        resized_height: g.resized_height,
    };
    let job = Job {
        src,
        layout,
        order: source_order(layout.format, p.order),
        scale: p.scale,
        bias: std::array::from_fn(|c| (-p.mean[c] * p.scale[c]) as f32),
        planes,
        tensor_width: tw,
        origin: g.pad_y * tw + g.pad_x,
    };
    with_plan(key, |plan| resample(plan, job));
    Ok(g)
}

/// The source byte of a pixel that each output plane reads.
fn source_order(format: PixelFormat, order: ChannelOrder) -> [usize; 3] {
    let rgb = format.rgb_offsets();
    match order {
        ChannelOrder::Rgb => rgb,
        ChannelOrder::Bgr => [rgb[2], rgb[1], rgb[0]],
    }
}

/// Everything the resampling loop needs besides the plan.
pub(crate) struct Job<'a> {
    src: &'a [u8],
    layout: &'a ImageLayout,
    order: [usize; 3],
    /// Per output plane.
    scale: [f64; 3],
    bias: [f32; 3],
    planes: [&'a mut [f32]; 3],
    tensor_width: usize,
    /// Plane offset of the resized image's top-left pixel.
    origin: usize,
}

/// Runs the rows, with the vector kernels when the CPU has AVX2 + FMA (x86-64; AVX-512 for the
/// general colour rows when it also has AVX-512 F + BW).
pub(crate) fn resample(plan: &Plan, job: Job<'_>) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA, the features the function is compiled for.
        unsafe { resample_avx2(plan, job) };
        return;
    }
    resample_rows::<false>(plan, job);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn resample_avx2(plan: &Plan, job: Job<'_>) {
    resample_rows::<true>(plan, job);
}

/// The row loop; with `AVX2` (true only inside [`resample_avx2`]) the vector columns go through
/// `avx2.rs` / `avx2_half.rs`, the rest through the portable kernels.
#[inline(always)]
fn resample_rows<const AVX2: bool>(plan: &Plan, job: Job<'_>) {
    let l = job.layout;
    let row_bytes = l.width * l.format.bytes_per_pixel();
    let rw = plan.key.resized_width;
    let mut planes = job.planes;
    let mut scratch = Scratch::new();
    for (y, tap) in plan.rows.iter().enumerate() {
        let start = job.origin + y * job.tensor_width;
        let [a, b, c] = &mut planes;
        let k = if plan.half {
            RowConsts::half(&job.scale, &job.bias)
        } else {
            RowConsts::new(tap, &job.scale, &job.bias)
        };
        let mut row = Row {
            top: &job.src[tap.top * l.stride..][..row_bytes],
            bottom: &job.src[tap.bottom * l.stride..][..row_bytes],
            order: job.order,
            k,
            out: [
                &mut a[start..start + rw],
                &mut b[start..start + rw],
                &mut c[start..start + rw],
            ],
        };
        let done = if AVX2 {
            vector_columns(plan, l.format, &mut row)
        } else {
            0
        };
        match (plan.half, l.format) {
            (false, _) => row_tail(plan, &mut row, done, &mut scratch),
            (true, PixelFormat::Gray8) => half_tail::<1>(&mut row, done),
            (true, PixelFormat::Rgba8) => half_tail::<4>(&mut row, done),
            (true, PixelFormat::Rgb8 | PixelFormat::Bgr8) => half_tail::<3>(&mut row, done),
        }
    }
}

/// The AVX2 kernels on the leading columns of a row; returns how many they wrote.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn vector_columns(plan: &Plan, format: PixelFormat, row: &mut Row<'_>) -> usize {
    let color = matches!(
        format,
        PixelFormat::Rgba8 | PixelFormat::Rgb8 | PixelFormat::Bgr8
    );
    if !plan.half && color && avx512() {
        // SAFETY: the CPU has AVX-512 F and BW (checked) besides AVX2 and FMA.
        let done = unsafe {
            match format {
                PixelFormat::Rgba8 => avx512::color_row::<4>(plan, row),
                _ => avx512::color_row::<3>(plan, row),
            }
        };
        return done;
    }
    // SAFETY: called only with `AVX2` true, i.e. inside `resample_avx2`, reached when the CPU
    // has AVX2 and FMA.
    unsafe {
        match (plan.half, format) {
            (false, PixelFormat::Gray8) => avx2::gray_row(plan, row),
            (false, PixelFormat::Rgba8) => avx2::color_row::<4>(plan, row),
            (false, PixelFormat::Rgb8 | PixelFormat::Bgr8) => avx2::color_row::<3>(plan, row),
            (true, PixelFormat::Gray8) => avx2_half::gray_row(plan, row),
            (true, PixelFormat::Rgba8) => avx2_half::color_row::<4>(plan, row),
            (true, PixelFormat::Rgb8 | PixelFormat::Bgr8) => avx2_half::color_row::<3>(plan, row),
        }
    }
    if plan.half {
        plan.half_vector_columns
    } else {
        plan.vector_columns
    }
}

/// Whether the CPU has AVX-512 F and BW (the general colour kernel's wider variant).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn avx512() -> bool {
    std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512bw")
}

/// No vector kernels off x86-64: the portable kernels take every column.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn vector_columns(_: &Plan, _: PixelFormat, _: &mut Row<'_>) -> usize {
    0
}

/// Writes the normalized pad value everywhere outside the resized image.
fn fill_padding(
    planes: &mut [&mut [f32]; 3],
    tw: usize,
    th: usize,
    g: &LetterboxGeometry,
    pad: &[f32; 3],
) {
    let top = g.pad_y * tw;
    let bottom = (g.pad_y + g.resized_height) * tw;
    let right = g.pad_x + g.resized_width;
    for (plane, &v) in planes.iter_mut().zip(pad) {
        plane[..top].fill(v);
        plane[bottom..tw * th].fill(v);
        for row in plane[top..bottom].chunks_exact_mut(tw) {
            row[..g.pad_x].fill(v);
            row[right..].fill(v);
        }
    }
}

#[cfg(test)]
mod tests;
