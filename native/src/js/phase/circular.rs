//! Circular statistics over Float64Arrays of angles (rad).

use karana_core::error::require_disjoint;
use karana_phase::circular;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Circular statistics (Mardia & Jupp, "Directional Statistics", 2000, §2.2–2.3; SciPy's
/// `circmean`, `circvar`, `circstd`).
#[napi(object)]
pub struct CircularStats {
    /// Angles counted.
    pub count: u32,
    /// Mean direction `atan2(Σ w sin θ, Σ w cos θ)`, rad in (−π, π]; NaN for no angles.
    pub mean_rad: f64,
    /// Mean resultant length `R = |Σ w e^{iθ}| / Σ w` ∈ [0, 1].
    pub resultant_length: f64,
    /// Circular variance `1 − R`.
    pub variance: f64,
    /// Circular standard deviation `√(−2 ln R)`, rad (∞ at R = 0).
    pub std_rad: f64,
}

impl From<circular::CircularStats> for CircularStats {
    fn from(s: circular::CircularStats) -> Self {
        Self {
            count: s.count.min(u32::MAX as usize) as u32,
            mean_rad: s.mean_rad,
            resultant_length: s.resultant_length,
            variance: s.variance,
            std_rad: s.std_rad,
        }
    }
}

/// Circular statistics of `angles` (rad), optionally weighted (`weights`: ≥ 0, one per angle).
/// Throws when `weights` is shorter than `angles`.
#[napi]
pub fn circular_stats_sync(
    angles: Float64ArraySlice<'_>,
    weights: Option<Float64ArraySlice<'_>>,
) -> Result<CircularStats> {
    Ok(circular::circular_stats(&angles, weights.as_deref())?.into())
}

/// The work of `circularStats` on the libuv thread pool.
pub struct CircularStatsTask {
    angles: Float64Array,
    weights: Option<Float64Array>,
}

#[napi]
impl Task for CircularStatsTask {
    type Output = circular::CircularStats;
    type JsValue = CircularStats;

    fn compute(&mut self) -> Result<circular::CircularStats> {
        Ok(circular::circular_stats(
            &self.angles,
            self.weights.as_deref(),
        )?)
    }

    fn resolve(&mut self, _env: Env, output: circular::CircularStats) -> Result<CircularStats> {
        Ok(output.into())
    }
}

/// `circularStatsSync` on the libuv thread pool (for large arrays: ~10 ns per angle).
#[napi(ts_return_type = "Promise<CircularStats>")]
pub fn circular_stats(
    angles: Float64Array,
    weights: Option<Float64Array>,
) -> AsyncTask<CircularStatsTask> {
    AsyncTask::new(CircularStatsTask { angles, weights })
}

/// Wraps every angle to (−π, π], in place (angles already in range are unchanged, bit for bit).
#[napi]
pub fn wrap_angles(mut angles: Float64ArraySlice<'_>) {
    // SAFETY: the JS caller owns `angles` and does not touch it during this call.
    circular::wrap_angles(unsafe { angles.as_mut() });
}

/// `out[i] = wrap(a[i] − b[i])`, the signed angle from `b[i]` to `a[i]` in (−π, π] (`out` may be
/// longer; must not share memory with `a` or `b`). Throws when `b` or `out` is too short.
#[napi]
pub fn angular_differences(
    a: Float64ArraySlice<'_>,
    b: Float64ArraySlice<'_>,
    mut out: Float64ArraySlice<'_>,
) -> Result<()> {
    // SAFETY: the JS caller owns `out` and does not touch it during this call.
    let out = unsafe { out.as_mut() };
    require_disjoint("out", out, "a", &a)?;
    require_disjoint("out", out, "b", &b)?;
    Ok(circular::angular_differences(&a, &b, out)?)
}
