//! Front end: KLT tracks of FAST-9 corners spread over a grid (karana-features), with the gyro's
//! rotation predicting where each point moves (initial flow for the pyramidal search) and a
//! forward–backward check, then 2-point RANSAC against the gyro rotation ([`crate::ransac`]). Each
//! point keeps an id for the life of its track.

use crate::camera::Undistorter;
use crate::config::VioConfig;
use crate::ransac::two_point_inliers;
use karana_core::error::KaranaResult;
use karana_features::fast::grid::{GridSelector, GridSpread};
use karana_features::fast::{Corner, FastDetector};
use karana_features::gray::GrayView;
use karana_features::klt::{KltParams, KltTracker, Tracks, STATUS_TRACKED};
use nalgebra::{Matrix3, Vector3};

/// One tracked point in the current frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    pub id: u64,
    /// Pixel position (distorted image).
    pub px: [f32; 2],
    /// Undistorted normalised coordinates on the camera's `z = 1` plane.
    pub xy: [f64; 2],
}

/// Reusable tracking front end (buffers kept between frames).
pub struct FrontEnd {
    klt: KltTracker,
    fast: FastDetector,
    grid: GridSelector,
    undistort: Undistorter,
    prev: Vec<u8>,
    has_prev: bool,
    klt_started: bool,
    width: usize,
    height: usize,
    cell: usize,
    max_features: usize,
    threshold: u8,
    next_id: u64,
    ids: Vec<u64>,
    xy: Vec<f32>,
    guess: Vec<f32>,
    status: Vec<u8>,
    error: Vec<f32>,
    corners: Vec<Corner>,
    picked: Vec<Corner>,
    occupied: Vec<bool>,
    /// Observations of the current frame.
    pub current: Vec<Observation>,
    /// Median pixel motion of the points tracked into the current frame (NaN when none).
    pub median_disparity_px: f64,
    /// Tracks the 2-point RANSAC rejected in the current frame.
    pub rejected: u32,
    disparity: Vec<f32>,
    prev_xy: Vec<[f64; 2]>,
    cur_xy: Vec<[f64; 2]>,
    normals: Vec<Vector3<f64>>,
    inlier: Vec<bool>,
}

impl FrontEnd {
    pub fn new(config: &VioConfig) -> KaranaResult<Self> {
        let params = KltParams {
            window: 21,
            max_level: 3,
            fb_threshold: Some(0.5),
            ..KltParams::default()
        };
        let c = &config.camera;
        Ok(Self {
            klt: KltTracker::new(params)?,
            fast: FastDetector::new(),
            grid: GridSelector::new(),
            undistort: Undistorter::new(c),
            prev: vec![0; c.width_px * c.height_px],
            has_prev: false,
            klt_started: false,
            width: c.width_px,
            height: c.height_px,
            cell: config.grid_cell_px,
            max_features: config.max_features,
            threshold: config.fast_threshold,
            next_id: 0,
            ids: Vec::new(),
            xy: Vec::new(),
            guess: Vec::new(),
            status: Vec::new(),
            error: Vec::new(),
            corners: Vec::new(),
            picked: Vec::new(),
            occupied: Vec::new(),
            current: Vec::new(),
            median_disparity_px: f64::NAN,
            rejected: 0,
            disparity: Vec::new(),
            prev_xy: Vec::new(),
            cur_xy: Vec::new(),
            normals: Vec::new(),
            inlier: Vec::new(),
        })
    }

    /// Forgets every track (after a tracking loss); the next frame starts new ones.
    pub fn reset(&mut self) {
        self.ids.clear();
        self.xy.clear();
        self.current.clear();
    }

    /// Tracks the points into `img` and tops them up with new corners. `r_cn_cp` is the predicted
    /// rotation from the previous camera frame to this one (`p_Cn = R p_Cp`, from the gyroscope),
    /// identity when unknown. Fills [`FrontEnd::current`].
    pub fn process(&mut self, img: &GrayView, r_cn_cp: &Matrix3<f64>) -> KaranaResult<()> {
        let n = self.ids.len();
        self.disparity.clear();
        self.prev_xy.clear();
        if self.has_prev {
            self.predict(r_cn_cp);
            self.status.resize(n, 0);
            self.error.resize(n, 0.0);
            let tracks = Tracks {
                next: &mut self.guess[..],
                status: &mut self.status[..],
                error: &mut self.error[..],
                fb_error: None,
            };
            if self.klt_started {
                self.klt.track_from_last(img, &self.xy, tracks, true)?;
            } else {
                let prev = GrayView::new("prev", &self.prev, self.width, self.height, self.width)?;
                self.klt.track(&prev, img, &self.xy, tracks, true)?;
                self.klt_started = true;
            }
            let (w, h) = (self.width as f32, self.height as f32);
            let mut keep = 0;
            for k in 0..n {
                let (x, y) = (self.guess[2 * k], self.guess[2 * k + 1]);
                let inside = x >= 1.0 && y >= 1.0 && x < w - 2.0 && y < h - 2.0;
                if self.status[k] == STATUS_TRACKED && inside {
                    self.disparity
                        .push((x - self.xy[2 * k]).hypot(y - self.xy[2 * k + 1]));
                    self.prev_xy.push(self.current[k].xy);
                    self.ids[keep] = self.ids[k];
                    self.xy[2 * keep] = x;
                    self.xy[2 * keep + 1] = y;
                    keep += 1;
                }
            }
            self.ids.truncate(keep);
            self.xy.truncate(2 * keep);
            self.reject_outliers(r_cn_cp);
        }
        self.median_disparity_px = median(&mut self.disparity);
        self.top_up(img);
        self.keep_frame(img);
        self.current.clear();
        for (k, &id) in self.ids.iter().enumerate() {
            let (u, v) = (self.xy[2 * k], self.xy[2 * k + 1]);
            let (x, y) = self.undistort.undistort(u as f64, v as f64);
            self.current.push(Observation {
                id,
                px: [u, v],
                xy: [x, y],
            });
        }
        Ok(())
    }

