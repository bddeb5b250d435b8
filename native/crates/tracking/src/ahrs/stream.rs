//! The batch driver shared by the attitude filters: dt from timestamps, validation of each
//! sample's measurements, degraded-sample counts, per-sample output, and the caller-buffer checks.
//!
//! A filter implements [`AttitudeFilter`] (one step from a dt, a gyroscope sample and the
//! measurements that passed validation); [`run`] drives it over a [`BatchInput`]. The driver never
//! fails on data: what it cannot use is counted in [`BatchReport`].

use crate::lie::quat::Quat;
use karana_core::error::{in_range, invalid, require_disjoint, require_len, KaranaResult};

/// One batch of samples; sample `i` is `t_ns[i]`, `gyro[3i..3i+3]`, … (xyz interleaved).
pub struct BatchInput<'a> {
    /// Runtime clock, ns (integers are exact in f64 up to 2⁵³ ns ≈ 104 days).
    pub t_ns: &'a [f64],
    /// Body-frame angular rate, rad/s.
    pub gyro: &'a [f64],
    /// Body-frame specific force, m/s².
    pub accel: &'a [f64],
    /// Body-frame magnetic field, µT (only the direction is used); `None` for IMU-only.
    pub mag: Option<&'a [f64]>,
}

/// What happened in one batch, as counts of samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Samples processed (= timestamps given).
    pub samples: u32,
    /// Integrated with the nominal dt because the state had no previous timestamp.
    pub no_previous_stamp: u32,
    /// Integrated with the nominal dt because dt was ≤ 0 or not a number.
    pub non_positive_dt: u32,
    /// Integrated with the nominal dt because dt exceeded `max_dt_s`.
    pub long_dt: u32,
    /// Gyroscope-only step: accelerometer zero or not finite.
    pub accel_rejected: u32,
    /// No magnetometer correction: magnetometer zero or not finite (counted only when the
    /// accelerometer was valid; without it the step is gyroscope-only anyway).
    pub mag_rejected: u32,
    /// Left out (state held, time advanced): gyroscope not finite.
    pub skipped: u32,
    /// Accelerometer update rejected by the filter's own gate (error-state Kalman filter).
    pub accel_gated: u32,
    /// Magnetometer update rejected by the filter's own gate (error-state Kalman filter).
    pub mag_gated: u32,
}

/// How dt is taken from the timestamps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSettings {
    /// Rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: f64,
    /// Largest dt accepted from the timestamps, s; longer gaps use the nominal dt.
    pub max_dt_s: f64,
}

impl ClockSettings {
    /// Checks both fields (names as in the JS settings objects).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("nominalRateHz", self.nominal_rate_hz, 1e-3, 1e9)?;
        in_range("maxDtS", self.max_dt_s, 1e-9, 1e6)?;
        Ok(())
    }
}

/// Rest detection, after x-io Fusion's `FusionBias`: the sensor is at rest once every axis of
/// `gyro − bias` has stayed within `gyro_threshold_radps` for `period_s`; while at rest the filter
/// learns its gyroscope bias from the raw gyroscope ([`AttitudeFilter::at_rest`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RestSettings {
    /// Per-axis rate below which the sensor may be at rest, rad/s; 0 disables rest detection.
    pub gyro_threshold_radps: f64,
    /// How long the rate must stay below the threshold, s.
    pub period_s: f64,
}

impl RestSettings {
    /// Fusion's defaults: 3°/s for 3 s.
    pub const FUSION: RestSettings = RestSettings {
        gyro_threshold_radps: 0.05236,
        period_s: 3.0,
    };
    /// Rest detection switched off.
    pub const OFF: RestSettings = RestSettings {
        gyro_threshold_radps: 0.0,
        period_s: 3.0,
    };

    /// Checks both fields (names as in the JS settings objects).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range(
            "restGyroThresholdRadps",
            self.gyro_threshold_radps,
            0.0,
            1e3,
        )?;
        in_range("restPeriodS", self.period_s, 0.0, 1e6)?;
        Ok(())
    }

    /// Whether rest detection runs.
    pub fn enabled(&self) -> bool {
        self.gyro_threshold_radps > 0.0
    }
}

