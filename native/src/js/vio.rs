//! N-API binding of `karana-vio`: the `Vio` class (monocular MSCKF visual-inertial odometry).
//! Argument conversion only; the estimator is in the crate. `feedFrame` runs on the libuv thread
//! pool (a frame takes milliseconds); `feedFrameSync` is its twin on the calling thread.

use super::features::{Pending, Shared};
use karana_core::error::{dimension, invalid, require_len, KaranaResult};
use karana_features::gray::GrayView;
use karana_tracking::lie::quat::matrix_to_quat;
use karana_vio::nalgebra::Vector3;
use karana_vio::{CameraModel, ImuSample, LossReason, Status, Vio as Inner, VioConfig};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// Camera, IMU noise and estimator settings. The camera fields are required; the rest default to
/// the EuRoC ADIS16448 noise model and the settings in `docs/vio.md`.
#[napi(object)]
pub struct VioOptions {
    /// Image size, pixels.
    pub width_px: f64,
    pub height_px: f64,
    /// `[fu, fv, cu, cv]`, pixels.
    pub intrinsics: Vec<f64>,
    /// Radial-tangential `[k1, k2, p1, p2]` (default zeros).
    pub distortion: Option<Vec<f64>>,
    /// `T_body_camera`, row-major 4×4 (EuRoC `T_BS` of the camera; default identity).
    pub t_body_camera: Option<Vec<f64>>,
    /// rad/s/√Hz.
    pub gyro_noise_density: Option<f64>,
    /// rad/s²/√Hz.
    pub gyro_random_walk: Option<f64>,
    /// m/s²/√Hz.
    pub accel_noise_density: Option<f64>,
    /// m/s³/√Hz.
    pub accel_random_walk: Option<f64>,
    /// Camera clones in the sliding window (default 11).
    pub max_clones: Option<f64>,
    /// Features tracked at most (default 150).
    pub max_features: Option<f64>,
    /// Image-plane noise, pixels (default 1).
    pub pixel_noise_px: Option<f64>,
    /// IMU history used to initialise, s (default 1).
    pub init_window_s: Option<f64>,
    /// Delayed initialisation window when starting in motion, s (default 2; 0 turns it off).
    pub init_delay_s: Option<f64>,
    /// Re-runs of the delayed initialisation over its window (default 3).
    pub init_passes: Option<f64>,
    /// Long-lived tracks kept in the state as SLAM features at most (default 25; 0 = pure MSCKF).
    pub max_slam_features: Option<f64>,
}

/// Counts of one `feedImu` call (bad samples are dropped and counted, never thrown).
#[napi(object)]
pub struct VioImuResult {
    pub accepted: u32,
    /// Stamp not after the previous sample's.
    pub not_after_previous: u32,
    /// A stamp, gyroscope or accelerometer value not finite.
    pub non_finite: u32,
}

/// What one frame did.
#[napi(object)]
pub struct VioFrameResult {
    /// `initializing`, `tracking` or `lost`.
    pub state: String,
    /// Why tracking was lost (`too-few-features`, `diverged`), when `state` is `lost`.
    pub reason: Option<String>,
    /// Features tracked into this frame.
    pub features: u32,
    /// Feature tracks used by the MSCKF update / rejected by triangulation / by the chi-square gate.
    pub features_used: u32,
    pub rejected_triangulation: u32,
    pub rejected_chi2: u32,
    /// A zero-velocity update was applied.
    pub zero_velocity: bool,
    /// Tracks dropped by the 2-point RANSAC (epipolar check with the gyro rotation).
    pub rejected_ransac: u32,
}

/// Length of the array `readState` fills.
#[napi]
pub const VIO_STATE_LENGTH: u32 = 53;

struct Scratch {
    vio: Inner,
    imu: Vec<ImuSample>,
}

