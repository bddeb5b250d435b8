//! The reusable ORB pipeline: pyramid, per-level detection and ranking, orientation, descriptors.

use super::*;
use crate::round::round_even;

/// Reusable ORB extractor: holds the pyramid, the smoothed levels and every scratch buffer, so that
/// frames of a size seen before are processed without allocating.
pub struct OrbExtractor {
    params: OrbParams,
    per_level: Vec<usize>,
    border: usize,
    levels: Vec<Level>,
    fast: FastDetector,
    corners: Vec<Corner>,
    level_candidates: Vec<Candidate>,
    resize: ResizeScratch,
    blur: BlurScratch,
    kernel: [f32; 7],
    umax: Vec<i32>,
    selection: Vec<f32>,
}

impl OrbExtractor {
    /// An extractor with checked settings.
    pub fn new(params: OrbParams) -> KaranaResult<Self> {
        params.validate()?;
        let half = PATCH_SIZE / 2;
        // OpenCV: max(edgeThreshold, ⌈half·√2⌉, HARRIS_BLOCK_SIZE / 2) + 1.
        let reach = (half as f64 * std::f64::consts::SQRT_2).ceil() as usize;
        Ok(Self {
            params,
            per_level: params.features_per_level(),
            border: params.edge_threshold.max(reach).max(4) + 1,
            levels: Vec::new(),
            fast: FastDetector::new(),
            corners: Vec::new(),
            level_candidates: Vec::new(),
            resize: ResizeScratch::default(),
            blur: BlurScratch::default(),
            kernel: gaussian_kernel7(2.0),
            umax: circle_row_ends(half),
            selection: Vec::new(),
        })
    }

    pub fn params(&self) -> &OrbParams {
        &self.params
    }

    /// Detects up to about `maxFeatures` keypoints (ties at a level's cut may add a few) and computes
    /// their descriptors; both outputs are cleared first and filled in the same order.
    pub fn detect_and_compute(
        &mut self,
        img: &GrayView,
        keypoints: &mut Vec<OrbKeypoint>,
        descriptors: &mut Vec<[u8; DESCRIPTOR_BYTES]>,
    ) {
        keypoints.clear();
        descriptors.clear();
        self.build_pyramid(img, self.params.levels);
        for l in 0..self.params.levels {
            if self.levels[l].empty {
                continue;
            }
            let first = keypoints.len();
            self.detect_level(l, keypoints);
            let level_kps = &keypoints[first..];
            if level_kps.is_empty() {
                continue;
            }
            // Smooth only the rows that descriptors read (the pattern reaches 19 pixels).
            let inv = 1.0f32 / self.levels[l].scale;
            let ys = level_kps.iter().map(|k| round_even(k.y * inv) as usize);
            let (y0, y1) = ys.fold((usize::MAX, 0), |(a, b), y| (a.min(y), b.max(y)));
            let h = self.levels[l].img.height;
            self.smooth_level(l, y0.saturating_sub(20)..(y1 + 21).min(h));
            for k in level_kps {
                descriptors.push(self.descriptor_at(k));
            }
        }
    }

    /// Descriptors at given keypoints (OpenCV `ORB::compute`): `x`, `y` in the input image, `angle`
    /// in degrees and `octave` are used; the pyramid is built up to the highest octave. Unlike
    /// OpenCV, keypoints near the edge are kept: their pattern reads the reflected border.
    /// Errors name the first bad keypoint (octave beyond `levels − 1`, or outside the image).
    pub fn compute(
        &mut self,
        img: &GrayView,
        keypoints: &[OrbKeypoint],
        descriptors: &mut Vec<[u8; DESCRIPTOR_BYTES]>,
    ) -> KaranaResult<()> {
        descriptors.clear();
        let top = keypoints
            .iter()
            .map(|k| k.octave as usize)
            .max()
            .unwrap_or(0);
        if top >= self.params.levels {
            let (i, k) = keypoints
                .iter()
                .enumerate()
                .find(|(_, k)| k.octave as usize >= self.params.levels)
                .unwrap();
            let expected = format!("in [0, {}] (levels − 1)", self.params.levels - 1);
            return Err(invalid(
                "octave",
                expected,
                format!("{} at keypoint {i}", k.octave),
            ));
        }
        self.build_pyramid(img, top + 1);
        for (i, k) in keypoints.iter().enumerate() {
            let lv = &self.levels[k.octave as usize];
            let inv = 1.0f32 / lv.scale;
            let (cx, cy) = ((k.x * inv).round_ties_even(), (k.y * inv).round_ties_even());
            let inside = cx >= 0.0
                && cy >= 0.0
                && (cx as usize) < lv.img.width
                && (cy as usize) < lv.img.height;
            if lv.empty || !inside {
                let expected = format!(
                    "inside the {}×{} frame at its octave's scale",
                    img.width, img.height
                );
                return Err(invalid(
                    "keypoints",
                    expected,
                    format!("({}, {}) at octave {} (keypoint {i})", k.x, k.y, k.octave),
                ));
            }
        }
        for l in 0..=top {
            if !self.levels[l].empty && keypoints.iter().any(|k| k.octave as usize == l) {
                let h = self.levels[l].img.height;
                self.smooth_level(l, 0..h);
                self.levels[l].smooth.fill_border_reflect101();
            }
        }
        descriptors.extend(keypoints.iter().map(|k| self.descriptor_at(k)));
        Ok(())
    }