/// Index in every attitude state of the seconds the sensor has been still (rest detection).
pub const REST_INDEX: usize = 8;

/// A valid accelerometer sample: its direction and its norm (m/s²).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Accel {
    pub unit: [f64; 3],
    pub norm: f64,
}

/// One attitude filter, advanced sample by sample by [`run`].
pub trait AttitudeFilter {
    /// Advances by `dt_s` with the gyroscope sample `gyro` (rad/s, finite) and the measurements
    /// that passed validation: `accel` (None: gyroscope-only step) and `mag` (unit direction; only
    /// given with a valid `accel`). Gate rejections are counted in `report`.
    fn step(
        &mut self,
        dt_s: f64,
        gyro: [f64; 3],
        accel: Option<Accel>,
        mag: Option<[f64; 3]>,
        report: &mut BatchReport,
    );

    /// The current `q_world_body`.
    fn quaternion(&self) -> Quat;

    /// The gyroscope bias the filter removes, rad/s (for rest detection).
    fn gyro_bias(&self) -> [f64; 3];

    /// The sensor has been at rest for the rest period: `gyro` (raw, rad/s) measures the bias.
    /// Called before [`AttitudeFilter::step`] for the same sample.
    fn at_rest(&mut self, gyro: [f64; 3], dt_s: f64);
}

/// Rest detection state of one batch: the settings and the state's rest timer (s).
pub struct Rest<'a> {
    pub settings: RestSettings,
    pub still_s: &'a mut f64,
}

/// Runs `filter` over `input`; `prev_t_ns` (NaN before the first sample) is the time of the last
/// sample and is advanced; the quaternion after each sample goes to `out[4i..4i+4]` when given.
/// With `rest`, rest detection runs before each step. The caller has checked the buffers
/// ([`check_buffers`]).
pub fn run<F: AttitudeFilter>(
    filter: &mut F,
    prev_t_ns: &mut f64,
    mut rest: Option<Rest<'_>>,
    input: &BatchInput<'_>,
    clock: &ClockSettings,
    mut out: Option<&mut [f64]>,
) -> BatchReport {
    let n = input.t_ns.len();
    let nominal_dt = 1.0 / clock.nominal_rate_hz;
    let mut report = BatchReport {
        samples: n as u32,
        ..BatchReport::default()
    };
    for i in 0..n {
        let t = input.t_ns[i];
        let dt = sample_dt(*prev_t_ns, t, nominal_dt, clock.max_dt_s, &mut report);
        if t.is_finite() {
            *prev_t_ns = t;
        }
        let gyro = vec3(input.gyro, i);
        if gyro.iter().all(|g| g.is_finite()) {
            if let Some(r) = rest.as_mut() {
                detect_rest(filter, r, gyro, dt);
            }
            let (accel, mag) = measurements(input, i, &mut report);
            filter.step(dt, gyro, accel, mag, &mut report);
        } else {
            report.skipped += 1;
        }
        if let Some(out) = out.as_deref_mut() {
            out[4 * i..4 * i + 4].copy_from_slice(&filter.quaternion());
        }
    }
    report
}

/// Sample `i`'s accelerometer and magnetometer as far as they are usable (counting the rest); the
/// magnetometer is looked at only with a valid accelerometer.
fn measurements(
    input: &BatchInput<'_>,
    i: usize,
    report: &mut BatchReport,
) -> (Option<Accel>, Option<[f64; 3]>) {
    let accel = accel_sample(vec3(input.accel, i));
    let mag = match (accel, input.mag) {
        (None, _) => {
            report.accel_rejected += 1;
            None
        }
        (Some(_), None) => None,
        (Some(_), Some(m)) => {
            let m = unit(vec3(m, i));
            report.mag_rejected += u32::from(m.is_none());
            m
        }
    };
    (accel, mag)
}

