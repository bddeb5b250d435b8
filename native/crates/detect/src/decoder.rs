//! One call from a detector's raw output tensor to boxes in source-image pixels: candidate pass,
//! greedy NMS, mapping back through the letterbox, clipping. The `Decoder` holds the scratch
//! (sized for N candidates at construction), so a call allocates nothing.

use super::candidates::{collect, Candidates, Threshold};
use super::kept::Kept;
use super::nms::greedy;
use super::spec::OutputSpec;
use karana_core::error::{in_range, invalid, require_disjoint, require_len, KaranaResult};

/// Per-call settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NmsParams {
    /// Minimum score kept, in [0, 1] (YOLOX: `score ≥ t`; YOLOv8: `score > t`).
    pub score_threshold: f64,
    /// A box is suppressed by a kept box of its group with IoU above this, in [0, 1].
    pub iou_threshold: f64,
    /// Most detections written (≥ 1).
    pub max_detections: usize,
    /// One group for all classes (class-agnostic NMS) instead of one per class.
    pub class_agnostic: bool,
}

/// How network-input pixels map back to the source image (a letterbox result):
/// `x_src = (x_net − pad_x) / scale`, then clipped to `[0, source_width] × [0, source_height]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceMapping {
    pub scale: f64,
    pub pad_x: f64,
    pub pad_y: f64,
    pub source_width: f64,
    pub source_height: f64,
    /// The network input the letterbox produced, pixels: must be the decoder's.
    pub target_width: usize,
    pub target_height: usize,
}

/// Caller-owned outputs, row `k` for detection `k`, best score first.
pub struct DetectionsOut<'a> {
    /// `x1, y1, x2, y2` per detection, source pixels.
    pub boxes: &'a mut [f32],
    pub scores: &'a mut [f32],
    pub class_ids: &'a mut [i32],
    /// Anchor (row of the output) of each detection, when wanted (e.g. to read mask coefficients).
    pub anchor_indices: Option<&'a mut [i32]>,
}

/// A reusable decoder for one output spec.
pub struct Decoder {
    spec: OutputSpec,
    candidates: Candidates,
    kept: Kept,
}

impl Decoder {
    /// Allocates the scratch for `spec.anchors()` candidates (≈ 50 bytes per anchor).
    pub fn new(spec: OutputSpec) -> Self {
        let n = spec.anchors();
        Self {
            spec,
            candidates: Candidates::with_capacity(n),
            kept: Kept::with_capacity(n, spec.classes),
        }
    }

    pub fn spec(&self) -> &OutputSpec {
        &self.spec
    }

    /// Candidates (anchors passing the score threshold) of the last call, before NMS.
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// Every check of a call, without doing it: see [`check_call`].
    pub fn check(
        &self,
        raw: &[f32],
        p: &NmsParams,
        map: &SourceMapping,
        out: &DetectionsOut<'_>,
    ) -> KaranaResult<()> {
        check_call(&self.spec, raw, p, map, out)
    }

    /// Decodes `raw`, runs NMS and writes the detections, best score first; returns how many
    /// (≤ `max_detections`). Errors: see [`Decoder::check`].
    pub fn decode(
        &mut self,
        raw: &[f32],
        p: &NmsParams,
        map: &SourceMapping,
        mut out: DetectionsOut<'_>,
    ) -> KaranaResult<usize> {
        self.check(raw, p, map, &out)?;
        self.run(raw, p);
        Ok(self.write(map, &mut out))
    }

