/**
 * Image kernels of the native core (`karana-image`), each matching the OpenCV function it names:
 * pixel-format conversion (YUYV, NV12, GRAY8, RGB8, BGR8, RGBA8 → GRAY8 / RGB8), resize (bilinear
 * and area), the fused letterbox + normalize to float32 NCHW, undistortion of points and images
 * (pinhole radial-tangential and equidistant). See `docs/native-image.md`.
 */
export * from './image/letterbox.js';
export * from './image/convert.js';
export * from './image/resize.js';
export * from './image/undistort.js';