/// Advances the rest timer and lets the filter learn its bias once the sensor has been still for
/// the rest period.
fn detect_rest<F: AttitudeFilter>(filter: &mut F, rest: &mut Rest<'_>, gyro: [f64; 3], dt: f64) {
    if rest.still_s.is_nan() || *rest.still_s < 0.0 {
        *rest.still_s = 0.0; // a state written without a timer (NaN) starts still-less
    }
    let b = filter.gyro_bias();
    let thr = rest.settings.gyro_threshold_radps;
    if (0..3).any(|k| (gyro[k] - b[k]).abs() > thr) {
        *rest.still_s = 0.0;
        return;
    }
    *rest.still_s += dt;
    if *rest.still_s >= rest.settings.period_s {
        filter.at_rest(gyro, dt);
    }
}

/// dt of one sample, s: from the previous stamp, or the nominal dt (counted) when there is none,
/// when it is ≤ 0 or NaN, or longer than `max_dt_s`.
fn sample_dt(prev: f64, t: f64, nominal_dt: f64, max_dt_s: f64, report: &mut BatchReport) -> f64 {
    if prev.is_nan() {
        report.no_previous_stamp += 1;
        return nominal_dt;
    }
    let dt = (t - prev) * 1e-9;
    if dt.is_nan() || dt <= 0.0 {
        report.non_positive_dt += 1;
        nominal_dt
    } else if dt > max_dt_s {
        report.long_dt += 1;
        nominal_dt
    } else {
        dt
    }
}

/// Fails on caller errors: `state` shorter than `state_len`, inputs shorter than 3n, `out` shorter
/// than 4n, or `out`/`state` sharing memory with an input or each other.
pub fn check_buffers(
    state: &[f64],
    state_len: usize,
    input: &BatchInput<'_>,
    out: Option<&[f64]>,
) -> KaranaResult<()> {
    let n = input.t_ns.len();
    require_len("state", "numbers", state_len, state.len())?;
    require_len("gyroRadps", "numbers", 3 * n, input.gyro.len())?;
    require_len("accelMps2", "numbers", 3 * n, input.accel.len())?;
    if let Some(mag) = input.mag {
        require_len("magUt", "numbers", 3 * n, mag.len())?;
    }
    let mag = input.mag.unwrap_or(&[]);
    let inputs: [(&'static str, &[f64]); 4] = [
        ("timestampsNs", input.t_ns),
        ("gyroRadps", input.gyro),
        ("accelMps2", input.accel),
        ("magUt", mag),
    ];
    if let Some(out) = out {
        require_len("out", "numbers", 4 * n, out.len())?;
        require_disjoint("out", out, "state", state)?;
        for (name, buf) in &inputs {
            require_disjoint("out", out, name, buf)?;
        }
    }
    for (name, buf) in &inputs {
        require_disjoint("state", state, name, buf)?;
    }
    Ok(())
}

/// The state's quaternion (`state[0..4]`), normalized unless already unit to 1e-9 (so that a batch
/// split in two gives bit-identical results); fails when it has no finite non-zero norm.
pub fn read_quaternion(state: &[f64]) -> KaranaResult<Quat> {
    let q = [state[0], state[1], state[2], state[3]];
    let norm = q.iter().map(|c| c * c).sum::<f64>().sqrt();
    if !norm.is_finite() || norm == 0.0 {
        return Err(invalid(
            "state",
            "a finite non-zero quaternion in [0..4]",
            format!("[{}, {}, {}, {}]", q[0], q[1], q[2], q[3]),
        ));
    }
    Ok(if (norm - 1.0).abs() > 1e-9 {
        q.map(|c| c / norm)
    } else {
        q
    })
}

/// `buf[3i..3i+3]`.
pub fn vec3(buf: &[f64], i: usize) -> [f64; 3] {
    [buf[3 * i], buf[3 * i + 1], buf[3 * i + 2]]
}

/// The direction of `v`, or None when it is zero or not finite.
pub fn unit(v: [f64; 3]) -> Option<[f64; 3]> {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    (n.is_finite() && n > 0.0).then(|| v.map(|c| c / n))
}

fn accel_sample(v: [f64; 3]) -> Option<Accel> {
    let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    (norm.is_finite() && norm > 0.0).then(|| Accel {
        unit: v.map(|c| c / norm),
        norm,
    })
}
