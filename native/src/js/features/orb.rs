//! `OrbExtractor`: oriented FAST + rotated BRIEF with OpenCV's semantics and bit pattern.

use super::{gray, int_option, FeatureFrameLayout, Pending, Shared};
use karana_core::error::{invalid, require_disjoint, require_len, KaranaResult};
use karana_features::gray::GrayView;
use karana_features::orb::descriptor::DESCRIPTOR_BYTES;
use karana_features::orb::{OrbExtractor as Extractor, OrbKeypoint, OrbParams, OrbScore};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// ORB settings. Defaults are OpenCV's `ORB_create(500)`: `maxFeatures` 500, `scaleFactor` 1.2,
/// `levels` 8, `edgeThresholdPx` 31, `fastThreshold` 20, `score` `'harris'` (patch 31, `WTA_K` 2).
#[napi(object)]
pub struct OrbOptions {
    /// Keypoints wanted over all levels (ties at a level's cut may add a few).
    pub max_features: Option<f64>,
    /// Ratio between pyramid levels, in (1, 4]; used as an f32, as OpenCV does.
    pub scale_factor: Option<f64>,
    /// Pyramid levels, 1–32.
    pub levels: Option<f64>,
    /// Corners nearer than this to a level's edge are dropped, pixels of that level.
    pub edge_threshold_px: Option<f64>,
    /// FAST threshold, grey levels.
    pub fast_threshold: Option<f64>,
    /// Ranking of FAST corners within a level: Harris response or FAST score.
    #[napi(ts_type = "'harris' | 'fast'")]
    pub score: Option<String>,
}

/// Caller-owned keypoint and descriptor arrays, all of one capacity `n` (`xy` 2n, `descriptors` 32n).
#[napi(object)]
pub struct OrbBuffers {
    /// `(x, y)` in the input frame, pixels.
    pub xy: Float32Array,
    /// Orientation, degrees in [0, 360) (image axes: x right, y down).
    pub angle_deg: Float32Array,
    /// Pyramid level.
    pub octave: Int32Array,
    /// Harris response (FAST score with `score: 'fast'`).
    pub response: Float32Array,
    /// Patch diameter in the input frame, pixels (31 · level scale).
    pub size_px: Float32Array,
    /// 32 bytes per keypoint: rotated BRIEF, bit `j` of byte `i` = test `8i + j`.
    pub descriptors: Uint8Array,
}

fn params(o: Option<OrbOptions>) -> KaranaResult<OrbParams> {
    let d = OrbParams::default();
    let Some(o) = o else { return Ok(d) };
    let p = OrbParams {
        max_features: int_option("maxFeatures", o.max_features, d.max_features, 1, 100_000)?,
        scale_factor: o.scale_factor.unwrap_or(d.scale_factor),
        levels: int_option("levels", o.levels, d.levels, 1, 32)?,
        edge_threshold: int_option(
            "edgeThresholdPx",
            o.edge_threshold_px,
            d.edge_threshold,
            0,
            255,
        )?,
        fast_threshold: int_option("fastThreshold", o.fast_threshold, 20, 0, 255)? as u8,
        score: match o.score.as_deref() {
            None | Some("harris") => OrbScore::Harris,
            Some("fast") => OrbScore::Fast,
            Some(other) => {
                return Err(invalid(
                    "score",
                    "'harris' or 'fast'",
                    format!("\"{other}\""),
                ))
            }
        },
    };
    p.validate()?;
    Ok(p)
}

/// Capacity of the buffers (all arrays must agree), and aliasing checks against `src`.
fn capacity(src: &[u8], b: &OrbBuffers) -> KaranaResult<usize> {
    let n = b.angle_deg.len();
    require_len("xy", "floats", 2 * n, b.xy.len())?;
    require_len("octave", "ints", n, b.octave.len())?;
    require_len("response", "floats", n, b.response.len())?;
    require_len("sizePx", "floats", n, b.size_px.len())?;
    require_len(
        "descriptors",
        "bytes",
        DESCRIPTOR_BYTES * n,
        b.descriptors.len(),
    )?;
    require_disjoint("descriptors", &b.descriptors, "src", src)?;
    require_disjoint("xy", &b.xy, "src", src)?;
    Ok(n)
}

struct Scratch {
    extractor: Extractor,
    keypoints: Vec<OrbKeypoint>,
    descriptors: Vec<[u8; DESCRIPTOR_BYTES]>,
    /// Reused by the capacity cut and by `computeSync`'s input.
    order: Vec<usize>,
    input: Vec<OrbKeypoint>,
}

impl Scratch {
    fn new(extractor: Extractor) -> Self {
        Self {
            extractor,
            keypoints: Vec::new(),
            descriptors: Vec::new(),
            order: Vec::new(),
            input: Vec::new(),
        }
    }

