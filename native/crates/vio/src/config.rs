//! Settings of the VIO: the camera (pinhole + radial-tangential, `T_B_C`), the IMU noise model, the
//! MSCKF window and the front end. [`VioConfig::euroc_cam0`] holds the EuRoC MAV cam0/imu0
//! calibration (`sensor.yaml`, Burri et al., IJRR 2016) for tests; a runtime fills the camera from
//! the session's own `sensor.yaml`.

use karana_core::error::{invalid, KaranaResult};

/// Pinhole camera with radial-tangential (Brown–Conrady, OpenCV `k1 k2 p1 p2`) distortion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CameraModel {
    pub width_px: usize,
    pub height_px: usize,
    /// Focal lengths and principal point, pixels: `[fu, fv, cu, cv]`.
    pub intrinsics: [f64; 4],
    /// `[k1, k2, p1, p2]`, dimensionless (zeros: no distortion).
    pub distortion: [f64; 4],
    /// Pose of the camera in the body (IMU) frame, row-major 4×4 (`p_B = T_B_C · p_C`; EuRoC `T_BS`).
    pub t_b_c: [f64; 16],
}

/// IMU noise model (continuous-time densities, Kalibr/EuRoC `sensor.yaml` names).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImuNoise {
    /// Gyroscope white noise, rad/s/√Hz.
    pub gyro_noise_density: f64,
    /// Gyroscope bias random walk, rad/s²/√Hz.
    pub gyro_random_walk: f64,
    /// Accelerometer white noise, m/s²/√Hz.
    pub accel_noise_density: f64,
    /// Accelerometer bias random walk, m/s³/√Hz.
    pub accel_random_walk: f64,
}

/// Everything the estimator needs; [`VioConfig::validate`] checks it once, at construction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VioConfig {
    pub camera: CameraModel,
    pub imu: ImuNoise,
    /// Magnitude of gravity, m/s² (world z up).
    pub gravity_mps2: f64,
    /// Camera clones in the MSCKF sliding window (the oldest is marginalised beyond this).
    pub max_clones: usize,
    /// Features tracked at most (new FAST corners fill empty grid cells up to this).
    pub max_features: usize,
    /// Side of the square grid cells new corners are spread over, pixels.
    pub grid_cell_px: usize,
    /// FAST-9 threshold, grey levels.
    pub fast_threshold: u8,
    /// Image-plane measurement noise (1σ), pixels.
    pub pixel_noise_px: f64,
    /// Mahalanobis gate: chi-square quantile a feature's residual must stay below (e.g. 0.95).
    pub chi2_quantile: f64,
    /// IMU history used for the gravity-alignment initialisation, s.
    pub init_window_s: f64,
    /// 1σ of the initial velocity when the device was moving at initialisation, m/s.
    pub init_velocity_sigma_mps: f64,
    /// Frames with fewer tracked features than this count towards a tracking loss.
    pub min_tracked_features: usize,
    /// Zero-velocity update when the median feature motion between frames is below this, pixels
    /// (0 turns it off).
    pub zupt_max_disparity_px: f64,
    /// Delayed (two-pass) initialisation while moving: the first `init_delay_s` seconds of frames
    /// are filtered, the converged state is carried back to the first frame and the filter re-run
    /// from there (`vio/delayed.rs`); no pose is output before. 0 turns it off, s.
    pub init_delay_s: f64,
    /// Re-runs over the delay window (each seeded from the previous run's end state), ≥ 1.
    pub init_passes: usize,
    /// Long-lived tracks kept in the state as SLAM features at most (`slam.rs`); 0 = pure MSCKF.
    pub max_slam_features: usize,
    /// A track becomes a SLAM feature only if its position's largest 1σ is at most this fraction
    /// of its depth.
    pub slam_max_rel_sigma: f64,
}

impl VioConfig {
    /// The EuRoC MAV `cam0` and `imu0` calibration (MH_01 `sensor.yaml`) with the default settings.
    pub fn euroc_cam0() -> Self {
        Self {
            camera: CameraModel {
                width_px: 752,
                height_px: 480,
                intrinsics: [458.654, 457.296, 367.215, 248.375],
                distortion: [-0.28340811, 0.07395907, 0.00019359, 1.76187114e-05],
                t_b_c: [
                    0.0148655429818,
                    -0.999880929698,
                    0.00414029679422,
                    -0.0216401454975,
                    0.999557249008,
                    0.0149672133247,
                    0.025715529948,
                    -0.064676986768,
                    -0.0257744366974,
                    0.00375618835797,
                    0.999660727178,
                    0.00981073058949,
                    0.0,
                    0.0,
                    0.0,
                    1.0,
                ],
            },
            imu: ImuNoise {
                gyro_noise_density: 1.6968e-4,
                gyro_random_walk: 1.9393e-5,
                accel_noise_density: 2.0e-3,
                accel_random_walk: 3.0e-3,
            },
            ..Self::with_camera(CameraModel {
                width_px: 1,
                height_px: 1,
                intrinsics: [1.0, 1.0, 0.0, 0.0],
                distortion: [0.0; 4],
                t_b_c: IDENTITY4,
            })
        }
    }

