//! Detector post-processing bindings: the `DetectionDecoder` class (YOLOX and YOLOv8 outputs,
//! sync and async) and `yoloxDecodeSync` (YOLOX, the detector worker's entry point).

use super::letterbox::LetterboxResult;
use karana_core::error::{dimension, invalid, KaranaResult};
use karana_detect::{
    check_call, Decoder, DetectionsOut, Head, Layout, NmsParams, OutputSpec, SourceMapping,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

/// Post-processing settings of one call. Defaults: `scoreThreshold` 0.3, `iouThreshold` 0.45
/// (the YOLOX ONNX demo's), `maxDetections` = `scores.length`, class-aware NMS.
#[napi(object)]
pub struct DecodeOptions {
    /// Minimum score kept, in [0, 1] (YOLOX: `obj · cls ≥ t`; YOLOv8: `cls > t`).
    pub score_threshold: Option<f64>,
    /// A box is suppressed by a higher-scored kept box of its class (or of any class, with
    /// `classAgnostic`) when IoU > this, in [0, 1].
    pub iou_threshold: Option<f64>,
    /// Most detections written (≤ the output rows).
    pub max_detections: Option<f64>,
    /// One NMS over all classes instead of one per class. Default false.
    pub class_agnostic: Option<bool>,
}

fn nms_params(o: Option<&DecodeOptions>, rows: usize) -> KaranaResult<NmsParams> {
    Ok(NmsParams {
        score_threshold: o.and_then(|o| o.score_threshold).unwrap_or(0.3),
        iou_threshold: o.and_then(|o| o.iou_threshold).unwrap_or(0.45),
        max_detections: match o.and_then(|o| o.max_detections) {
            Some(m) => dimension("maxDetections", m)?,
            None => rows,
        },
        class_agnostic: o.and_then(|o| o.class_agnostic).unwrap_or(false),
    })
}

fn source_mapping(l: &LetterboxResult) -> SourceMapping {
    SourceMapping {
        scale: l.scale,
        pad_x: f64::from(l.pad_x),
        pad_y: f64::from(l.pad_y),
        source_width: f64::from(l.source_width),
        source_height: f64::from(l.source_height),
        target_width: l.target_width as usize,
        target_height: l.target_height as usize,
    }
}

thread_local! {
    /// The `yoloxDecodeSync` decoder of this thread, kept while the spec does not change.
    static YOLOX: RefCell<Option<Decoder>> = const { RefCell::new(None) };
}

/// The YOLOX spec of a `raw` output for the letterbox's input size (classes from its length).
fn yolox_spec(raw_len: usize, l: &LetterboxResult) -> KaranaResult<OutputSpec> {
    let (w, h) = (l.target_width as usize, l.target_height as usize);
    for (name, v) in [("inputWidth", w), ("inputHeight", h)] {
        if v == 0 || !v.is_multiple_of(32) {
            return Err(invalid(name, "a positive multiple of 32", v));
        }
    }
    let n = karana_detect::anchor_count(w, h);
    if raw_len < 6 * n || !raw_len.is_multiple_of(n) {
        return Err(invalid(
            "raw",
            format!("{n} × (5 + classes) floats for a {w}×{h} input"),
            format!("{raw_len} floats"),
        ));
    }
    OutputSpec::new(Head::Yolox, Layout::AnchorsFirst, w, h, raw_len / n - 5)
}

/// Decodes YOLOX's raw output, runs class-aware NMS and maps the boxes to the source frame.
///
/// `raw`: the model output `[1, N, 5 + C]` for a `targetWidth × targetHeight` input
/// (`decode_in_inference=False`: per anchor x, y, log w, log h in grid units, objectness, C class
/// probabilities; anchors over strides 8/16/32, row-major; N = 3549 at 416×416). Box =
/// `((x + gx)·s, (y + gy)·s, exp(log w)·s, exp(log h)·s)` centre/size; score = obj · max cls in
/// float32 (class = argmax, lowest id on ties), kept when ≥ `scoreThreshold`. NMS is greedy by
/// score (ties: lower anchor index first), per class, in network pixels; boxes are then mapped
/// with `x_src = (x − padX) / scale` and clipped to `[0, sourceWidth] × [0, sourceHeight]`.
/// Source: Ge et al., "YOLOX: Exceeding YOLO Series in 2021", and its `demo_postprocess` /
/// `postprocess`. The decoder scratch is kept per thread between calls (no allocation while the
/// input size and class count stay the same); `DetectionDecoder` is the general form.
///
/// `letterbox`: the result of the `letterbox` call that made the input. Outputs (caller-owned,
/// best first): `boxes` x1, y1, x2, y2 in source pixels (4 per detection), `scores`, `classIds`
/// (COCO order for YOLOX-Nano), `anchorIndices` (output row of each) when given. Returns the
/// number of detections. Throws on a wrong `raw` size, thresholds outside [0, 1], short or
/// overlapping outputs.
#[napi]
pub fn yolox_decode_sync(
    raw: Float32ArraySlice<'_>,
    letterbox: LetterboxResult,
    options: Option<DecodeOptions>,
    mut boxes: Float32ArraySlice<'_>,
    mut scores: Float32ArraySlice<'_>,
    mut class_ids: Int32ArraySlice<'_>,
    mut anchor_indices: Option<Int32ArraySlice<'_>>,
) -> Result<u32> {
    let params = nms_params(options.as_ref(), scores.len())?;
    let spec = yolox_spec(raw.len(), &letterbox)?;
    // SAFETY: the JS caller owns the outputs and does not touch them during this synchronous call.
    let out = unsafe {
        DetectionsOut {
            boxes: boxes.as_mut(),
            scores: scores.as_mut(),
            class_ids: class_ids.as_mut(),
            anchor_indices: anchor_indices.as_mut().map(|a| a.as_mut()),
        }
    };
    let map = source_mapping(&letterbox);
    let n = YOLOX.with_borrow_mut(|cached| {
        let decoder = match cached {
            Some(d) if *d.spec() == spec => d,
            _ => cached.insert(Decoder::new(spec)),
        };
        decoder.decode(&raw, &params, &map, out)
    })?;
    Ok(n as u32)
}

/// What a detector's output tensor is: the head, the network input size (which fixes the
/// anchors: N = Σ over strides 8, 16, 32 of (W/s)·(H/s), 3549 at 416×416, 8400 at 640×640), the
/// class count and, for YOLOv8, where the anchor axis is.
#[napi(object)]
pub struct DetectorOutputSpec {
    /// `'yolox'`: raw YOLOX head `[1, N, 5 + C]` (`decode_in_inference=False`: x, y, log w,
    /// log h in grid units, objectness, C sigmoid class probabilities). `'yolov8'`: ultralytics
    /// export, cx, cy, w, h in input pixels and C class scores, no objectness.
    #[napi(ts_type = "'yolox' | 'yolov8'")]
    pub head: String,
    /// Network input width, pixels (a multiple of 32).
    pub input_width: f64,
    /// Network input height, pixels (a multiple of 32).
    pub input_height: f64,
    /// Number of classes C (80 for COCO).
    pub classes: f64,
    /// `'channelsFirst'` `[1, 4 + C, N]` (YOLOv8 default) or `'anchorsFirst'` `[1, N, 4 + C]`
    /// (a transposed YOLOv8 output; the only layout of YOLOX).
    #[napi(ts_type = "'channelsFirst' | 'anchorsFirst'")]
    pub layout: Option<String>,
}

fn output_spec(s: &DetectorOutputSpec) -> KaranaResult<OutputSpec> {
    let head = Head::parse("head", &s.head)?;
    let layout = match (&s.layout, head) {
        (Some(l), _) => Layout::parse("layout", l)?,
        (None, Head::Yolox) => Layout::AnchorsFirst,
        (None, Head::Yolov8) => Layout::ChannelsFirst,
    };
    let w = dimension("inputWidth", s.input_width)?;
    let h = dimension("inputHeight", s.input_height)?;
    OutputSpec::new(head, layout, w, h, dimension("classes", s.classes)?)
}

/// A reusable decoder for one detector output: from the raw output tensor to boxes in
/// source-image pixels in one call (candidate pass, greedy NMS, letterbox mapping, clipping),
/// with its scratch allocated once (≈ 50 bytes per anchor), so calls allocate nothing.
///
/// Candidates: YOLOX score = obj · max cls in float32, kept when ≥ `scoreThreshold` (YOLOX
/// `postprocess`); YOLOv8 score = max cls, kept when > `scoreThreshold` (ultralytics
/// `non_max_suppression`); class = argmax (lowest id on ties). NMS: greedy by score (ties: lower
/// anchor first), a box is suppressed by a kept box of its class (or of any class with
/// `classAgnostic`) when IoU > `iouThreshold` (torchvision `nms` / `batched_nms`: no +1 on
/// widths, IoU 0 for an empty union), in network pixels; at most `maxDetections` kept. Boxes are
/// mapped with `x_src = (x − padX) / scale` and clipped to the source frame.
/// Sources: Ge et al. 2021 (YOLOX) `demo_postprocess` / `postprocess`; ultralytics
/// `non_max_suppression`. One call at a time per decoder: a `decodeSync` while a `decode` of the
/// same decoder is running throws.
#[napi]
pub struct DetectionDecoder {
    spec: OutputSpec,
    decoder: Arc<Mutex<Decoder>>,
}

/// Arguments of one call, converted.
struct Call {
    params: NmsParams,
    map: SourceMapping,
}

fn call(
    options: Option<&DecodeOptions>,
    letterbox: &LetterboxResult,
    rows: usize,
) -> KaranaResult<Call> {
    Ok(Call {
        params: nms_params(options, rows)?,
        map: source_mapping(letterbox),
    })
}

#[napi]
impl DetectionDecoder {
    /// Checks the spec and allocates the scratch. Throws on an unknown `head` or `layout`,
    /// input sides that are not positive multiples of 32, `classes` not a positive integer, or
    /// the `channelsFirst` layout for YOLOX.
    #[napi(constructor)]
    pub fn new(spec: DetectorOutputSpec) -> Result<Self> {
        let spec = output_spec(&spec)?;
        Ok(Self {
            spec,
            decoder: Arc::new(Mutex::new(Decoder::new(spec))),
        })
    }

    fn try_lock(&self) -> KaranaResult<MutexGuard<'_, Decoder>> {
        match self.decoder.try_lock() {
            Ok(d) => Ok(d),
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(TryLockError::WouldBlock) => Err(invalid(
                "decoder",
                "idle (a decode() of this decoder is still running)",
                "busy",
            )),
        }
    }

    /// Candidates (anchors passing the score threshold) of the last call, before NMS.
    #[napi(getter)]
    pub fn candidate_count(&self) -> Result<u32> {
        Ok(self.try_lock()?.candidate_count() as u32)
    }

    /// Decodes `raw` (the model output, exactly N · channels floats) on the calling thread and
    /// writes the detections, best score first: `boxes` x1, y1, x2, y2 in source pixels (4 per
    /// row), `scores`, `classIds`, and `anchorIndices` (the output row of each, e.g. to read
    /// mask coefficients) when given. `letterbox`: the result of the letterbox that made the
    /// input (its target size must be the decoder's). Returns the number of detections. Throws
    /// on thresholds outside [0, 1], a wrong `raw` length, a letterbox of another size, short
    /// or overlapping outputs.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn decode_sync(
        &self,
        raw: Float32ArraySlice<'_>,
        letterbox: LetterboxResult,
        options: Option<DecodeOptions>,
        mut boxes: Float32ArraySlice<'_>,
        mut scores: Float32ArraySlice<'_>,
        mut class_ids: Int32ArraySlice<'_>,
        mut anchor_indices: Option<Int32ArraySlice<'_>>,
    ) -> Result<u32> {
        let c = call(options.as_ref(), &letterbox, scores.len())?;
        // SAFETY: the JS caller owns the outputs and does not touch them during this synchronous call.
        let out = unsafe {
            DetectionsOut {
                boxes: boxes.as_mut(),
                scores: scores.as_mut(),
                class_ids: class_ids.as_mut(),
                anchor_indices: anchor_indices.as_mut().map(|a| a.as_mut()),
            }
        };
        Ok(self.try_lock()?.decode(&raw, &c.params, &c.map, out)? as u32)
    }

    /// `decodeSync` on the libuv thread pool (for low thresholds: thousands of candidates take
    /// milliseconds). Arguments are checked before the work is queued; `raw` and the outputs
    /// must not be touched until the promise settles.
    #[napi(ts_return_type = "Promise<number>")]
    #[allow(clippy::too_many_arguments)]
    pub fn decode(
        &self,
        raw: Float32Array,
        letterbox: LetterboxResult,
        options: Option<DecodeOptions>,
        boxes: Float32Array,
        scores: Float32Array,
        class_ids: Int32Array,
        anchor_indices: Option<Int32Array>,
    ) -> Result<AsyncTask<DecodeTask>> {
        let c = call(options.as_ref(), &letterbox, scores.len())?;
        let mut buffers = Buffers {
            raw,
            boxes,
            scores,
            class_ids,
            anchor_indices,
        };
        // SAFETY: on the JS thread, before the work is queued: nothing else uses the buffers.
        let (raw, out) = unsafe { buffers.split() };
        check_call(&self.spec, raw, &c.params, &c.map, &out)?;
        Ok(AsyncTask::new(DecodeTask {
            decoder: Arc::clone(&self.decoder),
            buffers,
            call: c,
        }))
    }
}

