//! The VIO pipeline: IMU buffering, initialisation, propagation to each frame, the front end,
//! stochastic cloning, the MSCKF update (lost tracks, and tracks seen by the clone about to be
//! marginalised), zero-velocity updates at standstill, tracking-loss detection and re-initialisation,
//! and the pose at IMU rate between frames.

use crate::config::VioConfig;
use crate::frontend::FrontEnd;
use crate::init::InitReport;
use crate::msckf::{UpdateModel, UpdateStats};
use crate::propagate::{apply, propagate, propagate_nominal, ImuSample, IntervalJacobian};
use crate::state::{FilterState, ImuState, IMU_DIM};
use crate::triangulate::TriangulationLimits;
use karana_core::error::{invalid, KaranaResult};
use karana_features::gray::GrayView;
use nalgebra::{DMatrix, Matrix3, Vector2, Vector3};
use std::collections::BTreeMap;

mod delayed;
mod lifecycle;
mod slam_step;
mod updates;

pub use lifecycle::MAX_BRIDGE_S;

/// Tracking status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for enough IMU history (or re-initialising after a loss).
    Initializing,
    Tracking,
    /// The last frame lost tracking; the next frame re-initialises.
    Lost,
}

/// Why tracking was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    TooFewFeatures,
    Diverged,
}

/// Counts and figures of the last frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameReport {
    pub features_tracked: u32,
    pub update: UpdateStats,
    pub zupt: bool,
    pub median_disparity_px: f64,
    /// Tracks the 2-point RANSAC rejected in this frame.
    pub ransac_rejected: u32,
    /// SLAM features (`crate::slam`) after this frame and what they did.
    pub slam: crate::slam::SlamStats,
}

/// Samples dropped by [`Vio::feed_imu`] (never thrown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImuFeedReport {
    pub accepted: u32,
    pub not_after_previous: u32,
    pub non_finite: u32,
}

/// Monocular MSCKF visual-inertial odometry (see the crate documentation).
pub struct Vio {
    config: VioConfig,
    model: UpdateModel,
    front: FrontEnd,
    imu: Vec<ImuSample>,
    filter: Option<FilterState>,
    /// Observations per feature id: `(frame, xy)`, oldest first.
    features: BTreeMap<u64, Vec<(u64, Vector2<f64>)>>,
    frame_seq: u64,
    status: Status,
    loss: Option<LossReason>,
    starved_frames: u32,
    /// The filter's IMU state carried forward through samples newer than the last frame.
    output: ImuState,
    output_cov: DMatrix<f64>,
    pub last_report: FrameReport,
    pub init_report: Option<InitReport>,
    /// Times tracking was lost since construction.
    pub losses: u32,
    /// The last pose before a loss (re-initialisation continues from its position and heading).
    last_good: Option<(ImuState, DMatrix<f64>)>,
    /// Frames kept while the delayed initialisation runs (`delayed.rs`).
    delayed: Option<delayed::Delayed>,
    /// The filter states at the frames of the delay window, from its final re-run (the first
    /// second's trajectory, consistent with what follows); filled when the delayed initialisation
    /// ends, emptied by [`Vio::take_init_trajectory`].
    init_trajectory: Vec<ImuState>,
    /// Clone window while the delayed initialisation runs (0 = `config.max_clones`).
    window_clones: usize,
    /// The next MSCKF update uses every track of ≥ 3 observations (end of the delayed window).
    flush_tracks: bool,
}

impl Vio {
    /// A VIO with checked settings; errors name the setting.
    pub fn new(config: VioConfig) -> KaranaResult<Self> {
        config.validate()?;
        let t = &config.camera.t_b_c;
        let r_i_c = Matrix3::new(t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]);
        let p_i_c = Vector3::new(t[3], t[7], t[11]);
        let f = crate::camera::Undistorter::new(&config.camera).focal_px();
        let model = UpdateModel {
            r_i_c,
            p_i_c,
            sigma2: (config.pixel_noise_px / f).powi(2),
            chi2_quantile: config.chi2_quantile,
            limits: TriangulationLimits {
                min_eigen_ratio: 1e-5,
                min_depth_m: 0.2,
                max_depth_m: 60.0,
                max_rms: 4.0 * config.pixel_noise_px / f,
            },
        };
        Ok(Self {
            front: FrontEnd::new(&config)?,
            config,
            model,
            imu: Vec::new(),
            filter: None,
            features: BTreeMap::new(),
            frame_seq: 0,
            status: Status::Initializing,
            loss: None,
            starved_frames: 0,
            output: ImuState::at_rest(0),
            output_cov: DMatrix::zeros(IMU_DIM, IMU_DIM),
            last_report: FrameReport::default(),
            init_report: None,
            losses: 0,
            last_good: None,
            delayed: None,
            init_trajectory: Vec::new(),
            window_clones: 0,
            flush_tracks: false,
        })
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn loss_reason(&self) -> Option<LossReason> {
        self.loss
    }

    pub fn config(&self) -> &VioConfig {
        &self.config
    }

    /// The newest pose (IMU rate once initialised) and its 15×15 error covariance
    /// `[δθ, δp, δv, δb_g, δb_a]`.
    pub fn output(&self) -> (&ImuState, &DMatrix<f64>) {
        (&self.output, &self.output_cov)
    }

    /// The states at the frames of the delayed-initialisation window (oldest first), once, when it
    /// has ended (the frame that ended it returned `Tracking`); empty otherwise.
    pub fn take_init_trajectory(&mut self) -> Vec<ImuState> {
        if self.delayed.is_some() || self.status != Status::Tracking {
            return Vec::new();
        }
        std::mem::take(&mut self.init_trajectory)
    }

