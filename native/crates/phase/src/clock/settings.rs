//! Settings of [`super::ClockSync`] and the flags its updates report.

use super::pll::PllSettings;
use karana_core::error::{in_range, invalid, KaranaResult};

/// Which estimator maps the device clock to the host clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The lower convex hull (TICSync, Harrison & Newman 2011) over switching windows.
    TicSync,
    /// A type-2 PI phase-locked loop after a minimum filter (NTP-style discipline).
    Pll,
    /// Ordinary least squares over switching windows (biased by one-sided delay; for comparison).
    LeastSquares,
}

impl Method {
    /// Parses the JS name: `"ticsync"`, `"pll"` or `"leastSquares"`.
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "ticsync" => Ok(Self::TicSync),
            "pll" => Ok(Self::Pll),
            "leastSquares" => Ok(Self::LeastSquares),
            other => Err(invalid(
                name,
                "one of ticsync, pll, leastSquares",
                format!("\"{other}\""),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TicSync => "ticsync",
            Self::Pll => "pll",
            Self::LeastSquares => "leastSquares",
        }
    }
}

/// Estimator settings; `Default` is the frozen default. Durations in seconds (as in the JS options).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSyncSettings {
    pub method: Method,
    /// Switching period of the TICSync / least-squares windows, s: the answering window covers the
    /// latest one to two periods (bounded memory; follows slow drift of the skew).
    pub window_s: f64,
    /// Most hull vertices per window (memory bound: 2 windows × 16 bytes each).
    pub max_hull_vertices: u32,
    /// The estimate is `stable` once its window spans this much device time, s.
    pub min_span_s: f64,
    /// A sample this far below the line (device clock stepped forward), or every sample this far
    /// above it for `step_hold_s` (device clock stepped back), restarts the estimator, s.
    pub step_threshold_s: f64,
    /// See `step_threshold_s`, s.
    pub step_hold_s: f64,
    pub pll: PllSettings,
}

impl Default for ClockSyncSettings {
    fn default() -> Self {
        Self {
            method: Method::TicSync,
            window_s: 60.0,
            max_hull_vertices: 256,
            min_span_s: 1.0,
            step_threshold_s: 0.02,
            step_hold_s: 1.0,
            pll: PllSettings::default(),
        }
    }
}

impl ClockSyncSettings {
    /// Checks every field (names as in the JS options object).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("windowS", self.window_s, 1e-3, 1e6)?;
        in_range("minSpanS", self.min_span_s, 0.0, 1e6)?;
        in_range("stepThresholdS", self.step_threshold_s, 1e-6, 1e6)?;
        in_range("stepHoldS", self.step_hold_s, 0.0, 1e6)?;
        in_range(
            "maxHullVertices",
            f64::from(self.max_hull_vertices),
            8.0,
            1_048_576.0,
        )?;
        in_range(
            "pll.naturalFrequencyRadps",
            self.pll.natural_frequency_radps,
            1e-6,
            1e3,
        )?;
        in_range("pll.damping", self.pll.damping, 0.05, 10.0)?;
        in_range(
            "pll.filterLength",
            f64::from(self.pll.filter_length),
            1.0,
            1e6,
        )?;
        Ok(())
    }
}

/// Seconds to whole ns.
pub(crate) fn s_to_ns(s: f64) -> i64 {
    (s * 1e9).round() as i64
}

/// Bits of the flags an update returns (an update may set several).
pub mod flags {
    /// Device time went back (a counter wrap or a device reset): restarted at this sample.
    pub const DEVICE_BACKWARD: u32 = 1;
    /// The sample lies more than `stepThresholdS` below the line (the device clock stepped forward,
    /// or the host clock back): restarted at this sample.
    pub const STEP_FORWARD: u32 = 2;
    /// Every sample for `stepHoldS` lay more than `stepThresholdS` above the line (the device clock
    /// stepped back by less than the time between samples, or the host clock forward): restarted.
    pub const STEP_BACKWARD: u32 = 4;
    /// Same device time as the previous sample: the earlier host arrival is kept.
    pub const DUPLICATE: u32 = 8;
    /// The younger window took over (every `windowS`).
    pub const WINDOW_SWITCHED: u32 = 16;
    /// A window's hull reached `maxHullVertices` and was replaced early.
    pub const HULL_FULL: u32 = 32;
    /// Not used: not finite, or device time or host − device beyond ±2⁶² ns.
    pub const IGNORED: u32 = 64;
    /// Host time earlier than the previous sample's (informational; the sample is used).
    pub const HOST_BACKWARD: u32 = 128;
    /// Any of the restarts.
    pub const RESTARTED: u32 = DEVICE_BACKWARD | STEP_FORWARD | STEP_BACKWARD;
}