/// Monocular visual-inertial odometry: a Multi-State Constraint Kalman Filter (Mourikis &
/// Roumeliotis, ICRA 2007) on KLT tracks of FAST corners. Feed IMU samples and GRAY8 frames on
/// one clock (ns); read the pose at IMU rate with `readState`.
#[napi]
pub struct Vio {
    shared: Arc<Shared<Scratch>>,
    width: usize,
    height: usize,
}

fn opt(name: &'static str, v: Option<f64>, default: f64) -> KaranaResult<f64> {
    match v {
        None => Ok(default),
        Some(x) if x.is_finite() => Ok(x),
        Some(x) => Err(invalid(name, "a finite number", x)),
    }
}

fn config(o: &VioOptions) -> KaranaResult<VioConfig> {
    let (w, h) = (
        dimension("widthPx", o.width_px)?,
        dimension("heightPx", o.height_px)?,
    );
    let fixed = |name: &'static str, v: &[f64], n: usize| -> KaranaResult<Vec<f64>> {
        if v.len() != n {
            return Err(invalid(
                name,
                format!("{n} numbers"),
                format!("{} numbers", v.len()),
            ));
        }
        Ok(v.to_vec())
    };
    let k = fixed("intrinsics", &o.intrinsics, 4)?;
    let d = o
        .distortion
        .as_deref()
        .map(|d| fixed("distortion", d, 4))
        .transpose()?
        .unwrap_or(vec![0.0; 4]);
    let t = o
        .t_body_camera
        .as_deref()
        .map(|t| fixed("T_body_camera", t, 16))
        .transpose()?;
    let mut c = VioConfig::with_camera(CameraModel {
        width_px: w,
        height_px: h,
        intrinsics: [k[0], k[1], k[2], k[3]],
        distortion: [d[0], d[1], d[2], d[3]],
        t_b_c: t.map_or(
            [
                1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1.,
            ],
            |t| t.try_into().expect("16"),
        ),
    });
    c.imu.gyro_noise_density = opt(
        "gyroNoiseDensity",
        o.gyro_noise_density,
        c.imu.gyro_noise_density,
    )?;
    c.imu.gyro_random_walk = opt("gyroRandomWalk", o.gyro_random_walk, c.imu.gyro_random_walk)?;
    c.imu.accel_noise_density = opt(
        "accelNoiseDensity",
        o.accel_noise_density,
        c.imu.accel_noise_density,
    )?;
    c.imu.accel_random_walk = opt(
        "accelRandomWalk",
        o.accel_random_walk,
        c.imu.accel_random_walk,
    )?;
    let int = |name: &'static str, v: Option<f64>, d: usize| -> KaranaResult<usize> {
        match v {
            None => Ok(d),
            Some(x) if x.is_finite() && x.fract() == 0.0 && x >= 0.0 => Ok(x as usize),
            Some(x) => Err(invalid(name, "an integer", x)),
        }
    };
    c.max_clones = int("maxClones", o.max_clones, c.max_clones)?;
    c.max_features = int("maxFeatures", o.max_features, c.max_features)?;
    c.pixel_noise_px = opt("pixelNoisePx", o.pixel_noise_px, c.pixel_noise_px)?;
    c.init_window_s = opt("initWindowS", o.init_window_s, c.init_window_s)?;
    c.init_delay_s = opt("initDelayS", o.init_delay_s, c.init_delay_s)?;
    c.init_passes = int("initPasses", o.init_passes, c.init_passes)?;
    c.max_slam_features = int("maxSlamFeatures", o.max_slam_features, c.max_slam_features)?;
    c.validate()?;
    Ok(c)
}

fn frame_result(vio: &Inner, status: Status) -> VioFrameResult {
    let r = vio.last_report;
    VioFrameResult {
        state: match status {
            Status::Initializing => "initializing",
            Status::Tracking => "tracking",
            Status::Lost => "lost",
        }
        .into(),
        reason: (status == Status::Lost).then(|| match vio.loss_reason() {
            Some(LossReason::Diverged) => "diverged".into(),
            _ => "too-few-features".into(),
        }),
        features: r.features_tracked,
        features_used: r.update.features_used,
        rejected_triangulation: r.update.rejected_triangulation,
        rejected_chi2: r.update.rejected_chi2,
        zero_velocity: r.zupt,
        rejected_ransac: r.ransac_rejected,
    }
}

