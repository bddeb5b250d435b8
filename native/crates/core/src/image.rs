//! Pixel formats and the layout of an 8-bit image in a caller's buffer.

use crate::error::{invalid, require_len, KaranaResult};

/// Pixel layouts the kernels accept; the names match `PixelFormat` in `hal/types.ts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormat {
    /// One 8-bit luma byte per pixel.
    Gray8,
    /// Three bytes per pixel: R, G, B.
    Rgb8,
    /// Three bytes per pixel: B, G, R (OpenCV's default order).
    Bgr8,
    /// Four bytes per pixel: R, G, B, A (alpha is ignored by the kernels).
    Rgba8,
}

impl PixelFormat {
    /// Parses the JS name (`"GRAY8"`, `"RGB8"`, `"BGR8"`, `"RGBA8"`); `name` is the parameter
    /// named in the error.
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "GRAY8" => Ok(Self::Gray8),
            "RGB8" => Ok(Self::Rgb8),
            "BGR8" => Ok(Self::Bgr8),
            "RGBA8" => Ok(Self::Rgba8),
            other => Err(invalid(
                name,
                "one of GRAY8, RGB8, BGR8, RGBA8",
                format!("\"{other}\""),
            )),
        }
    }

    /// The JS name of the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gray8 => "GRAY8",
            Self::Rgb8 => "RGB8",
            Self::Bgr8 => "BGR8",
            Self::Rgba8 => "RGBA8",
        }
    }

    /// Bytes per pixel.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            Self::Gray8 => 1,
            Self::Rgb8 | Self::Bgr8 => 3,
            Self::Rgba8 => 4,
        }
    }

    /// Byte offsets of the red, green and blue samples within one pixel (all 0 for gray).
    pub fn rgb_offsets(self) -> [usize; 3] {
        match self {
            Self::Gray8 => [0, 0, 0],
            Self::Rgb8 | Self::Rgba8 => [0, 1, 2],
            Self::Bgr8 => [2, 1, 0],
        }
    }
}

/// Where the pixels of an image are in a byte buffer: row `y` starts at byte `y * stride`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLayout {
    pub width: usize,
    pub height: usize,
    /// Bytes from the start of one row to the start of the next (≥ `width * bytes_per_pixel`).
    pub stride: usize,
    pub format: PixelFormat,
}

impl ImageLayout {
    /// Checks the stride against the row size; `stride = None` means tightly packed rows.
    pub fn new(
        width: usize,
        height: usize,
        stride: Option<usize>,
        format: PixelFormat,
    ) -> KaranaResult<Self> {
        let row_bytes = width * format.bytes_per_pixel();
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

    /// Bytes of one row's pixels (without the stride's padding).
    pub fn row_bytes(&self) -> usize {
        self.width * self.format.bytes_per_pixel()
    }

    /// Smallest buffer that holds the image: every stride but the last row's padding.
    pub fn required_bytes(&self) -> usize {
        self.stride * (self.height - 1) + self.row_bytes()
    }

    /// Fails when `src` (named `name`) is too short for this layout.
    pub fn check_buffer(&self, name: &'static str, src: &[u8]) -> KaranaResult<()> {
        require_len(name, "bytes", self.required_bytes(), src.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stride_and_size() {
        let l = ImageLayout::new(752, 480, None, PixelFormat::Rgb8).unwrap();
        assert_eq!(l.stride, 2256);
        assert_eq!(l.required_bytes(), 2256 * 480);
        let padded = ImageLayout::new(10, 3, Some(16), PixelFormat::Gray8).unwrap();
        assert_eq!(padded.required_bytes(), 16 * 2 + 10);
        let e = ImageLayout::new(752, 480, Some(100), PixelFormat::Rgb8).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"strideBytes\" must be at least 2256 (752 RGB8 pixels), got 100"
        );
    }

    #[test]
    fn format_names_round_trip() {
        for f in [
            PixelFormat::Gray8,
            PixelFormat::Rgb8,
            PixelFormat::Bgr8,
            PixelFormat::Rgba8,
        ] {
            assert_eq!(PixelFormat::parse("format", f.as_str()), Ok(f));
        }
        assert_eq!(
            PixelFormat::parse("format", "YUYV")
                .unwrap_err()
                .to_string(),
            "\"format\" must be one of GRAY8, RGB8, BGR8, RGBA8, got \"YUYV\""
        );
    }
}
