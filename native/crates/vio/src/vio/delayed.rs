//! Delayed (two-pass) initialisation while moving.
//!
//! A device that starts in motion gives the gravity initialiser (`init.rs`) a tilt error of a few
//! degrees and no velocity (0 ± 0.5 m/s); the MSCKF corrects both, but only after ≈ 2 s, and the
//! poses of that first stretch are inconsistent with the later ones (on the EuRoC MH_01 excerpt the
//! position swings by 0.2 m while the device moves 7 cm). Here the first `init_delay_s` seconds of
//! frames are kept (owned copies) and filtered as usual without output; at the end of the window the
//! filter's state — velocity, orientation (its tilt observed by the vision–IMU coupling) and biases —
//! is carried back to the first frame through the IMU preintegrated with the estimated biases
//! (Forster et al., T-RO 2017, eq. 26–28, inverted), the yaw reset to zero (world frame convention)
//! and the filter re-run over the kept frames from that seed, `init_passes` times. The seed
//! covariance is the end state's marginal σ grown by what the carry-back adds (gyro bias error ×
//! window for the tilt; tilt error × g × window and accelerometer bias error × window for the
//! velocity). This is the "delayed initialisation" alternative to a closed-form visual–inertial
//! alignment (VINS-Mono, Qin et al., T-RO 2018 §V): it re-uses the filter's own update as the
//! alignment, costs `init_passes` × the window's frames once, and needs no SfM front end.

use super::{Status, Vio};
use crate::propagate::{propagate_nominal, IntervalJacobian};
use crate::state::{FilterState, ImuState, BA, BG, IMU_DIM, P, TH, V};
use karana_core::error::KaranaResult;
use karana_features::gray::GrayView;
use karana_tracking::lie::so3;
use nalgebra::{DMatrix, Matrix3, Vector3};

/// Clone window while the delayed initialisation runs (the whole 2 s window at 20 Hz but its
/// first frame), so that its poses end up smoothed by all of its tracks; longer windows
/// marginalise their oldest clones as usual.
const WINDOW_CLONES: usize = 40;

/// Frames kept while the delayed initialisation runs.
pub(super) struct Delayed {
    /// `(frame sequence number, stamp ns, pixels row-major with stride = width)`, oldest first.
    pub frames: Vec<(u64, i64, Vec<u8>)>,
    /// Stamp of the first kept frame (the time the re-run starts from), ns.
    pub t0_ns: i64,
}

/// Copies a view's pixels into a dense buffer (stride = width).
pub(super) fn copy_pixels(img: &GrayView) -> Vec<u8> {
    let mut out = Vec::with_capacity(img.width * img.height);
    for y in 0..img.height {
        out.extend_from_slice(&img.data[y * img.stride..y * img.stride + img.width]);
    }
    out
}

impl Vio {
    /// Starts keeping frames (called right after a moving initialisation at `t_ns`).
    pub(super) fn start_delayed(&mut self, img: &GrayView, t_ns: i64) {
        self.delayed = Some(Delayed {
            frames: vec![(self.frame_seq, t_ns, copy_pixels(img))],
            t0_ns: t_ns,
        });
        self.window_clones = WINDOW_CLONES;
        self.status = Status::Initializing;
    }

    /// One frame during the delay: filtered as usual, kept, and at the end of the window the
    /// re-runs. Output only from the end of the window (status `Initializing` before).
    pub(super) fn delayed_frame(&mut self, img: &GrayView, t_ns: i64) -> KaranaResult<()> {
        self.track(img, t_ns)?;
        if self.status == Status::Lost {
            self.delayed = None;
            self.window_clones = 0;
            return Ok(());
        }
        let d = self
            .delayed
            .as_mut()
            .expect("delayed initialisation running");
        d.frames.push((self.frame_seq, t_ns, copy_pixels(img)));
        if (t_ns - d.t0_ns) as f64 * 1e-9 + 1e-6 < self.config.init_delay_s {
            self.status = Status::Initializing;
            return Ok(());
        }
        let d = self.delayed.take().expect("delayed initialisation running");
        let r = self.rerun(&d);
        self.window_clones = 0;
        r
    }

