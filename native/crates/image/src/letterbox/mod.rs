//! Letterbox + normalize: an 8-bit frame of any size into a float32 NCHW tensor (N = 1, C = 3)
//! for a detector, in one pass over the output.
//!
//! The frame is scaled by `r = min(tw / w, th / h)` (aspect ratio kept) to
//! `floor(w·r) × floor(h·r)` pixels (YOLOX `preproc`: `cv2.resize(img, (int(w*r), int(h*r)))`),
//! placed at the top-left corner or centred in a `tw × th` canvas filled with the pad value, and
//! every value, pad included, is mapped to `(v - mean[c]) * scale[c]`.

mod resample;

use karana_core::error::{invalid, require_len, KaranaResult};
use karana_core::image::{ImageLayout, PixelFormat};
use resample::{resample, taps, Affine, Job, Kind};

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
    let norm: [Affine; 3] = std::array::from_fn(|c| Affine {
        scale: p.scale[c] as f32,
        bias: (-p.mean[c] * p.scale[c]) as f32,
    });
    let pad: [f32; 3] = std::array::from_fn(|c| ((p.pad_value - p.mean[c]) * p.scale[c]) as f32);

    let (p0, rest) = out[..3 * plane].split_at_mut(plane);
    let (p1, p2) = rest.split_at_mut(plane);
    let mut planes = [p0, p1, p2];
    fill_padding(&mut planes, tw, th, &g, &pad);

    let swap = matches!(
        (layout.format, p.order),
        (PixelFormat::Bgr8, ChannelOrder::Rgb)
            | (PixelFormat::Rgb8 | PixelFormat::Rgba8, ChannelOrder::Bgr)
    );
    let kind = match layout.format {
        PixelFormat::Gray8 => Kind::Gray,
        PixelFormat::Rgba8 => Kind::Color4 { swap },
        PixelFormat::Rgb8 | PixelFormat::Bgr8 => Kind::Color3 { swap },
    };
    resample(Job {
        src,
        width: layout.width,
        height: layout.height,
        stride: layout.stride,
        xt: &taps(layout.width, g.resized_width),
        yt: &taps(layout.height, g.resized_height),
        norm,
        planes,
        tensor_width: tw,
        origin: g.pad_y * tw + g.pad_x,
        kind,
    });
    Ok(g)
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