    /// Builds levels `0..count` (OpenCV's sizes; each level resized from the one before).
    fn build_pyramid(&mut self, img: &GrayView, count: usize) {
        while self.levels.len() < count {
            self.levels.push(Level::default());
        }
        for l in 0..count {
            let scale = self.params.level_scale(l);
            let inv = 1.0f32 / scale;
            let w = (img.width as f32 * inv).round_ties_even() as usize;
            let h = (img.height as f32 * inv).round_ties_even() as usize;
            let (below, rest) = self.levels.split_at_mut(l);
            let this = &mut rest[0];
            this.scale = scale;
            this.empty = w == 0 || h == 0 || (l > 0 && below[l - 1].empty);
            if this.empty {
                continue;
            }
            this.img.reshape(w, h, self.border, 16);
            this.smooth.reshape(w, h, self.border, 16);
            if l == 0 {
                this.img.copy_from(img);
            } else {
                let src = below[l - 1].img.view();
                let (origin, stride) = (this.img.origin(), this.img.stride);
                let dst = &mut this.img.data_mut()[origin..];
                resize_linear_exact(&src, dst, w, h, stride, &mut self.resize);
            }
            this.img.fill_border_reflect101();
        }
    }

    /// FAST, edge filter, ranking and orientation on level `l`; appends its keypoints.
    fn detect_level(&mut self, l: usize, out: &mut Vec<OrbKeypoint>) {
        let lv = &self.levels[l];
        let (w, h) = (lv.img.width, lv.img.height);
        let e = self.params.edge_threshold;
        self.fast.detect(
            &lv.img.view(),
            self.params.fast_threshold,
            true,
            &mut self.corners,
        );
        let cands = &mut self.level_candidates;
        cands.clear();
        if w > 2 * e && h > 2 * e {
            let inside = |c: &&Corner| {
                (e..w - e).contains(&(c.x as usize)) && (e..h - e).contains(&(c.y as usize))
            };
            let as_candidate = |c: &Corner| Candidate {
                x: c.x,
                y: c.y,
                response: f32::from(c.score),
            };
            cands.extend(self.corners.iter().filter(inside).map(as_candidate));
        }
        let n = self.per_level[l];
        let by_response = |c: &Candidate| c.response;
        if self.params.score == OrbScore::Harris {
            retain_best(cands, 2 * n, by_response, &mut self.selection);
            for c in cands.iter_mut() {
                c.response = harris_response(&lv.img, c.x as usize, c.y as usize);
            }
        }
        retain_best(cands, n, by_response, &mut self.selection);
        let size = PATCH_SIZE as f32 * lv.scale;
        out.extend(cands.iter().map(|c| OrbKeypoint {
            x: c.x as f32 * lv.scale,
            y: c.y as f32 * lv.scale,
            size,
            angle: ic_angle(&lv.img, c.x as usize, c.y as usize, &self.umax),
            response: c.response,
            octave: l as u32,
        }));
    }

    /// Smooths rows `rows` of level `l` into its smoothed copy.
    fn smooth_level(&mut self, l: usize, rows: std::ops::Range<usize>) {
        let lv = &mut self.levels[l];
        blur7(&lv.img, &mut lv.smooth, rows, &self.kernel, &mut self.blur);
    }

    /// The descriptor of `k` on its smoothed level (OpenCV's centre: the position times 1 / scale).
    fn descriptor_at(&self, k: &OrbKeypoint) -> [u8; DESCRIPTOR_BYTES] {
        let lv = &self.levels[k.octave as usize];
        let inv = 1.0f32 / lv.scale;
        let (cx, cy) = (
            round_even(k.x * inv) as usize,
            round_even(k.y * inv) as usize,
        );
        let mut d = [0u8; DESCRIPTOR_BYTES];
        describe(&lv.smooth, cx, cy, k.angle, &mut d);
        d
    }
}