    /// Candidate pass + NMS, on the platform's vector unit: x86-64 AVX2 when detected at run
    /// time (else the portable code, SSE2 baseline), aarch64 NEON.
    fn run(&mut self, raw: &[f32], p: &NmsParams) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present (checked just above).
            return unsafe { self.run_avx2(raw, p) };
        }
        self.run_body::<{ cfg!(target_arch = "aarch64") }>(raw, p);
    }

    /// `run_body` compiled for AVX2, with the AVX2 kernels.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2(&mut self, raw: &[f32], p: &NmsParams) {
        self.run_body::<true>(raw, p);
    }

    #[inline(always)]
    fn run_body<const SIMD: bool>(&mut self, raw: &[f32], p: &NmsParams) {
        let t = Threshold::for_head(self.spec.head, p.score_threshold);
        collect::<SIMD>(raw, &self.spec, t, &mut self.candidates);
        let c = &mut self.candidates;
        greedy::<SIMD>(
            c,
            p.iou_threshold,
            p.max_detections,
            p.class_agnostic,
            &mut self.kept,
        );
    }

    /// Maps the kept boxes to source pixels and writes them.
    fn write(&self, map: &SourceMapping, out: &mut DetectionsOut<'_>) -> usize {
        let to_x = |x: f64| ((x - map.pad_x) / map.scale).clamp(0.0, map.source_width);
        let to_y = |y: f64| ((y - map.pad_y) / map.scale).clamp(0.0, map.source_height);
        let c = &self.candidates;
        for (k, &slot) in self.kept.slots.iter().enumerate() {
            let s = slot as usize;
            let [x1, y1, x2, y2] = c.boxes[s];
            let b = [to_x(x1), to_y(y1), to_x(x2), to_y(y2)];
            for (o, v) in out.boxes[4 * k..4 * k + 4].iter_mut().zip(b) {
                *o = v as f32;
            }
            out.scores[k] = c.scores[s];
            out.class_ids[k] = c.classes[s] as i32;
            if let Some(a) = out.anchor_indices.as_deref_mut() {
                a[k] = c.anchors[s] as i32;
            }
        }
        self.kept.slots.len()
    }
}

/// Every check of a decode call for `spec`, without doing it (the async binding checks before
/// queuing).
///
/// Errors: thresholds outside [0, 1]; `scale` not positive; a letterbox for another input size;
/// `raw` not exactly `spec.tensor_len()` floats; `max_detections` 0; outputs shorter than
/// `max_detections` rows or sharing memory with `raw` or with each other.
pub fn check_call(
    spec: &OutputSpec,
    raw: &[f32],
    p: &NmsParams,
    map: &SourceMapping,
    out: &DetectionsOut<'_>,
) -> KaranaResult<()> {
    in_range("scoreThreshold", p.score_threshold, 0.0, 1.0)?;
    in_range("iouThreshold", p.iou_threshold, 0.0, 1.0)?;
    if !(map.scale.is_finite() && map.scale > 0.0) {
        return Err(invalid("letterbox.scale", "a positive number", map.scale));
    }
    for (name, got, want, field) in [
        (
            "letterbox.targetWidth",
            map.target_width,
            spec.input_width,
            "inputWidth",
        ),
        (
            "letterbox.targetHeight",
            map.target_height,
            spec.input_height,
            "inputHeight",
        ),
    ] {
        if got != want {
            return Err(invalid(
                name,
                format!("{want} (the decoder's {field})"),
                got,
            ));
        }
    }
    if raw.len() != spec.tensor_len() {
        let what = format!(
            "{} floats ({}: {} at {}×{}, {} classes)",
            spec.tensor_len(),
            spec.shape(),
            spec.head.as_str(),
            spec.input_width,
            spec.input_height,
            spec.classes
        );
        return Err(invalid("raw", what, format!("{} floats", raw.len())));
    }
    check_outputs(raw, p.max_detections, out)
}

/// Output lengths for `max` rows, and no output sharing memory with `raw` or another output.
fn check_outputs(raw: &[f32], max: usize, out: &DetectionsOut<'_>) -> KaranaResult<()> {
    if max == 0 {
        return Err(invalid("maxDetections", "a positive integer", max));
    }
    require_len("boxes", "floats", 4 * max, out.boxes.len())?;
    require_len("scores", "floats", max, out.scores.len())?;
    require_len("classIds", "integers", max, out.class_ids.len())?;
    require_disjoint("boxes", out.boxes, "raw", raw)?;
    require_disjoint("scores", out.scores, "raw", raw)?;
    require_disjoint("classIds", out.class_ids, "raw", raw)?;
    require_disjoint("boxes", out.boxes, "scores", out.scores)?;
    require_disjoint("classIds", out.class_ids, "boxes", out.boxes)?;
    require_disjoint("classIds", out.class_ids, "scores", out.scores)?;
    if let Some(a) = out.anchor_indices.as_deref() {
        require_len("anchorIndices", "integers", max, a.len())?;
        require_disjoint("anchorIndices", a, "raw", raw)?;
        require_disjoint("anchorIndices", a, "boxes", out.boxes)?;
        require_disjoint("anchorIndices", a, "scores", out.scores)?;
        require_disjoint("anchorIndices", a, "classIds", out.class_ids)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
