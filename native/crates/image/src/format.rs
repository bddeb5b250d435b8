//! Input pixel formats of the image kernels — the core `PixelFormat` (GRAY8, RGB8, BGR8, RGBA8)
//! widened with the camera formats YUYV and NV12 — and where such a frame's bytes are in a buffer.

use karana_core::error::{invalid, require_len, KaranaResult};
use karana_core::image::{ImageLayout, PixelFormat};

/// What a camera (V4L2, libcamera, a decoded file) delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// One 8-bit luma byte per pixel.
    Gray8,
    /// R, G, B bytes.
    Rgb8,
    /// B, G, R bytes (OpenCV's order).
    Bgr8,
    /// R, G, B, A bytes (alpha ignored).
    Rgba8,
    /// Packed 4:2:2, two pixels in four bytes `Y0 U Y1 V` (V4L2 `V4L2_PIX_FMT_YUYV`, OpenCV
    /// `COLOR_YUV2RGB_YUYV`); even width.
    Yuyv,
    /// 4:2:0, a Y plane of `height` rows then an interleaved `U V` plane of `height / 2` rows, both
    /// with the same stride (V4L2 `V4L2_PIX_FMT_NV12`, OpenCV `COLOR_YUV2RGB_NV12`); even width and
    /// height.
    Nv12,
}

const NAMES: &str = "one of GRAY8, RGB8, BGR8, RGBA8, YUYV, NV12";

impl InputFormat {
    /// Parses the JS name; `name` is the parameter named in the error.
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "YUYV" => Ok(Self::Yuyv),
            "NV12" => Ok(Self::Nv12),
            other => PixelFormat::parse(name, other)
                .map(Self::from)
                .map_err(|_| invalid(name, NAMES, format!("\"{other}\""))),
        }
    }

    /// The JS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gray8 => "GRAY8",
            Self::Rgb8 => "RGB8",
            Self::Bgr8 => "BGR8",
            Self::Rgba8 => "RGBA8",
            Self::Yuyv => "YUYV",
            Self::Nv12 => "NV12",
        }
    }

    /// Bytes per pixel of a row (of the Y plane for NV12).
    pub fn row_bytes_per_pixel(self) -> usize {
        match self {
            Self::Gray8 | Self::Nv12 => 1,
            Self::Yuyv => 2,
            Self::Rgb8 | Self::Bgr8 => 3,
            Self::Rgba8 => 4,
        }
    }
}

impl From<PixelFormat> for InputFormat {
    fn from(f: PixelFormat) -> Self {
        match f {
            PixelFormat::Gray8 => Self::Gray8,
            PixelFormat::Rgb8 => Self::Rgb8,
            PixelFormat::Bgr8 => Self::Bgr8,
            PixelFormat::Rgba8 => Self::Rgba8,
        }
    }
}

/// Where a frame's pixels are: row `y` starts at byte `y · stride`; for NV12 the UV plane starts
/// at byte `height · stride`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameLayout {
    pub width: usize,
    pub height: usize,
    pub stride: usize,
    pub format: InputFormat,
}

impl FrameLayout {
    /// Checks stride and the 4:2:x subsampling; `stride = None` means tightly packed rows.
    ///
    /// Errors: `"strideBytes"` shorter than a row, `"widthPx"` odd for YUYV / NV12,
    /// `"heightPx"` odd for NV12.
    pub fn new(
        width: usize,
        height: usize,
        stride: Option<usize>,
        format: InputFormat,
    ) -> KaranaResult<Self> {
        let subsampled = matches!(format, InputFormat::Yuyv | InputFormat::Nv12);
        if subsampled && !width.is_multiple_of(2) {
            return Err(invalid(
                "widthPx",
                format!("even for {}", format.as_str()),
                width,
            ));
        }
        if format == InputFormat::Nv12 && !height.is_multiple_of(2) {
            return Err(invalid("heightPx", "even for NV12", height));
        }
        let row_bytes = width * format.row_bytes_per_pixel();
        let stride = stride.unwrap_or(row_bytes);
        if stride < row_bytes {
            return Err(invalid(
                "strideBytes",
                format!("at least {row_bytes} ({width} {} pixels)", format.as_str()),
                stride,
            ));
        }
        Ok(Self {
            width,
            height,
            stride,
            format,
        })
    }

    /// Bytes of one row's pixels (Y plane for NV12), without the stride's padding.
    pub fn row_bytes(&self) -> usize {
        self.width * self.format.row_bytes_per_pixel()
    }

    /// Rows of `stride` bytes in the buffer (NV12: Y rows then UV rows).
    fn rows(&self) -> usize {
        match self.format {
            InputFormat::Nv12 => self.height + self.height / 2,
            _ => self.height,
        }
    }

    /// Smallest buffer that holds the frame: every stride but the last row's padding.
    pub fn required_bytes(&self) -> usize {
        self.stride * (self.rows() - 1) + self.row_bytes()
    }

    /// Fails when `src` (named `name`) is too short for this layout.
    pub fn check_buffer(&self, name: &'static str, src: &[u8]) -> KaranaResult<()> {
        require_len(name, "bytes", self.required_bytes(), src.len())
    }
}

impl From<ImageLayout> for FrameLayout {
    fn from(l: ImageLayout) -> Self {
        Self {
            width: l.width,
            height: l.height,
            stride: l.stride,
            format: l.format.into(),
        }
    }
}

/// Bytes of an 8-bit output image of `channels` per pixel: `stride · (height − 1) + width · channels`.
pub fn output_bytes(width: usize, height: usize, channels: usize, stride: usize) -> usize {
    stride * (height - 1) + width * channels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_name_the_value() {
        for f in [
            InputFormat::Gray8,
            InputFormat::Rgb8,
            InputFormat::Bgr8,
            InputFormat::Rgba8,
            InputFormat::Yuyv,
            InputFormat::Nv12,
        ] {
            assert_eq!(InputFormat::parse("format", f.as_str()), Ok(f));
        }
        assert_eq!(
            InputFormat::parse("format", "I420")
                .unwrap_err()
                .to_string(),
            "\"format\" must be one of GRAY8, RGB8, BGR8, RGBA8, YUYV, NV12, got \"I420\""
        );
    }

    #[test]
    fn subsampled_layouts() {
        let nv12 = FrameLayout::new(640, 480, Some(704), InputFormat::Nv12).unwrap();
        assert_eq!(nv12.required_bytes(), 704 * (480 + 239) + 640);
        let yuyv = FrameLayout::new(640, 480, None, InputFormat::Yuyv).unwrap();
        assert_eq!((yuyv.stride, yuyv.required_bytes()), (1280, 1280 * 480));
        assert_eq!(
            FrameLayout::new(641, 480, None, InputFormat::Yuyv)
                .unwrap_err()
                .to_string(),
            "\"widthPx\" must be even for YUYV, got 641"
        );
        assert_eq!(
            FrameLayout::new(640, 481, None, InputFormat::Nv12)
                .unwrap_err()
                .to_string(),
            "\"heightPx\" must be even for NV12, got 481"
        );
        assert_eq!(
            FrameLayout::new(640, 480, Some(1000), InputFormat::Yuyv)
                .unwrap_err()
                .to_string(),
            "\"strideBytes\" must be at least 1280 (640 YUYV pixels), got 1000"
        );
    }
}