/// The JS buffers of an async call, kept alive by the task.
struct Buffers {
    raw: Float32Array,
    boxes: Float32Array,
    scores: Float32Array,
    class_ids: Int32Array,
    anchor_indices: Option<Int32Array>,
}

impl Buffers {
    /// The input and mutable views of the outputs.
    ///
    /// # Safety
    /// The JS caller must not touch the buffers until the promise settles (documented); their
    /// mutual disjointness is checked by `check_call` before any write.
    unsafe fn split(&mut self) -> (&[f32], DetectionsOut<'_>) {
        let out = DetectionsOut {
            boxes: self.boxes.as_mut(),
            scores: self.scores.as_mut(),
            class_ids: self.class_ids.as_mut(),
            anchor_indices: self.anchor_indices.as_mut().map(|a| a.as_mut()),
        };
        (&self.raw, out)
    }
}

/// The work of `DetectionDecoder.decode` on the libuv thread pool.
pub struct DecodeTask {
    decoder: Arc<Mutex<Decoder>>,
    buffers: Buffers,
    call: Call,
}

#[napi]
impl Task for DecodeTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let mut d = self.decoder.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: the caller must not touch the buffers until the promise settles (documented).
        let (raw, out) = unsafe { self.buffers.split() };
        Ok(d.decode(raw, &self.call.params, &self.call.map, out)? as u32)
    }

    fn resolve(&mut self, _env: Env, output: u32) -> Result<u32> {
        Ok(output)
    }
}
