//! The VIO's life cycle: initialisation (from gravity, or by bridging a short loss with the IMU),
//! and the health check that declares tracking lost (too few features for 3 frames, or a state
//! that diverged).

use super::{LossReason, Status, Vio};
use crate::init::{initialize, InitReport};
use crate::propagate::{apply, propagate_nominal, IntervalJacobian};
use crate::state::{FilterState, ImuState};
use karana_core::error::KaranaResult;
use karana_features::gray::GrayView;
use karana_tracking::lie::so3;
use nalgebra::{DMatrix, Matrix3, Vector3};

/// Longest tracking gap bridged by IMU dead reckoning from the last good state, s; longer gaps
/// re-initialise from gravity.
pub const MAX_BRIDGE_S: f64 = 1.0;

/// Heading of a body orientation: the angle of the body x axis projected on the world x–y plane, rad.
fn yaw(r_w_i: &Matrix3<f64>) -> f64 {
    r_w_i[(1, 0)].atan2(r_w_i[(0, 0)])
}

impl Vio {
    pub(super) fn try_initialize(&mut self, img: &GrayView, t_ns: i64) -> KaranaResult<()> {
        self.status = Status::Initializing;
        self.front.reset();
        self.features.clear();
        self.front.process(img, &Matrix3::identity())?;
        self.last_report.features_tracked = self.front.current.len() as u32;
        if self.front.current.len() < self.config.min_tracked_features {
            return Ok(());
        }
        let mut fresh_moving = false;
        let (imu, cov, rep) = match self.bridge_gap(t_ns) {
            Some(bridged) => bridged,
            None => {
                let prior = self.last_good.as_ref().map(|(l, _)| (l.bg, l.ba));
                let Some((mut imu, cov, rep)) = initialize(
                    &self.imu,
                    t_ns,
                    self.config.init_window_s,
                    self.config.init_velocity_sigma_mps,
                    prior,
                ) else {
                    return Ok(());
                };
                if let Some((last, _)) = &self.last_good {
                    // After a long loss: tilt from gravity again, but continue from the last good
                    // position and heading so that the world frame (and anything anchored in it)
                    // stays put.
                    let dyaw = yaw(&last.r_w_i) - yaw(&imu.r_w_i);
                    imu.r_w_i = so3::exp(&Vector3::new(0.0, 0.0, dyaw)) * imu.r_w_i;
                    imu.p_w_i = last.p_w_i;
                }
                fresh_moving = self.last_good.is_none() && !rep.is_static;
                (imu, cov, rep)
            }
        };
        let mut filter = FilterState::new(imu, cov);
        filter.augment(self.frame_seq);
        self.record_observations();
        self.filter = Some(filter);
        self.init_report = Some(rep);
        self.status = Status::Tracking;
        self.loss = None;
        self.starved_frames = 0;
        self.init_trajectory.clear();
        self.refresh_output();
        if fresh_moving && self.config.init_delay_s > 0.0 {
            self.start_delayed(img, t_ns);
        } else {
            self.init_trajectory.push(self.output);
        }
        Ok(())
    }

    /// After a short loss (≤ [`MAX_BRIDGE_S`]): the last good state and its covariance dead-reckoned
    /// through the IMU to `t_ns` (far better than a gravity re-initialisation while moving).
    fn bridge_gap(&self, t_ns: i64) -> Option<(ImuState, DMatrix<f64>, InitReport)> {
        let (last, cov) = self.last_good.as_ref()?;
        if (t_ns - last.t_ns) as f64 * 1e-9 > MAX_BRIDGE_S {
            return None;
        }
        let mut imu = *last;
        let mut cov = cov.clone();
        let mut acc = IntervalJacobian::identity();
        propagate_nominal(
            &mut imu,
            &self.imu,
            t_ns,
            self.config.gravity_mps2,
            &self.config.imu,
            &mut acc,
        );
        apply(&mut cov, &acc);
        imu.t_ns = t_ns;
        let tilt_sigma_rad = cov[(0, 0)].max(cov[(1, 1)]).sqrt();
        Some((
            imu,
            cov,
            InitReport {
                is_static: false,
                tilt_sigma_rad,
            },
        ))
    }

    pub(super) fn check_health(&mut self) {
        let filter = self.filter.as_ref().expect("initialised");
        let diverged = !filter.imu.v_w_i.iter().all(|v| v.is_finite())
            || filter.imu.v_w_i.norm() > 20.0
            || filter.imu.bg.norm() > 1.0;
        if (self.front.current.len()) < self.config.min_tracked_features {
            self.starved_frames += 1;
        } else {
            self.starved_frames = 0;
        }
        let reason = if diverged {
            Some(LossReason::Diverged)
        } else if self.starved_frames >= 3 {
            Some(LossReason::TooFewFeatures)
        } else {
            None
        };
        if let Some(r) = reason {
            if r == LossReason::TooFewFeatures {
                self.last_good = Some((self.output, self.output_cov.clone()));
            }
            self.status = Status::Lost;
            self.loss = Some(r);
            self.losses += 1;
            self.filter = None;
            self.features.clear();
            self.front.reset();
        }
    }
}