/// A stamp in ns as the runtime clock gives it (a float64; rounded to the nearest ns).
fn stamp(t_ns: f64) -> KaranaResult<i64> {
    if t_ns.is_finite() && t_ns.abs() < 9.0e15 {
        Ok(t_ns.round() as i64)
    } else {
        Err(invalid("tNs", "a finite number of ns below 2^53", t_ns))
    }
}

impl Scratch {
    fn frame(
        &mut self,
        data: &[u8],
        w: usize,
        h: usize,
        t_ns: f64,
    ) -> KaranaResult<VioFrameResult> {
        let t = stamp(t_ns)?;
        let view = GrayView::new("gray", data, w, h, w)?;
        let status = self.vio.feed_frame(&view, t)?;
        Ok(frame_result(&self.vio, status))
    }
}

#[napi]
impl Vio {
    /// Throws naming the option when a setting is out of range (e.g. `"intrinsics" must be 4 numbers, got 3 numbers`).
    #[napi(constructor)]
    pub fn new(options: VioOptions) -> Result<Self> {
        let c = config(&options)?;
        Ok(Self {
            width: c.camera.width_px,
            height: c.camera.height_px,
            shared: Shared::new(Scratch {
                vio: Inner::new(c)?,
                imu: Vec::new(),
            }),
        })
    }

    /// Appends IMU samples (n stamps in ns; 3n gyroscope rad/s and 3n specific force m/s², body
    /// frame, xyz interleaved) and carries the output pose through them.
    #[napi]
    pub fn feed_imu(
        &self,
        timestamps_ns: Float64ArraySlice<'_>,
        gyro_radps: Float64ArraySlice<'_>,
        accel_mps2: Float64ArraySlice<'_>,
    ) -> Result<VioImuResult> {
        let n = timestamps_ns.len();
        require_len("gyroRadps", "numbers", 3 * n, gyro_radps.len())?;
        require_len("accelMps2", "numbers", 3 * n, accel_mps2.len())?;
        let mut s = self.shared.lock_sync("Vio")?;
        let Scratch { vio, imu } = &mut *s;
        imu.clear();
        let mut bad_stamps = 0;
        for i in 0..n {
            let Ok(t) = stamp(timestamps_ns[i]) else {
                bad_stamps += 1;
                continue;
            };
            let g = Vector3::new(
                gyro_radps[3 * i],
                gyro_radps[3 * i + 1],
                gyro_radps[3 * i + 2],
            );
            let a = Vector3::new(
                accel_mps2[3 * i],
                accel_mps2[3 * i + 1],
                accel_mps2[3 * i + 2],
            );
            imu.push(ImuSample {
                t_ns: t,
                gyro: g,
                accel: a,
            });
        }
        let r = vio.feed_imu(imu);
        Ok(VioImuResult {
            accepted: r.accepted,
            not_after_previous: r.not_after_previous,
            non_finite: r.non_finite + bad_stamps,
        })
    }

    /// Processes a GRAY8 frame (`widthPx × heightPx` bytes, packed rows) captured at `tNs` on the
    /// calling thread. Throws for a buffer of the wrong size or a stamp not after the previous frame's.
    #[napi]
    pub fn feed_frame_sync(&self, gray: Uint8ArraySlice<'_>, t_ns: f64) -> Result<VioFrameResult> {
        let mut s = self.shared.lock_sync("Vio")?;
        Ok(s.frame(&gray, self.width, self.height, t_ns)?)
    }

    /// `feedFrameSync` on the libuv thread pool; `gray` must not be written until it settles.
    #[napi(ts_return_type = "Promise<VioFrameResult>")]
    pub fn feed_frame(&self, gray: Uint8Array, t_ns: f64) -> AsyncTask<FrameTask> {
        AsyncTask::new(FrameTask {
            scratch: Pending::new(&self.shared),
            gray,
            t_ns,
            width: self.width,
            height: self.height,
        })
    }

