//! Detector post-processing: YOLOX decoding and class-aware non-maximum suppression.

pub mod nms;
pub mod yolox;

/// One scored box, corners in pixels (`x1 < x2`, `y1 < y2`, pixel edges at integers).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub score: f64,
    pub class_id: u32,
    /// Row of the raw output it came from (the deterministic tie-break).
    pub index: u32,
}
