//! Image kernels of Kāraṇa Edge, each matching the OpenCV function it names:
//!
//! - [`convert`]: pixel-format conversion (YUYV, NV12, GRAY8, RGB8, BGR8, RGBA8 → GRAY8 / RGB8),
//!   bit-exact with `cv::cvtColor`;
//! - [`resize`]: bilinear and area resize, byte-exact with `cv::resize` (`INTER_LINEAR`,
//!   `INTER_AREA`) on the real frames tested;
//! - [`letterbox`]: the fused letterbox + normalize to float32 NCHW for detectors;
//! - [`undistort`]: undistortion of points and images for pinhole radial-tangential and
//!   equidistant cameras (`cv::undistortPoints`, `cv::initUndistortRectifyMap` + `cv::remap`, and
//!   their `cv::fisheye` twins).
//!
//! Pure Rust (no N-API; the bindings live in `karana-native`); x86-64 kernels are chosen at run
//! time (AVX2, FMA, AVX-512) with portable equivalents that aarch64 runs, tested to agree.

pub mod convert;
pub mod format;
pub mod letterbox;
pub mod resize;
pub mod undistort;
