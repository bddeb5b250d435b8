//! Kuramoto order parameter and the cluster-phase coupling steps (seed 003), in place on
//! Float64Arrays of phases (rad).

use karana_core::error::{require_disjoint, KaranaResult};
use karana_phase::kuramoto;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// `r·e^{iψ} = (1/N) Σ e^{iθⱼ}` and seed 003's coherence `exp(−5 · (1 − r))` (1 − r: circular variance).
#[napi(object)]
pub struct OrderParameter {
    /// Phase coherence `r` ∈ [0, 1] (NaN for no phases).
    pub r: f64,
    /// Mean phase ψ, rad in (−π, π].
    pub psi: f64,
    /// `exp(−5 · (1 − r))` ∈ [e⁻⁵, 1]; seed 003 allows work to migrate above 0.65 (r > 0.914).
    pub coherence: f64,
}

impl From<kuramoto::OrderParameter> for OrderParameter {
    fn from(p: kuramoto::OrderParameter) -> Self {
        Self {
            r: p.r,
            psi: p.psi,
            coherence: p.coherence,
        }
    }
}

/// The order parameter of `theta` (rad).
#[napi]
pub fn order_parameter_sync(theta: Float64ArraySlice<'_>) -> OrderParameter {
    kuramoto::order_parameter(&theta).into()
}

/// Cluster-phase nudge options. Defaults: `alpha` 0.01, `steps` 1, `clusterPsi` the phases' own ψ.
#[napi(object)]
#[derive(Clone, Copy)]
pub struct ClusterPhaseOptions {
    /// Gain α ∈ [0, 1] of `θᵢ ← θᵢ + α · sin(ψ − θᵢ)` (seed 003: 0.01).
    pub alpha: Option<f64>,
    /// A cluster phase received from elsewhere, rad, held for all steps; default: each step's ψ.
    pub cluster_psi: Option<f64>,
    /// Steps to run.
    pub steps: Option<u32>,
}

/// Kuramoto model options (forward Euler).
#[napi(object)]
#[derive(Clone, Copy)]
pub struct KuramotoOptions {
    /// Coupling K, rad/s.
    pub coupling_k: f64,
    /// Step, s.
    pub dt_s: f64,
    /// Steps to run; default 1.
    pub steps: Option<u32>,
}

/// The step functions, shared by the sync calls and the async tasks.
#[derive(Clone, Copy)]
enum Step {
    Cluster(ClusterPhaseOptions),
    Kuramoto(KuramotoOptions),
}

impl Step {
    fn run(self, theta: &mut [f64], omega: &[f64]) -> KaranaResult<kuramoto::OrderParameter> {
        match self {
            Self::Cluster(o) => kuramoto::cluster_phase_step(
                theta,
                o.alpha.unwrap_or(0.01),
                o.cluster_psi,
                o.steps.unwrap_or(1),
            ),
            Self::Kuramoto(o) => {
                kuramoto::kuramoto_step(theta, omega, o.coupling_k, o.dt_s, o.steps.unwrap_or(1))
            }
        }
    }
}

/// Seed 003's cluster-phase coupling, in place: every node nudges its phase toward the cluster
/// phase, `θᵢ ← θᵢ + α · sin(ψ − θᵢ)`, synchronously, wrapped to (−π, π]. Returns the order
/// parameter after the last step. Throws when `alpha` ∉ [0, 1] or `clusterPsi` is not finite.
#[napi]
pub fn cluster_phase_step_sync(
    mut theta: Float64ArraySlice<'_>,
    options: Option<ClusterPhaseOptions>,
) -> Result<OrderParameter> {
    let o = options.unwrap_or(ClusterPhaseOptions {
        alpha: None,
        cluster_psi: None,
        steps: None,
    });
    // SAFETY: the JS caller owns `theta` and does not touch it during this call.
    Ok(Step::Cluster(o).run(unsafe { theta.as_mut() }, &[])?.into())
}

/// The standard Kuramoto model, in place: `θᵢ ← θᵢ + dt · (ωᵢ + (K/N) Σⱼ sin(θⱼ − θᵢ))` (O(N) per
/// step through the mean field `K · r · sin(ψ − θᵢ)`), wrapped to (−π, π]. `omega`: natural
/// frequencies, rad/s, one per phase (must not share memory with `theta`). Returns the order
/// parameter after the last step.
#[napi]
pub fn kuramoto_step_sync(
    mut theta: Float64ArraySlice<'_>,
    omega: Float64ArraySlice<'_>,
    options: KuramotoOptions,
) -> Result<OrderParameter> {
    // SAFETY: as in `clusterPhaseStepSync`.
    let theta = unsafe { theta.as_mut() };
    require_disjoint("theta", theta, "omega", &omega)?;
    Ok(Step::Kuramoto(options).run(theta, &omega)?.into())
}

/// The work of the async step functions on the libuv thread pool.
pub struct StepTask {
    theta: Float64Array,
    omega: Option<Float64Array>,
    step: Step,
}

#[napi]
impl Task for StepTask {
    type Output = kuramoto::OrderParameter;
    type JsValue = OrderParameter;

    fn compute(&mut self) -> Result<kuramoto::OrderParameter> {
        // SAFETY: the caller must not touch `theta` until the promise settles (documented).
        let theta = unsafe { self.theta.as_mut() };
        let omega: &[f64] = self.omega.as_deref().unwrap_or(&[]);
        require_disjoint("theta", theta, "omega", omega)?;
        Ok(self.step.run(theta, omega)?)
    }

    fn resolve(&mut self, _env: Env, output: kuramoto::OrderParameter) -> Result<OrderParameter> {
        Ok(output.into())
    }
}

/// `clusterPhaseStepSync` on the libuv thread pool (many steps or nodes); options are checked before
/// the work is queued. Leave `theta` alone until it settles.
#[napi(ts_return_type = "Promise<OrderParameter>")]
pub fn cluster_phase_step(
    theta: Float64Array,
    options: Option<ClusterPhaseOptions>,
) -> Result<AsyncTask<StepTask>> {
    let o = options.unwrap_or(ClusterPhaseOptions {
        alpha: None,
        cluster_psi: None,
        steps: None,
    });
    kuramoto::check_cluster_phase(o.alpha.unwrap_or(0.01), o.cluster_psi)?;
    Ok(AsyncTask::new(StepTask {
        theta,
        omega: None,
        step: Step::Cluster(o),
    }))
}

/// `kuramotoStepSync` on the libuv thread pool; options and sizes are checked before the work is
/// queued. Leave `theta` and `omega` alone until it settles.
#[napi(ts_return_type = "Promise<OrderParameter>")]
pub fn kuramoto_step(
    theta: Float64Array,
    omega: Float64Array,
    options: KuramotoOptions,
) -> Result<AsyncTask<StepTask>> {
    kuramoto::check_kuramoto(theta.len(), omega.len(), options.coupling_k, options.dt_s)?;
    require_disjoint("theta", &theta, "omega", &omega)?;
    Ok(AsyncTask::new(StepTask {
        theta,
        omega: Some(omega),
        step: Step::Kuramoto(options),
    }))
}