    /// Default estimator settings around a camera, with the EuRoC ADIS16448 noise model.
    pub fn with_camera(camera: CameraModel) -> Self {
        Self {
            camera,
            imu: ImuNoise {
                gyro_noise_density: 1.6968e-4,
                gyro_random_walk: 1.9393e-5,
                accel_noise_density: 2.0e-3,
                accel_random_walk: 3.0e-3,
            },
            gravity_mps2: 9.81,
            max_clones: 11,
            max_features: 150,
            grid_cell_px: 48,
            fast_threshold: 20,
            pixel_noise_px: 1.0,
            chi2_quantile: 0.95,
            init_window_s: 1.0,
            init_velocity_sigma_mps: 0.5,
            min_tracked_features: 15,
            zupt_max_disparity_px: 0.3,
            init_delay_s: 2.0,
            init_passes: 3,
            max_slam_features: 25,
            slam_max_rel_sigma: 0.1,
        }
    }

    /// Checks every field; errors name the JS option, e.g. `"maxClones" must be an integer in [3, 40], got 1`.
    pub fn validate(&self) -> KaranaResult<()> {
        let c = &self.camera;
        if c.width_px < 32 || c.height_px < 32 {
            return Err(invalid(
                "widthPx/heightPx",
                "at least 32×32",
                format!("{}×{}", c.width_px, c.height_px),
            ));
        }
        for (name, v) in [("fu", c.intrinsics[0]), ("fv", c.intrinsics[1])] {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(name, "a positive number of pixels", v));
            }
        }
        if !c
            .intrinsics
            .iter()
            .chain(&c.distortion)
            .chain(&c.t_b_c)
            .all(|v| v.is_finite())
        {
            return Err(invalid(
                "camera",
                "finite intrinsics, distortion and T_B_C",
                "a non-finite value",
            ));
        }
        let r = &c.t_b_c;
        let bottom_ok = r[12] == 0.0 && r[13] == 0.0 && r[14] == 0.0 && (r[15] - 1.0).abs() < 1e-9;
        let det = r[0] * (r[5] * r[10] - r[6] * r[9]) - r[1] * (r[4] * r[10] - r[6] * r[8])
            + r[2] * (r[4] * r[9] - r[5] * r[8]);
        if !bottom_ok || (det - 1.0).abs() > 1e-3 {
            return Err(invalid(
                "T_B_C",
                "a rigid transform (rotation with det 1, last row 0 0 0 1)",
                format!("det {det:.6}"),
            ));
        }
        let i = &self.imu;
        for (name, v) in [
            ("gyroNoiseDensity", i.gyro_noise_density),
            ("gyroRandomWalk", i.gyro_random_walk),
            ("accelNoiseDensity", i.accel_noise_density),
            ("accelRandomWalk", i.accel_random_walk),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(name, "a positive number", v));
            }
        }
        let int = |name, v: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(invalid(name, format!("an integer in [{lo}, {hi}]"), v))
            }
        };
        int("maxClones", self.max_clones, 3, 40)?;
        int("maxFeatures", self.max_features, 10, 1000)?;
        int("gridCellPx", self.grid_cell_px, 8, 256)?;
        int("minTrackedFeatures", self.min_tracked_features, 3, 1000)?;
        int("maxSlamFeatures", self.max_slam_features, 0, 200)?;
        let num = |name, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(invalid(name, format!("a number in [{lo}, {hi}]"), v))
            }
        };
        num("gravityMps2", self.gravity_mps2, 1.0, 20.0)?;
        num("pixelNoisePx", self.pixel_noise_px, 0.01, 20.0)?;
        num("chi2Quantile", self.chi2_quantile, 0.5, 0.9999)?;
        num("initWindowS", self.init_window_s, 0.05, 10.0)?;
        num(
            "initVelocitySigmaMps",
            self.init_velocity_sigma_mps,
            0.0,
            10.0,
        )?;
        num("zuptMaxDisparityPx", self.zupt_max_disparity_px, 0.0, 10.0)?;
        num("initDelayS", self.init_delay_s, 0.0, 5.0)?;
        num("slamMaxRelSigma", self.slam_max_rel_sigma, 0.001, 10.0)?;
        if !(1..=5).contains(&self.init_passes) {
            return Err(invalid(
                "initPasses",
                "an integer in [1, 5]",
                self.init_passes,
            ));
        }
        Ok(())
    }
}

pub(crate) const IDENTITY4: [f64; 16] = [
    1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1.,
];
