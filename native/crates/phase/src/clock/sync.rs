//! [`ClockSync`]: device clock → host clock from `(device stamp, host arrival)` pairs, with wraps and
//! steps of the device clock reported as flags and answered by a restart (never an error).
//!
//! Every buffer is allocated in [`ClockSync::new`]; updates allocate nothing.

use super::envelope::HullEnvelope;
use super::line::{Envelope, Line, Spread};
use super::lsq::LeastSquares;
use super::pll::Pll;
use super::settings::{flags, s_to_ns, ClockSyncSettings, Method};
use super::window::Switching;
use karana_core::error::KaranaResult;

/// Device stamps and `host − device` must stay within ±2⁶² ns (±146 years), so that every
/// difference the estimators take fits an `i64`.
const LIMIT: i64 = 1 << 62;

/// The estimate at the latest sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockEstimate {
    /// The window spans `minSpanS` and the estimator has a line from at least two samples.
    pub stable: bool,
    /// Samples in the answering window (since the restart for the PLL).
    pub samples: u64,
    /// Device time covered by those samples, ns.
    pub span_ns: i64,
    /// Device time of the latest sample, ns: where `offset_ns` is given.
    pub at_device_ns: i64,
    /// `host − device` at `at_device_ns`, ns (NaN before the first sample).
    pub offset_ns: f64,
    /// `d(host − device) / d device` (dimensionless; ×10⁶ for ppm).
    pub skew: f64,
    /// Spread of the offset at `at_device_ns` and of the skew (see each estimator).
    pub spread: Spread,
    /// Mean of `host − mapped host` over the window, ns (TICSync: the mean queueing delay).
    pub mean_residual_ns: f64,
    /// Hull vertices of the answering window (0 for the PLL and least squares).
    pub hull_vertices: u32,
}

/// Cumulative counts since construction (or `reset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClockCounters {
    pub samples: u64,
    pub restarts: u64,
    pub device_backward: u64,
    pub step_forward: u64,
    pub step_backward: u64,
    pub duplicates: u64,
    pub window_switches: u64,
    pub hull_full: u64,
    pub ignored: u64,
    pub host_backward: u64,
}

impl ClockCounters {
    fn count(&mut self, f: u32) {
        if f == 0 {
            self.samples += 1;
            return;
        }
        let bit = |b: u32| u64::from(f & b != 0);
        self.samples += u64::from(f & flags::IGNORED == 0);
        self.restarts += bit(flags::RESTARTED);
        self.device_backward += bit(flags::DEVICE_BACKWARD);
        self.step_forward += bit(flags::STEP_FORWARD);
        self.step_backward += bit(flags::STEP_BACKWARD);
        self.duplicates += bit(flags::DUPLICATE);
        self.window_switches += bit(flags::WINDOW_SWITCHED);
        self.hull_full += bit(flags::HULL_FULL);
        self.ignored += bit(flags::IGNORED);
        self.host_backward += bit(flags::HOST_BACKWARD);
    }
}

#[derive(Clone, Debug)]
enum Estimator {
    Hull(Switching<HullEnvelope>),
    Lsq(Switching<LeastSquares>),
    Pll(Pll),
}

impl Estimator {
    fn new(s: &ClockSyncSettings) -> Self {
        let period = s_to_ns(s.window_s);
        let vertices = s.max_hull_vertices as usize;
        match s.method {
            Method::TicSync => Self::Hull(Switching::new(period, || HullEnvelope::new(vertices))),
            Method::LeastSquares => Self::Lsq(Switching::new(period, LeastSquares::default)),
            Method::Pll => Self::Pll(Pll::new(s.pll)),
        }
    }

    fn clear(&mut self) {
        match self {
            Self::Hull(w) => w.clear(),
            Self::Lsq(w) => w.clear(),
            Self::Pll(p) => p.clear(),
        }
    }

    fn add(&mut self, x: i64, y: i64) -> u32 {
        let ev = match self {
            Self::Hull(w) => w.add(x, y),
            Self::Lsq(w) => w.add(x, y),
            Self::Pll(p) => {
                p.add(x, y);
                return 0;
            }
        };
        (if ev.switched {
            flags::WINDOW_SWITCHED
        } else {
            0
        }) | (if ev.full { flags::HULL_FULL } else { 0 })
    }

    fn line(&self) -> Option<Line> {
        match self {
            Self::Hull(w) => w.active().line(),
            Self::Lsq(w) => w.active().line(),
            Self::Pll(p) => p.line(),
        }
    }

    /// (samples, span ns, has a line from ≥ 2 samples, hull vertices)
    fn extent(&self) -> (u64, i64, bool, u32) {
        match self {
            Self::Hull(w) => {
                let e = w.active();
                (
                    e.count(),
                    e.span_ns(),
                    e.vertices() >= 2,
                    e.vertices() as u32,
                )
            }
            Self::Lsq(w) => (
                w.active().count(),
                w.active().span_ns(),
                w.active().count() >= 2,
                0,
            ),
            Self::Pll(p) => (p.count(), p.span_ns(), p.has_line() && p.count() >= 2, 0),
        }
    }

    fn spread(&self) -> Spread {
        match self {
            Self::Hull(w) => w.active().spread(),
            Self::Lsq(w) => w.active().spread(),
            Self::Pll(p) => p.spread(),
        }
    }

