//! `yoloxDecodeSync`: YOLOX raw output → source-image detections.

use super::letterbox::LetterboxResult;
use karana_core::error::dimension;
use karana_detect::yolox::{detect, DetectionsOut, SourceMapping, YoloxParams};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// YOLOX post-processing settings. Defaults: `scoreThreshold` 0.3, `iouThreshold` 0.45 (the
/// YOLOX ONNX demo's), `maxDetections` = `scores.length`.
#[napi(object)]
pub struct YoloxDecodeOptions {
    /// Minimum `obj · cls` kept, in [0, 1].
    pub score_threshold: Option<f64>,
    /// A box is suppressed by a higher-scored kept box of the same class when IoU > this, in [0, 1].
    pub iou_threshold: Option<f64>,
    /// Most detections written (≤ the output rows).
    pub max_detections: Option<f64>,
}

/// Decodes YOLOX's raw output, runs class-aware NMS and maps the boxes to the source frame.
///
/// `raw`: the model output `[1, N, 5 + C]` for a `targetWidth × targetHeight` input
/// (`decode_in_inference=False`: per anchor x, y, log w, log h in grid units, objectness, C class
/// probabilities; anchors over strides 8/16/32, row-major; N = 3549 at 416×416). Box =
/// `((x + gx)·s, (y + gy)·s, exp(log w)·s, exp(log h)·s)` centre/size; score = obj · max cls
/// (class = argmax, lowest id on ties), kept when ≥ `scoreThreshold`. NMS is greedy by score
/// (ties: lower anchor index first), per class, in network pixels; boxes are then mapped with
/// `x_src = (x − padX) / scale` and clipped to `[0, sourceWidth] × [0, sourceHeight]`.
/// Source: Ge et al., "YOLOX: Exceeding YOLO Series in 2021", and its `demo_postprocess` /
/// `postprocess`.
///
/// `letterbox`: the result of the `letterbox` call that made the input. Outputs (caller-owned,
/// best first): `boxes` x1, y1, x2, y2 in source pixels (4 per detection), `scores`, `classIds`
/// (COCO order for YOLOX-Nano). Returns the number of detections. Throws on a wrong `raw` size,
/// thresholds outside [0, 1], short or overlapping outputs.
#[napi]
pub fn yolox_decode_sync(
    raw: Float32ArraySlice<'_>,
    letterbox: LetterboxResult,
    options: Option<YoloxDecodeOptions>,
    mut boxes: Float32ArraySlice<'_>,
    mut scores: Float32ArraySlice<'_>,
    mut class_ids: Int32ArraySlice<'_>,
) -> Result<u32> {
    let o = options.unwrap_or(YoloxDecodeOptions {
        score_threshold: None,
        iou_threshold: None,
        max_detections: None,
    });
    let params = YoloxParams {
        input_width: letterbox.target_width as usize,
        input_height: letterbox.target_height as usize,
        score_threshold: o.score_threshold.unwrap_or(0.3),
        iou_threshold: o.iou_threshold.unwrap_or(0.45),
        max_detections: match o.max_detections {
            Some(m) => dimension("maxDetections", m)?,
            None => scores.len(),
        },
    };
    let map = SourceMapping {
        scale: letterbox.scale,
        pad_x: f64::from(letterbox.pad_x),
        pad_y: f64::from(letterbox.pad_y),
        source_width: f64::from(letterbox.source_width),
        source_height: f64::from(letterbox.source_height),
    };
    // SAFETY: the JS caller owns the outputs and does not touch them during this synchronous call.
    let out = unsafe {
        DetectionsOut {
            boxes: boxes.as_mut(),
            scores: scores.as_mut(),
            class_ids: class_ids.as_mut(),
        }
    };
    Ok(detect(&raw, &params, &map, out)? as u32)
}