    /// Clones kept in the sliding window now.
    fn clone_limit(&self) -> usize {
        self.config.max_clones.max(self.window_clones)
    }

    /// Frames processed so far.
    pub fn frames(&self) -> u64 {
        self.frame_seq
    }

    /// Appends IMU samples (sorted by time; a sample not after the previous one, or not finite, is
    /// dropped and counted) and carries the output pose forward through them.
    pub fn feed_imu(&mut self, samples: &[ImuSample]) -> ImuFeedReport {
        let mut rep = ImuFeedReport::default();
        let start = self.imu.len();
        for s in samples {
            if !(s.gyro.iter().chain(s.accel.iter()).all(|v| v.is_finite())) {
                rep.non_finite += 1;
            } else if self.imu.last().is_some_and(|l| s.t_ns <= l.t_ns) {
                rep.not_after_previous += 1;
            } else {
                self.imu.push(*s);
                rep.accepted += 1;
            }
        }
        if self.filter.is_some() && self.imu.len() > start {
            let t_end = self.imu[self.imu.len() - 1].t_ns;
            let mut acc = IntervalJacobian::identity();
            propagate_nominal(
                &mut self.output,
                &self.imu,
                t_end,
                self.config.gravity_mps2,
                &self.config.imu,
                &mut acc,
            );
            apply(&mut self.output_cov, &acc);
        }
        self.prune();
        rep
    }

    /// Drops IMU history no longer needed (older than the filter time and the init window).
    fn prune(&mut self) {
        // Keep the init window of history always (re-initialisation after a loss needs it).
        let history =
            self.imu.last().map_or(0, |l| l.t_ns) - (self.config.init_window_s * 1.5e9) as i64;
        let mut keep_from = match &self.filter {
            Some(f) => f.imu.t_ns.min(history),
            None => history,
        };
        if let Some(d) = &self.delayed {
            keep_from = keep_from.min(d.t0_ns);
        }
        let cut = self
            .imu
            .partition_point(|s| s.t_ns < keep_from)
            .saturating_sub(1);
        if cut > 512 {
            self.imu.drain(..cut);
        }
    }

    /// Processes a GRAY8 frame captured at `t_ns` (same clock as the IMU). Errors only for a frame
    /// of the wrong size or a stamp not after the previous frame's.
    pub fn feed_frame(&mut self, img: &GrayView, t_ns: i64) -> KaranaResult<Status> {
        let c = &self.config.camera;
        if (img.width, img.height) != (c.width_px, c.height_px) {
            return Err(invalid(
                "frame",
                format!("{}×{} (the camera's size)", c.width_px, c.height_px),
                format!("{}×{}", img.width, img.height),
            ));
        }
        if let Some(f) = &self.filter {
            if t_ns <= f.imu.t_ns {
                return Err(invalid(
                    "tNs",
                    format!("after the previous frame ({})", f.imu.t_ns),
                    t_ns,
                ));
            }
        }
        self.frame_seq += 1;
        self.last_report = FrameReport::default();
        if self.filter.is_none() {
            self.try_initialize(img, t_ns)?;
            return Ok(self.status);
        }
        if self.delayed.is_some() {
            self.delayed_frame(img, t_ns)?;
            return Ok(self.status);
        }
        self.track(img, t_ns)?;
        Ok(self.status)
    }

    fn track(&mut self, img: &GrayView, t_ns: i64) -> KaranaResult<()> {
        let cfg = self.config;
        let filter = self.filter.as_mut().expect("initialised");
        let r_prev = filter.imu.r_w_i;
        propagate(filter, &self.imu, t_ns, cfg.gravity_mps2, &cfg.imu);
        let r_ic = self.model.r_i_c;
        let r_cn_cp = r_ic.transpose() * filter.imu.r_w_i.transpose() * r_prev * r_ic;
        self.front.process(img, &r_cn_cp)?;
        filter.augment(self.frame_seq);
        self.record_observations();
        let n_tracked = self.front.current.len() as u32;
        self.last_report.features_tracked = n_tracked;
        self.last_report.median_disparity_px = self.front.median_disparity_px;
        self.last_report.ransac_rejected = self.front.rejected;
        self.zero_velocity_update();
        self.slam_update();
        self.msckf_update();
        self.check_health();
        if self.status == Status::Tracking {
            self.refresh_output();
        }
        Ok(())
    }

    fn record_observations(&mut self) {
        for o in &self.front.current {
            if self.is_slam(o.id) {
                continue;
            }
            self.features
                .entry(o.id)
                .or_default()
                .push((self.frame_seq, Vector2::new(o.xy[0], o.xy[1])));
        }
    }

    /// Output = filter IMU state, carried through the IMU samples newer than it.
    fn refresh_output(&mut self) {
        let filter = self.filter.as_ref().expect("initialised");
        self.output = filter.imu;
        self.output_cov = filter.cov.view((0, 0), (IMU_DIM, IMU_DIM)).into_owned();
        if let Some(last) = self.imu.last() {
            if last.t_ns > self.output.t_ns {
                let mut acc = IntervalJacobian::identity();
                propagate_nominal(
                    &mut self.output,
                    &self.imu,
                    last.t_ns,
                    self.config.gravity_mps2,
                    &self.config.imu,
                    &mut acc,
                );
                apply(&mut self.output_cov, &acc);
            }
        }
    }
}