    /// Drops the tracks that disagree with the frame's epipolar geometry (2-point RANSAC with the
    /// gyro rotation, threshold 1.5 px).
    fn reject_outliers(&mut self, r_cn_cp: &Matrix3<f64>) {
        self.cur_xy.clear();
        for k in 0..self.ids.len() {
            let (x, y) = self
                .undistort
                .undistort(self.xy[2 * k] as f64, self.xy[2 * k + 1] as f64);
            self.cur_xy.push([x, y]);
        }
        let threshold = 1.5 / self.undistort.focal_px();
        let kept = two_point_inliers(
            r_cn_cp,
            &self.prev_xy,
            &self.cur_xy,
            threshold,
            &mut self.normals,
            &mut self.inlier,
        );
        self.rejected = (self.ids.len() - kept) as u32;
        if kept == self.ids.len() {
            return;
        }
        let mut keep = 0;
        for k in 0..self.ids.len() {
            if self.inlier[k] {
                self.ids[keep] = self.ids[k];
                self.xy[2 * keep] = self.xy[2 * k];
                self.xy[2 * keep + 1] = self.xy[2 * k + 1];
                keep += 1;
            }
        }
        self.ids.truncate(keep);
        self.xy.truncate(2 * keep);
    }

    /// Initial flow: each point moved by the predicted rotation (infinite-depth homography).
    fn predict(&mut self, r: &Matrix3<f64>) {
        self.guess.clear();
        for k in 0..self.ids.len() {
            let (u, v) = (self.xy[2 * k] as f64, self.xy[2 * k + 1] as f64);
            let (x, y) = self.undistort.undistort(u, v);
            let b = r * Vector3::new(x, y, 1.0);
            let (pu, pv) = if b.z > 0.1 {
                self.undistort.project(b.x / b.z, b.y / b.z)
            } else {
                (u, v)
            };
            let ok = pu.is_finite() && pv.is_finite();
            self.guess.push(if ok { pu as f32 } else { u as f32 });
            self.guess.push(if ok { pv as f32 } else { v as f32 });
        }
    }

    /// New FAST corners in the grid cells that hold no tracked point, strongest first.
    fn top_up(&mut self, img: &GrayView) {
        if self.ids.len() >= self.max_features {
            return;
        }
        let cols = self.width.div_ceil(self.cell);
        let rows = self.height.div_ceil(self.cell);
        self.occupied.clear();
        self.occupied.resize(cols * rows, false);
        for k in 0..self.ids.len() {
            let cx = (self.xy[2 * k] as usize / self.cell).min(cols - 1);
            let cy = (self.xy[2 * k + 1] as usize / self.cell).min(rows - 1);
            self.occupied[cy * cols + cx] = true;
        }
        self.fast
            .detect(img, self.threshold, true, &mut self.corners);
        let margin = 8;
        let (w, h, cell) = (self.width, self.height, self.cell);
        let occupied = &self.occupied;
        self.corners.retain(|c| {
            let (x, y) = (c.x as usize, c.y as usize);
            let inside = x >= margin && y >= margin && x + margin < w && y + margin < h;
            inside && !occupied[(y / cell).min(rows - 1) * cols + (x / cell).min(cols - 1)]
        });
        let spread = GridSpread {
            cell_width: cell,
            cell_height: cell,
            per_cell: 1,
        };
        self.grid
            .select(&self.corners, w, h, &spread, &mut self.picked);
        self.picked.sort_by_key(|c| std::cmp::Reverse(c.score));
        for c in self.picked.iter().take(self.max_features - self.ids.len()) {
            self.ids.push(self.next_id);
            self.next_id += 1;
            self.xy.push(c.x as f32);
            self.xy.push(c.y as f32);
        }
    }

    fn keep_frame(&mut self, img: &GrayView) {
        if !self.has_prev {
            for y in 0..self.height {
                self.prev[y * self.width..(y + 1) * self.width].copy_from_slice(img.row(y));
            }
        }
        self.has_prev = true;
    }
}

fn median(v: &mut [f32]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    *m as f64
}
