//! Madgwick filter over a batch of timestamped IMU samples, with a caller-owned state.
//!
//! Never fails on data: degraded samples are counted in [`BatchReport`]. It fails only on caller
//! errors (buffer sizes, aliasing, settings, a state that holds no quaternion).

use super::madgwick::{step, Bias, Feedback, Quat};
use karana_core::error::{in_range, invalid, require_disjoint, require_len, KaranaResult};

/// Filter settings. `Default` is the frozen default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MadgwickSettings {
    /// Gradient-descent gain β, rad/s (report eq 50: √(3/4)·gyro error).
    pub beta: f64,
    /// Rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: f64,
    /// Largest dt accepted from the timestamps, s; longer gaps use the nominal dt.
    pub max_dt_s: f64,
    /// Gyroscope bias drift gain ζ, rad/s² (report eq 49); > 0 needs a state with a bias.
    pub zeta: f64,
}

impl Default for MadgwickSettings {
    fn default() -> Self {
        Self {
            beta: 0.1,
            nominal_rate_hz: 100.0,
            max_dt_s: 1.0,
            zeta: 0.0,
        }
    }
}

impl MadgwickSettings {
    /// Checks every field (names as in the JS settings object).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("beta", self.beta, 0.0, 1e6)?;
        in_range("nominalRateHz", self.nominal_rate_hz, 1e-3, 1e9)?;
        in_range("maxDtS", self.max_dt_s, 1e-9, 1e6)?;
        in_range("zeta", self.zeta, 0.0, 1e6)?;
        Ok(())
    }
}

/// State layout: `[qw, qx, qy, qz, prevTNs]`; `prevTNs` is NaN before the first sample.
pub const STATE_LEN: usize = 5;
/// State layout with a gyroscope bias: `[qw, qx, qy, qz, prevTNs, bx, by, bz]` (rad/s, body frame);
/// the bias is removed from every gyroscope sample and, with ζ > 0, estimated (report §3.4).
pub const STATE_LEN_WITH_BIAS: usize = 8;

/// One batch of samples; sample `i` is `t_ns[i]`, `gyro[3i..3i+3]`, … (xyz interleaved).
pub struct BatchInput<'a> {
    /// Runtime clock, ns (integers are exact in f64 up to 2⁵³ ns ≈ 104 days).
    pub t_ns: &'a [f64],
    /// Body-frame angular rate, rad/s.
    pub gyro: &'a [f64],
    /// Body-frame specific force, m/s² (only the direction is used).
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
    /// IMU step instead of MARG: magnetometer zero or not finite.
    pub mag_rejected: u32,
    /// Left out (state held, time advanced): gyroscope not finite.
    pub skipped: u32,
}

/// Runs the filter over `input`, updating `state` in place and writing the quaternion after each
/// sample to `out[4i..4i+4]` when given.
pub fn update_batch(
    state: &mut [f64],
    input: &BatchInput<'_>,
    settings: &MadgwickSettings,
    mut out: Option<&mut [f64]>,
) -> KaranaResult<BatchReport> {
    settings.validate()?;
    let n = input.t_ns.len();
    check_buffers(state, input, settings, out.as_deref())?;
    let mut q = read_quaternion(state)?;
    let mut prev = state[4];
    let mut bias = (state.len() >= STATE_LEN_WITH_BIAS).then(|| Bias {
        rate_radps: [state[5], state[6], state[7]],
        zeta: settings.zeta,
    });
    let nominal_dt = 1.0 / settings.nominal_rate_hz;
    let mut report = BatchReport {
        samples: n as u32,
        ..BatchReport::default()
    };
    for i in 0..n {
        let t = input.t_ns[i];
        let dt = if prev.is_nan() {
            report.no_previous_stamp += 1;
            nominal_dt
        } else {
            let dt = (t - prev) * 1e-9;
            if dt.is_nan() || dt <= 0.0 {
                report.non_positive_dt += 1;
                nominal_dt
            } else if dt > settings.max_dt_s {
                report.long_dt += 1;
                nominal_dt
            } else {
                dt
            }
        };
        if t.is_finite() {
            prev = t;
        }
        let gyro = vec3(input.gyro, i);
        if gyro.iter().all(|g| g.is_finite()) {
            let feedback = feedback(
                vec3(input.accel, i),
                input.mag.map(|m| vec3(m, i)),
                &mut report,
            );
            step(&mut q, gyro, feedback, settings.beta, dt, bias.as_mut());
        } else {
            report.skipped += 1;
        }
        if let Some(out) = out.as_deref_mut() {
            out[4 * i..4 * i + 4].copy_from_slice(&q);
        }
    }
    state[..4].copy_from_slice(&q);
    state[4] = prev;
    if let Some(b) = bias {
        state[5..8].copy_from_slice(&b.rate_radps);
    }
    Ok(report)
}

/// Chooses the algorithm for one sample, counting rejected measurements.
fn feedback(accel: [f64; 3], mag: Option<[f64; 3]>, report: &mut BatchReport) -> Feedback {
    let Some(a) = unit(accel) else {
        report.accel_rejected += 1;
        return Feedback::None;
    };
    match mag.map(unit) {
        None => Feedback::Gravity(a),
        Some(Some(m)) => Feedback::GravityAndField(a, m),
        Some(None) => {
            report.mag_rejected += 1;
            Feedback::Gravity(a)
        }
    }
}

fn check_buffers(
    state: &[f64],
    input: &BatchInput<'_>,
    settings: &MadgwickSettings,
    out: Option<&[f64]>,
) -> KaranaResult<()> {
    let n = input.t_ns.len();
    let state_len = if settings.zeta > 0.0 {
        STATE_LEN_WITH_BIAS
    } else {
        STATE_LEN
    };
    require_len("state", "numbers", state_len, state.len())?;
    require_len("gyroRadps", "numbers", 3 * n, input.gyro.len())?;
    require_len("accelMps2", "numbers", 3 * n, input.accel.len())?;
    let mut inputs: Vec<(&'static str, &[f64])> = vec![
        ("timestampsNs", input.t_ns),
        ("gyroRadps", input.gyro),
        ("accelMps2", input.accel),
    ];
    if let Some(mag) = input.mag {
        require_len("magUt", "numbers", 3 * n, mag.len())?;
        inputs.push(("magUt", mag));
    }
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

/// The state's quaternion, normalized unless already unit to 1e-9 (so that a batch split in two
/// gives bit-identical results); fails when it has no finite non-zero norm.
fn read_quaternion(state: &[f64]) -> KaranaResult<Quat> {
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

fn vec3(buf: &[f64], i: usize) -> [f64; 3] {
    [buf[3 * i], buf[3 * i + 1], buf[3 * i + 2]]
}

fn unit(v: [f64; 3]) -> Option<[f64; 3]> {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    (n.is_finite() && n > 0.0).then(|| v.map(|c| c / n))
}

#[cfg(test)]
mod tests;
