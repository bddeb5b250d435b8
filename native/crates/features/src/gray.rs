//! 8-bit gray images in caller buffers ([`GrayView`]) and reusable padded planes ([`Padded`]) that
//! keep a border around the image so that kernels can read past its edges without bounds checks.

use karana_core::error::{invalid, require_len, KaranaResult};

/// A borrowed GRAY8 image: pixel `(x, y)` is `data[y · stride + x]`.
#[derive(Clone, Copy, Debug)]
pub struct GrayView<'a> {
    /// From pixel (0, 0) to at least the last pixel of the last row.
    pub data: &'a [u8],
    pub width: usize,
    pub height: usize,
    /// Bytes from the start of one row to the next (≥ `width`).
    pub stride: usize,
}

impl<'a> GrayView<'a> {
    /// Checks the layout against the buffer; errors name `name` (the JS parameter), e.g.
    /// `"src" must hold 360960 bytes, got 100`.
    pub fn new(
        name: &'static str,
        data: &'a [u8],
        width: usize,
        height: usize,
        stride: usize,
    ) -> KaranaResult<Self> {
        if width == 0 || height == 0 {
            return Err(invalid(
                "frame",
                "at least 1×1 pixels",
                format!("{width}×{height}"),
            ));
        }
        if stride < width {
            return Err(invalid(
                "strideBytes",
                format!("at least {width} (the GRAY8 row)"),
                stride,
            ));
        }
        require_len(name, "bytes", stride * (height - 1) + width, data.len())?;
        Ok(Self {
            data,
            width,
            height,
            stride,
        })
    }

    /// Row `y` (its `width` pixels).
    #[inline]
    pub fn row(&self, y: usize) -> &'a [u8] {
        &self.data[y * self.stride..y * self.stride + self.width]
    }

    /// Pixel `(x, y)`.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.stride + x]
    }
}

/// OpenCV `borderInterpolate(p, n, BORDER_REFLECT_101)`: `…, 2, 1 | 0, 1, …, n−1 | n−2, …`,
/// reflected again as often as needed; 0 when `n == 1`.
pub fn reflect101(p: isize, n: usize) -> usize {
    let n = n as isize;
    if n == 1 {
        return 0;
    }
    let mut p = p;
    while p < 0 || p >= n {
        p = if p < 0 { -p } else { 2 * n - 2 - p };
    }
    p as usize
}

/// A reusable `width × height` plane of `T` with `border` extra cells on every side; the buffer grows
/// only when a larger shape is asked for, so steady-state use allocates nothing.
#[derive(Debug, Default)]
pub struct Padded<T> {
    buf: Vec<T>,
    pub width: usize,
    pub height: usize,
    pub border: usize,
    pub stride: usize,
}

