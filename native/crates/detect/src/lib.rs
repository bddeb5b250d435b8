//! Detector post-processing: from a YOLOX or YOLOv8 output tensor to boxes in source-image
//! pixels in one call — the candidate pass (per-anchor best class, score threshold), greedy
//! class-aware or class-agnostic NMS, and the mapping back through the letterbox.
//!
//! Sources: Ge et al., "YOLOX: Exceeding YOLO Series in 2021" (arXiv:2107.08430) and its
//! `demo_postprocess` / `postprocess`; ultralytics `non_max_suppression` for the YOLOv8 layout;
//! torchvision `nms` / `batched_nms` for the suppression rule. Compared with OpenCV
//! `cv::dnn::NMSBoxes` / `NMSBoxesBatched` in `docs/native-detect.md`.

mod candidates;
mod classmax;
pub mod decoder;
mod kept;
mod nms;
#[cfg(target_arch = "aarch64")]
mod simd_neon;
#[cfg(target_arch = "x86_64")]
mod simd_x86;
pub mod spec;

pub use decoder::{check_call, Decoder, DetectionsOut, NmsParams, SourceMapping};
pub use spec::{anchor_count, Head, Layout, OutputSpec, STRIDES};