    fn mean_residual_ns(&self) -> f64 {
        match self {
            Self::Hull(w) => w.active().mean_residual_ns(),
            Self::Lsq(w) => w.active().mean_residual_ns(),
            Self::Pll(p) => p.mean_residual_ns(),
        }
    }
}

/// Online device-clock → host-clock mapping (see the module docs and `docs/native-phase.md`).
#[derive(Clone, Debug)]
pub struct ClockSync {
    settings: ClockSyncSettings,
    min_span_ns: i64,
    threshold_ns: f64,
    hold_ns: i64,
    estimator: Estimator,
    /// The previous sample `(device, host)`.
    last: Option<(i64, i64)>,
    /// Device time since which every sample lay more than the threshold above the line.
    excess_since: Option<i64>,
    counters: ClockCounters,
}

impl ClockSync {
    /// Checks the settings and allocates every buffer the estimator will use.
    pub fn new(settings: ClockSyncSettings) -> KaranaResult<Self> {
        settings.validate()?;
        Ok(Self {
            min_span_ns: s_to_ns(settings.min_span_s),
            threshold_ns: settings.step_threshold_s * 1e9,
            hold_ns: s_to_ns(settings.step_hold_s),
            estimator: Estimator::new(&settings),
            settings,
            last: None,
            excess_since: None,
            counters: ClockCounters::default(),
        })
    }

    /// Bytes this estimator holds on the heap (its two hull buffers), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        match self.settings.method {
            Method::TicSync => {
                2 * self.settings.max_hull_vertices as usize
                    * std::mem::size_of::<super::hull::Point>()
            }
            Method::Pll | Method::LeastSquares => 0,
        }
    }

    pub fn settings(&self) -> &ClockSyncSettings {
        &self.settings
    }

    pub fn counters(&self) -> ClockCounters {
        self.counters
    }

    /// Forgets every sample and count.
    pub fn reset(&mut self) {
        self.restart();
        self.last = None;
        self.counters = ClockCounters::default();
    }

    fn restart(&mut self) {
        self.estimator.clear();
        self.excess_since = None;
    }

    /// Feeds one pair: `device_ns` stamped by the device clock, `host_ns` the host clock at arrival.
    /// Returns the [`flags`] of what happened; never fails.
    pub fn update(&mut self, device_ns: i64, host_ns: i64) -> u32 {
        let y = i128::from(host_ns) - i128::from(device_ns);
        if device_ns.unsigned_abs() >= LIMIT as u64 || y.unsigned_abs() >= LIMIT as u128 {
            self.counters.count(flags::IGNORED);
            return flags::IGNORED;
        }
        let y = y as i64;
        let mut f = 0;
        if let Some((last_d, last_h)) = self.last {
            if host_ns < last_h {
                f |= flags::HOST_BACKWARD;
            }
            if device_ns < last_d {
                f |= flags::DEVICE_BACKWARD;
            } else if device_ns == last_d {
                f |= flags::DUPLICATE;
            }
        }
        if f & flags::DEVICE_BACKWARD == 0 {
            f |= self.detect_step(device_ns, y);
        }
        if f & flags::RESTARTED != 0 {
            self.restart();
        }
        f |= self.estimator.add(device_ns, y);
        self.last = Some((device_ns, host_ns));
        self.counters.count(f);
        f
    }

    /// [`Self::update`] with stamps as f64 ns (rounded to whole ns); non-finite ones are ignored.
    pub fn update_f64(&mut self, device_ns: f64, host_ns: f64) -> u32 {
        let limit = LIMIT as f64;
        if !(device_ns.abs() < limit && host_ns.abs() < 2.0 * limit) {
            self.counters.count(flags::IGNORED);
            return flags::IGNORED;
        }
        self.update(device_ns.round() as i64, host_ns.round() as i64)
    }

    /// Step detection against the current line, once the estimate is stable.
    fn detect_step(&mut self, x: i64, y: i64) -> u32 {
        let (_, span, has_line, _) = self.estimator.extent();
        let line = match self.estimator.line() {
            Some(l) if has_line && span >= self.min_span_ns => l,
            _ => return 0,
        };
        let r = line.residual(x, y);
        if r < -self.threshold_ns {
            return flags::STEP_FORWARD;
        }
        if r <= self.threshold_ns {
            self.excess_since = None;
            return 0;
        }
        let since = *self.excess_since.get_or_insert(x);
        if x - since >= self.hold_ns {
            flags::STEP_BACKWARD
        } else {
            0
        }
    }

    /// The current line (`None` before the first sample or right after a restart).
    pub fn line(&self) -> Option<Line> {
        self.estimator.line()
    }

    /// The estimate at the latest sample.
    pub fn estimate(&self) -> ClockEstimate {
        let (samples, span_ns, has_line, hull_vertices) = self.estimator.extent();
        let at = self.last.map_or(0, |(d, _)| d);
        let line = self.estimator.line();
        ClockEstimate {
            stable: has_line && span_ns >= self.min_span_ns,
            samples,
            span_ns,
            at_device_ns: at,
            offset_ns: line.map_or(f64::NAN, |l| l.offset_at(at)),
            skew: line.map_or(f64::NAN, |l| l.slope),
            spread: self.estimator.spread(),
            mean_residual_ns: self.estimator.mean_residual_ns(),
            hull_vertices,
        }
    }
}