    fn rerun(&mut self, d: &Delayed) -> KaranaResult<()> {
        let (w, h) = (self.config.camera.width_px, self.config.camera.height_px);
        fn view(px: &[u8], w: usize, h: usize) -> GrayView<'_> {
            GrayView {
                data: px,
                width: w,
                height: h,
                stride: w,
            }
        }
        let passes = self.config.init_passes;
        for pass in 0..passes {
            let filter = self.filter.as_ref().expect("initialised");
            let (imu0, cov0) = self.carry_back(&filter.imu, &filter.cov, d.t0_ns);
            self.init_trajectory.clear();
            self.front.reset();
            self.features.clear();
            let (seq0, _, px0) = &d.frames[0];
            self.frame_seq = *seq0;
            self.front.process(&view(px0, w, h), &Matrix3::identity())?;
            let mut filter = FilterState::new(imu0, cov0);
            filter.augment(self.frame_seq);
            self.filter = Some(filter);
            self.record_observations();
            self.init_trajectory.push(imu0);
            self.status = Status::Tracking;
            self.starved_frames = 0;
            let n = d.frames.len();
            for (k, (seq, t, px)) in d.frames.iter().enumerate().skip(1) {
                self.frame_seq = *seq;
                self.last_report = Default::default();
                self.flush_tracks = pass + 1 == passes && k + 1 == n;
                let r = self.track(&view(px, w, h), *t);
                self.flush_tracks = false;
                r?;
                if self.status == Status::Lost {
                    self.init_trajectory.clear();
                    return Ok(());
                }
                self.init_trajectory
                    .push(self.filter.as_ref().expect("tracking").imu);
            }
        }
        // The clones still in the window hold the poses smoothed by every update of the window:
        // they replace the causal estimates of their frames.
        let filter = self.filter.as_ref().expect("tracking");
        for c in &filter.clones {
            if let Some(s) = self.init_trajectory.iter_mut().find(|s| s.t_ns == c.t_ns) {
                s.r_w_i = c.r_w_i;
                s.p_w_i = c.p_w_i;
            }
        }
        self.refresh_output();
        Ok(())
    }

    /// The state at `t0_ns` from the filter's state `end` (later) through the IMU: `R₀ = R_T ΔRᵀ`,
    /// `v₀ = v_T − g_W T − R₀ Δv` with `ΔR, Δv` preintegrated over `[t₀, T]` with `end`'s biases;
    /// position 0 and yaw 0 (the world frame is the gravity-aligned frame of the first pose).
    fn carry_back(
        &self,
        end: &ImuState,
        cov: &DMatrix<f64>,
        t0_ns: i64,
    ) -> (ImuState, DMatrix<f64>) {
        let mut pre = ImuState {
            t_ns: t0_ns,
            r_w_i: Matrix3::identity(),
            p_w_i: Vector3::zeros(),
            v_w_i: Vector3::zeros(),
            bg: end.bg,
            ba: end.ba,
        };
        let mut acc = IntervalJacobian::identity();
        propagate_nominal(
            &mut pre,
            &self.imu,
            end.t_ns,
            0.0,
            &self.config.imu,
            &mut acc,
        );
        let span_s = (end.t_ns - t0_ns) as f64 * 1e-9;
        let g_w = Vector3::new(0.0, 0.0, -self.config.gravity_mps2);
        let r0 = end.r_w_i * pre.r_w_i.transpose();
        let v0 = end.v_w_i - g_w * span_s - r0 * pre.v_w_i;
        let dyaw = -r0[(1, 0)].atan2(r0[(0, 0)]);
        let rz = so3::exp(&Vector3::new(0.0, 0.0, dyaw));
        let imu0 = ImuState {
            t_ns: t0_ns,
            r_w_i: rz * r0,
            p_w_i: Vector3::zeros(),
            v_w_i: rz * v0,
            bg: end.bg,
            ba: end.ba,
        };
        // Marginal σ at the end (largest axis of each block), grown by the carry-back.
        let max_var = |i: usize| (0..3).map(|k| cov[(i + k, i + k)]).fold(0.0, f64::max);
        let tilt_var_end = cov[(TH, TH)].max(cov[(TH + 1, TH + 1)]);
        let bg_var = max_var(BG).max(0.002f64.powi(2));
        let ba_var = max_var(BA).max(0.02f64.powi(2));
        let tilt_var = (tilt_var_end + bg_var * span_s * span_s).max(0.005f64.powi(2));
        let g = self.config.gravity_mps2;
        let v_var = (max_var(V) + tilt_var_end * (g * span_s).powi(2) + ba_var * span_s * span_s)
            .max(0.02f64.powi(2));
        let mut c = DMatrix::<f64>::zeros(IMU_DIM, IMU_DIM);
        for k in 0..3 {
            c[(TH + k, TH + k)] = if k < 2 { tilt_var } else { 1e-6 };
            c[(P + k, P + k)] = 1e-6;
            c[(V + k, V + k)] = v_var;
            c[(BG + k, BG + k)] = bg_var;
            c[(BA + k, BA + k)] = ba_var;
        }
        // The tilt uncertainty is about the world's horizontal axes: rotate it into the body frame.
        let th = c.fixed_view::<3, 3>(TH, TH).into_owned();
        let r = imu0.r_w_i;
        c.fixed_view_mut::<3, 3>(TH, TH)
            .copy_from(&(r.transpose() * th * r));
        (imu0, c)
    }
}