    /// Writes the newest state into `out` (at least 53 numbers): `[tNs, qw, qx, qy, qz, px, py, pz,
    /// vx, vy, vz, bgx, bgy, bgz, bax, bay, baz, cov(36)]` — `q_world_body`, `p_world_body` m,
    /// `v_world` m/s, gyro bias rad/s, accel bias m/s², and the row-major 6×6 covariance of
    /// `[δθ (rad, body), δp (m, world)]`. Returns false (out untouched) before initialisation.
    #[napi]
    pub fn read_state(&self, mut out: Float64ArraySlice<'_>) -> Result<bool> {
        require_len("out", "numbers", VIO_STATE_LENGTH as usize, out.len())?;
        let s = self.shared.lock_sync("Vio")?;
        if s.vio.status() != Status::Tracking {
            return Ok(false);
        }
        let (st, cov) = s.vio.output();
        // SAFETY: the caller owns `out` during this synchronous call.
        let o = unsafe { out.as_mut() };
        let q = matrix_to_quat(&st.r_w_i);
        o[0] = st.t_ns as f64;
        o[1..5].copy_from_slice(&q);
        for k in 0..3 {
            o[5 + k] = st.p_w_i[k];
            o[8 + k] = st.v_w_i[k];
            o[11 + k] = st.bg[k];
            o[14 + k] = st.ba[k];
        }
        for a in 0..6 {
            for b in 0..6 {
                o[17 + 6 * a + b] = cov[(a, b)];
            }
        }
        Ok(true)
    }

    /// The poses at the frames of the delayed-initialisation window (the first second while
    /// moving), once, after the frame that ended it returned `tracking`: n × 8 numbers `[tNs, qw, qx,
    /// qy, qz, px, py, pz]` (`q_world_body`, `p_world_body` m), oldest first; empty otherwise.
    #[napi]
    pub fn take_init_trajectory(&self) -> Result<Float64Array> {
        let mut s = self.shared.lock_sync("Vio")?;
        let traj = s.vio.take_init_trajectory();
        let mut out = Vec::with_capacity(8 * traj.len());
        for st in &traj {
            out.push(st.t_ns as f64);
            out.extend_from_slice(&matrix_to_quat(&st.r_w_i));
            out.extend_from_slice(st.p_w_i.as_slice());
        }
        Ok(Float64Array::new(out))
    }

    /// The scene points the filter holds as landmarks (SLAM features) now: n × 4 numbers `[id, x, y,
    /// z]` — the front end's track id and the position in the world frame, m; empty unless tracking.
    #[napi]
    pub fn read_landmarks(&self) -> Result<Float64Array> {
        let s = self.shared.lock_sync("Vio")?;
        let mut out = Vec::new();
        for (id, p) in s.vio.landmarks() {
            out.push(id as f64);
            out.extend_from_slice(p.as_slice());
        }
        Ok(Float64Array::new(out))
    }

    /// Frames given so far.
    #[napi(getter)]
    pub fn frames(&self) -> Result<f64> {
        Ok(self.shared.lock_sync("Vio")?.vio.frames() as f64)
    }

    /// Times tracking was lost (and re-initialised) so far.
    #[napi(getter)]
    pub fn losses(&self) -> Result<u32> {
        Ok(self.shared.lock_sync("Vio")?.vio.losses)
    }
}

/// The work of `Vio.feedFrame`.
pub struct FrameTask {
    scratch: Pending<Scratch>,
    gray: Uint8Array,
    t_ns: f64,
    width: usize,
    height: usize,
}

impl Task for FrameTask {
    type Output = VioFrameResult;
    type JsValue = VioFrameResult;

    fn compute(&mut self) -> Result<Self::Output> {
        let mut s = self.scratch.lock("Vio")?;
        Ok(s.frame(&self.gray, self.width, self.height, self.t_ns)?)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}
