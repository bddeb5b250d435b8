//! The phase-locked-loop alternative: a type-2 (proportional–integral) loop that steers a line
//! `host − device = phase + freq · device` toward the samples, after a minimum filter that strips
//! most of the one-sided delay.
//!
//! Structure of NTP's clock discipline (D. L. Mills, RFC 5905 §10–11.3, 2010): a clock filter keeps
//! the lowest-delay sample of each block of `filter_length` samples (NTP: of its last 8), whose
//! offset from the line is the phase error `e`; the loop then corrects the phase by `Kp · e` and the
//! frequency by `Ki · e / T` (`T`: device time since the previous correction). Gains of the standard
//! second-order loop (F. M. Gardner, "Phaselock Techniques", 3rd ed., Wiley 2005, ch. 4):
//! `Kp = 2ζ·ωn·T`, `Ki = (ωn·T)²`, natural frequency `ωn` (rad/s), damping `ζ`; `Kp` is capped at 1.
//! The first block only sets the phase. The line is biased upward by the mean of a block's minimum
//! delay (for exponential delays: mean / `filter_length`: 8 µs for 0.5 ms and 64), and a fixed bandwidth trades settling
//! time (≈ 4 / (ζ·ωn)) against noise; the hull estimator has neither limit.

use super::line::{Line, Spread};

/// Loop settings; `Default` is the frozen default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PllSettings {
    /// Natural frequency ωn of the loop, rad/s (settling ≈ 4 / (ζ·ωn) s).
    pub natural_frequency_radps: f64,
    /// Damping ratio ζ.
    pub damping: f64,
    /// Samples per clock-filter block (one loop correction per block).
    pub filter_length: u32,
}

impl Default for PllSettings {
    fn default() -> Self {
        Self {
            natural_frequency_radps: 0.5,
            damping: std::f64::consts::FRAC_1_SQRT_2,
            filter_length: 64,
        }
    }
}

/// The loop's state.
#[derive(Clone, Debug)]
pub struct Pll {
    settings: PllSettings,
    first_x: Option<i64>,
    last_x: i64,
    count: u64,
    sum_residual: f64,
    residual_count: u64,
    /// The line: `y(x) = y_ref + phase + freq · (x − x_ref)`; `None` before the first block ends.
    reference: Option<(i64, i64)>,
    phase: f64,
    freq: f64,
    block_len: u32,
    block_min: (f64, i64, i64),
    /// Exponentially weighted mean square of the phase errors, ns².
    error_ms: f64,
}

impl Pll {
    pub fn new(settings: PllSettings) -> Self {
        Self {
            settings,
            first_x: None,
            last_x: 0,
            count: 0,
            sum_residual: 0.0,
            residual_count: 0,
            reference: None,
            phase: 0.0,
            freq: 0.0,
            block_len: 0,
            block_min: (f64::INFINITY, 0, 0),
            error_ms: 0.0,
        }
    }

    pub fn clear(&mut self) {
        *self = Self::new(self.settings);
    }

    /// Samples since the last restart.
    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn span_ns(&self) -> i64 {
        self.first_x.map_or(0, |x0| self.last_x - x0)
    }

    /// Loop corrections made since the last restart have set the line.
    pub fn has_line(&self) -> bool {
        self.reference.is_some()
    }

    /// The line set by the loop corrections.
    fn loop_line(&self) -> Option<Line> {
        self.reference.map(|(x0, y0)| Line {
            x0,
            y0,
            at_x0: self.phase,
            slope: self.freq,
        })
    }

    /// The current line; before the first block ends, flat through the lowest sample so far.
    pub fn line(&self) -> Option<Line> {
        match self.loop_line() {
            Some(l) => Some(l),
            None if self.block_len > 0 => Some(Line {
                x0: self.block_min.1,
                y0: self.block_min.2,
                at_x0: 0.0,
                slope: 0.0,
            }),
            None => None,
        }
    }

    /// Feeds one sample (`x` non-decreasing).
    pub fn add(&mut self, x: i64, y: i64) {
        self.first_x.get_or_insert(x);
        self.last_x = x;
        self.count += 1;
        // Within a block the line does not move, so residuals compare; before the first correction
        // the raw `y` does.
        let r = match self.loop_line() {
            Some(l) => {
                let r = l.residual(x, y);
                self.sum_residual += r;
                self.residual_count += 1;
                r
            }
            None => y as f64,
        };
        if self.block_len == 0 || r < self.block_min.0 {
            self.block_min = (r, x, y);
        }
        self.block_len += 1;
        if self.block_len >= self.settings.filter_length {
            self.correct();
        }
    }

    /// One loop correction with the block's lowest sample.
    fn correct(&mut self) {
        let (e, x, y) = self.block_min;
        self.block_len = 0;
        let Some((x_ref, _)) = self.reference else {
            self.reference = Some((x, y));
            self.phase = 0.0;
            return;
        };
        let t_ns = (x - x_ref) as f64;
        if t_ns <= 0.0 {
            return;
        }
        let wt = self.settings.natural_frequency_radps * t_ns * 1e-9;
        let kp = (2.0 * self.settings.damping * wt).min(1.0);
        let ki = wt * wt;
        // Re-anchor at the block's sample: the line passes e below it before the correction.
        self.reference = Some((x, y));
        self.phase = -e + kp * e;
        self.freq += ki * e / t_ns;
        let w = kp.clamp(0.01, 1.0);
        self.error_ms += w * (e * e - self.error_ms);
    }

    /// RMS of recent phase errors (weighted over about one loop time constant) and that error
    /// times ωn: scales of the offset and skew noise, not bounds.
    pub fn spread(&self) -> Spread {
        let rms = self.error_ms.sqrt();
        Spread {
            offset_ns: rms,
            skew: rms * 1e-9 * self.settings.natural_frequency_radps,
        }
    }

    /// Mean of `y − line(x)` over the samples since the restart (each against the line at its
    /// arrival): about the mean delay once the loop has settled.
    pub fn mean_residual_ns(&self) -> f64 {
        if self.residual_count == 0 {
            0.0
        } else {
            self.sum_residual / self.residual_count as f64
        }
    }
}