impl<T: Copy + Default> Padded<T> {
    /// An empty plane (no allocation until [`Padded::reshape`]).
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            width: 0,
            height: 0,
            border: 0,
            stride: 0,
        }
    }

    /// Sets the shape; contents are unspecified afterwards. `align` rounds the stride up (cells).
    pub fn reshape(&mut self, width: usize, height: usize, border: usize, align: usize) {
        let stride = (width + 2 * border).div_ceil(align) * align;
        let len = stride * (height + 2 * border);
        if self.buf.len() < len {
            self.buf.resize(len, T::default());
        }
        self.width = width;
        self.height = height;
        self.border = border;
        self.stride = stride;
    }

    /// Index of cell `(0, 0)` of the image in [`Padded::data`].
    #[inline]
    pub fn origin(&self) -> usize {
        self.border * self.stride + self.border
    }

    /// The whole buffer (border included).
    #[inline]
    pub fn data(&self) -> &[T] {
        &self.buf[..self.stride * (self.height + 2 * self.border)]
    }

    /// The whole buffer, writable.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [T] {
        let len = self.stride * (self.height + 2 * self.border);
        &mut self.buf[..len]
    }

    /// Row `y` of the image, writable (`width` cells).
    #[inline]
    pub fn row_mut(&mut self, y: usize) -> &mut [T] {
        let start = self.origin() + y * self.stride;
        let w = self.width;
        &mut self.buf[start..start + w]
    }

    /// Fills the border with the reflection (`BORDER_REFLECT_101`) of the image.
    pub fn fill_border_reflect101(&mut self) {
        let (w, h, b, s) = (self.width, self.height, self.border, self.stride);
        let buf = &mut self.buf;
        for y in 0..h {
            let row = &mut buf[(y + b) * s..(y + b) * s + w + 2 * b];
            if b < w {
                // Direct reflection: left cell b − 1 − i mirrors b + 1 + i, right cell b + w + i
                // mirrors b + w − 2 − i.
                for i in 0..b {
                    row[b - 1 - i] = row[b + 1 + i];
                    row[b + w + i] = row[b + w - 2 - i];
                }
            } else {
                for x in 0..b {
                    row[x] = row[b + reflect101(x as isize - b as isize, w)];
                    row[b + w + x] = row[b + reflect101((w + x) as isize, w)];
                }
            }
        }
        for y in 0..b {
            let top_src = (b + reflect101(y as isize - b as isize, h)) * s;
            buf.copy_within(top_src..top_src + w + 2 * b, y * s);
            let bottom_src = (b + reflect101((h + y) as isize, h)) * s;
            buf.copy_within(bottom_src..bottom_src + w + 2 * b, (b + h + y) * s);
        }
    }

    /// Fills the border with `value` (`BORDER_CONSTANT`).
    pub fn fill_border_constant(&mut self, value: T) {
        let (w, h, b, s) = (self.width, self.height, self.border, self.stride);
        let buf = &mut self.buf;
        buf[..b * s].fill(value);
        buf[(b + h) * s..(2 * b + h) * s].fill(value);
        for y in b..b + h {
            buf[y * s..y * s + b].fill(value);
            buf[y * s + b + w..(y + 1) * s].fill(value);
        }
    }
}

impl Padded<u8> {
    /// The image part as a [`GrayView`]; its `data` runs on to the end of the buffer, so kernels
    /// may read the right and bottom border through it.
    pub fn view(&self) -> GrayView<'_> {
        let start = self.origin();
        let end = self.stride * (self.height + 2 * self.border);
        GrayView {
            data: &self.buf[start..end],
            width: self.width,
            height: self.height,
            stride: self.stride,
        }
    }

    /// Copies `src` into the image part (the border is left as it was).
    pub fn copy_from(&mut self, src: &GrayView) {
        for y in 0..src.height {
            self.row_mut(y).copy_from_slice(src.row(y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect101_matches_opencv_border_interpolate() {
        let got: Vec<usize> = (-4..9).map(|p| reflect101(p, 5)).collect();
        assert_eq!(got, [4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0]);
        assert_eq!(reflect101(-7, 3), 1);
        assert_eq!(reflect101(5, 1), 0);
    }

    #[test]
    fn border_fill() {
        let mut p: Padded<u8> = Padded::new();
        p.reshape(3, 2, 2, 1);
        for y in 0..2 {
            for (x, v) in p.row_mut(y).iter_mut().enumerate() {
                *v = (10 * y + x) as u8;
            }
        }
        p.fill_border_reflect101();
        let s = p.stride;
        let d = p.data();
        // Row -1 reflects row 1 (only two rows); column -1 reflects column 1.
        assert_eq!(&d[s..2 * s], &[12, 11, 10, 11, 12, 11, 10]);
        assert_eq!(&d[2 * s..3 * s], &[2, 1, 0, 1, 2, 1, 0]);
        p.fill_border_constant(0);
        assert_eq!(&p.data()[2 * s..3 * s], &[0, 0, 0, 1, 2, 0, 0]);
    }

    #[test]
    fn view_checks_its_buffer() {
        let buf = [0u8; 10];
        let e = GrayView::new("src", &buf, 4, 3, 4).unwrap_err();
        assert_eq!(e.to_string(), "\"src\" must hold 12 bytes, got 10");
        let e = GrayView::new("src", &buf, 4, 2, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"strideBytes\" must be at least 4 (the GRAY8 row), got 3"
        );
        assert!(GrayView::new("src", &buf, 4, 2, 6).is_ok());
    }
}