    /// Detect + describe, then copy at most `capacity` (the strongest when more) into the buffers.
    fn run(&mut self, view: &GrayView, b: &mut OrbBuffers) -> u32 {
        self.extractor
            .detect_and_compute(view, &mut self.keypoints, &mut self.descriptors);
        let n = self.keypoints.len().min(b.angle_deg.len());
        if n < self.keypoints.len() {
            // Keep the n strongest (ties: the earlier), in their order, without allocating.
            let kps = &self.keypoints;
            self.order.clear();
            self.order.extend(0..kps.len());
            self.order.sort_unstable_by(|&i, &j| {
                kps[j].response.total_cmp(&kps[i].response).then(i.cmp(&j))
            });
            self.order.truncate(n);
            self.order.sort_unstable();
            for (k, &i) in self.order.iter().enumerate() {
                self.keypoints[k] = self.keypoints[i];
                self.descriptors[k] = self.descriptors[i];
            }
        }
        // SAFETY: the caller owns the buffers and does not touch them until the call returns or the
        // promise settles (documented).
        let (xy, ang, oct, resp, size, desc) = unsafe {
            (
                b.xy.as_mut(),
                b.angle_deg.as_mut(),
                b.octave.as_mut(),
                b.response.as_mut(),
                b.size_px.as_mut(),
                b.descriptors.as_mut(),
            )
        };
        for (k, (kp, d)) in self
            .keypoints
            .iter()
            .zip(&self.descriptors)
            .take(n)
            .enumerate()
        {
            (xy[2 * k], xy[2 * k + 1]) = (kp.x, kp.y);
            (ang[k], oct[k], resp[k], size[k]) = (kp.angle, kp.octave as i32, kp.response, kp.size);
            desc[DESCRIPTOR_BYTES * k..DESCRIPTOR_BYTES * (k + 1)].copy_from_slice(d);
        }
        n as u32
    }
}

/// ORB features (Rublee et al., ICCV 2011) as `cv2.ORB_create(...)`: the same keypoints (as a set),
/// angles and 256-bit descriptors as OpenCV on the same frame. Keeps its pyramid and buffers.
#[napi]
pub struct OrbExtractor {
    scratch: Arc<Shared<Scratch>>,
}

#[napi]
impl OrbExtractor {
    /// Throws on bad options, e.g. `"levels" must be an integer in [1, 32], got 0`.
    #[napi(constructor)]
    pub fn new(options: Option<OrbOptions>) -> Result<Self> {
        let extractor = Extractor::new(params(options)?)?;
        Ok(Self {
            scratch: Shared::new(Scratch::new(extractor)),
        })
    }

    /// Detects keypoints in a GRAY8 frame and computes their descriptors on the calling thread;
    /// writes up to the buffers' capacity (the strongest when more are found; level by level,
    /// row-major within a level). Returns the count. Several ms on a VGA frame: prefer `detectAndCompute`.
    #[napi]
    pub fn detect_and_compute_sync(
        &self,
        src: Uint8ArraySlice<'_>,
        frame: FeatureFrameLayout,
        mut out: OrbBuffers,
    ) -> Result<u32> {
        let view = gray("src", &src, &frame)?;
        capacity(&src, &out)?;
        let mut s = self.scratch.lock_sync("OrbExtractor")?;
        Ok(s.run(&view, &mut out))
    }

    /// `detectAndComputeSync` on the libuv thread pool; do not touch the buffers until it settles.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn detect_and_compute(
        &self,
        src: Uint8Array,
        frame: FeatureFrameLayout,
        out: OrbBuffers,
    ) -> Result<AsyncTask<OrbTask>> {
        gray("src", &src, &frame)?;
        capacity(&src, &out)?;
        Ok(AsyncTask::new(OrbTask {
            scratch: Pending::new(&self.scratch),
            src,
            frame,
            out,
        }))
    }

    /// Descriptors at given keypoints (as `orb.compute`): `count` keypoints from `xy`, `angleDeg`
    /// and `octave` (e.g. OpenCV's own); 32 bytes each into `descriptors`. Keypoints near the edge
    /// are kept (OpenCV drops those within `edgeThresholdPx`). Throws naming the first keypoint
    /// outside the frame or with an octave beyond `levels − 1`.
    #[napi]
    pub fn compute_sync(
        &self,
        src: Uint8ArraySlice<'_>,
        frame: FeatureFrameLayout,
        xy: Float32ArraySlice<'_>,
        angle_deg: Float32ArraySlice<'_>,
        octave: Int32ArraySlice<'_>,
        mut descriptors: Uint8ArraySlice<'_>,
    ) -> Result<()> {
        let view = gray("src", &src, &frame)?;
        let n = angle_deg.len();
        require_len("xy", "floats", 2 * n, xy.len())?;
        require_len("octave", "ints", n, octave.len())?;
        require_len(
            "descriptors",
            "bytes",
            DESCRIPTOR_BYTES * n,
            descriptors.len(),
        )?;
        // SAFETY: the caller owns `descriptors` during this synchronous call.
        let out = unsafe { descriptors.as_mut() };
        require_disjoint("descriptors", out, "src", &src)?;
        let mut s = self.scratch.lock_sync("OrbExtractor")?;
        let Scratch {
            extractor,
            descriptors: d,
            input,
            ..
        } = &mut *s;
        input.clear();
        for k in 0..n {
            if octave[k] < 0 {
                return Err(
                    invalid("octave", "≥ 0", format!("{} at keypoint {k}", octave[k])).into(),
                );
            }
            let (x, y) = (xy[2 * k], xy[2 * k + 1]);
            input.push(OrbKeypoint {
                x,
                y,
                size: 0.0,
                angle: angle_deg[k],
                response: 0.0,
                octave: octave[k] as u32,
            });
        }
        extractor.compute(&view, input, d)?;
        for (chunk, desc) in out.chunks_exact_mut(DESCRIPTOR_BYTES).zip(d.iter()) {
            chunk.copy_from_slice(desc);
        }
        Ok(())
    }
}

/// The work of `OrbExtractor.detectAndCompute`.
pub struct OrbTask {
    scratch: Pending<Scratch>,
    src: Uint8Array,
    frame: FeatureFrameLayout,
    out: OrbBuffers,
}

impl Task for OrbTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let view = gray("src", &self.src, &self.frame)?;
        let mut s = self.scratch.lock("OrbExtractor")?;
        Ok(s.run(&view, &mut self.out))
    }

    fn resolve(&mut self, _env: Env, n: u32) -> Result<u32> {
        Ok(n)
    }
}
