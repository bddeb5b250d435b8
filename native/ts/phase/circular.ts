/**
 * Circular statistics and the Kuramoto order parameter / coupling steps of cluster phase (seed 003),
 * on angles in radians held in Float64Arrays. Definitions: `docs/native-phase.md`.
 */
import { native } from '../binding.js';

/**
 * Circular statistics (K. V. Mardia, P. E. Jupp, "Directional Statistics", Wiley 2000, §2.2–2.3; the
 * definitions of SciPy's `circmean`, `circvar`, `circstd`).
 */
export interface CircularStats {
  /** Angles counted. */
  readonly count: number;
  /** Mean direction `atan2(Σ w sin θ, Σ w cos θ)`, rad in (−π, π]; NaN for no angles. */
  readonly meanRad: number;
  /** Mean resultant length `R = |Σ w e^{iθ}| / Σ w` ∈ [0, 1]. */
  readonly resultantLength: number;
  /** Circular variance `1 − R`. */
  readonly variance: number;
  /** Circular standard deviation `√(−2 ln R)`, rad (∞ at R = 0). */
  readonly stdRad: number;
}

/** `r·e^{iψ} = (1/N) Σ e^{iθⱼ}` with seed 003's coherence. */
export interface OrderParameter {
  /** Phase coherence `r` ∈ [0, 1] (NaN for no phases). */
  readonly r: number;
  /** Mean phase ψ, rad in (−π, π]. */
  readonly psi: number;
  /** `exp(−5 · (1 − r))` ∈ [e⁻⁵, 1]: seed 003's `exp(−5 · var θ)` with var θ the circular variance `1 − r`. */
  readonly coherence: number;
}

/** Seed 003's coupling gain α. */
export const CLUSTER_PHASE_ALPHA = 0.01;
/** Seed 003: above this coherence work may migrate to a better-placed node (`r` > 1 + ln(0.65)/5 ≈ 0.914). */
export const COHERENCE_MIGRATION_THRESHOLD = 0.65;

export interface ClusterPhaseOptions {
  /** Gain α ∈ [0, 1] of `θᵢ ← θᵢ + α · sin(ψ − θᵢ)`. Default {@link CLUSTER_PHASE_ALPHA}. */
  readonly alpha?: number;
  /** A cluster phase received from elsewhere, rad, held for all steps; default: each step's own ψ. */
  readonly clusterPsi?: number;
  /** Steps to run. Default 1. */
  readonly steps?: number;
}

export interface KuramotoOptions {
  /** Coupling K, rad/s. */
  readonly couplingK: number;
  /** Euler step, s. */
  readonly dtS: number;
  /** Steps to run. Default 1. */
  readonly steps?: number;
}

/**
 * Wraps an angle to (−π, π], rad, with the same operations as the native kernels (so the results are
 * bit-identical): `a − 2π·k`, `k` the nearest integer to `a / 2π` (ties to even), then one correction.
 * Angles already in range come back unchanged; NaN and ±∞ give NaN.
 */
export function wrapAngle(rad: number): number {
  const tau = 2 * Math.PI;
  let r: number;
  if (!(Math.abs(rad) < 2 ** 51 * tau)) {
    r = ((((rad + Math.PI) % tau) + tau) % tau) - Math.PI;
    return r <= -Math.PI ? Math.PI : r;
  }
  const round = 1.5 * 2 ** 52;
  r = rad - (rad * (1 / tau) + round - round) * tau;
  if (r > Math.PI) r -= tau;
  return r <= -Math.PI ? r + tau : r;
}

/** The signed angle from `b` to `a`, in (−π, π], rad. */
export function angularDifference(a: number, b: number): number {
  return wrapAngle(a - b);
}

/** Seed 003's coherence of phases with order parameter `r`: `exp(−5 · (1 − r))`. */
export function coherenceOf(r: number): number {
  return Math.exp(-5 * (1 - r));
}

/** Wraps every angle to (−π, π], in place; returns `angles`. */
export function wrapAngles(angles: Float64Array): Float64Array {
  native().wrapAngles(angles);
  return angles;
}

/**
 * `out[i] = wrap(a[i] − b[i])`; `out` (≥ n, not sharing memory with `a` or `b`) is allocated when omitted.
 * @throws Error when `b` or `out` is too short, or `out` shares memory with an input.
 */
export function angularDifferences(a: Float64Array, b: Float64Array, out: Float64Array = new Float64Array(a.length)): Float64Array {
  native().angularDifferences(a, b, out);
  return out;
}

/**
 * Circular statistics of `angles` (rad), optionally weighted (`weights` ≥ 0, one per angle).
 * @throws Error when `weights` is shorter than `angles`.
 */
export function circularStatsSync(angles: Float64Array, weights?: Float64Array): CircularStats {
  return native().circularStatsSync(angles, weights);
}

/** {@link circularStatsSync} on the libuv thread pool (large arrays: ~10 ns per angle). */
export async function circularStats(angles: Float64Array, weights?: Float64Array): Promise<CircularStats> {
  return native().circularStats(angles, weights);
}

/** The Kuramoto order parameter of `theta` (rad). */
export function orderParameterSync(theta: Float64Array): OrderParameter {
  return native().orderParameterSync(theta);
}

/**
 * Seed 003's cluster-phase coupling, in place: every node nudges its phase toward the cluster phase,
 * `θᵢ ← θᵢ + α · sin(ψ − θᵢ)` (all nodes at once, ψ from the phases before the step unless
 * `clusterPsi` is given), wrapped to (−π, π]. `sin` is the seed's `α · (Θ_cluster − Θ_local)` made
 * an angle (equal to O(error³)). Returns the order parameter after the last step.
 * @throws Error when `alpha` ∉ [0, 1] or `clusterPsi` is not finite.
 */
export function clusterPhaseStepSync(theta: Float64Array, options?: ClusterPhaseOptions): OrderParameter {
  return native().clusterPhaseStepSync(theta, options);
}

/** {@link clusterPhaseStepSync} on the libuv thread pool; leave `theta` alone until it settles. */
export async function clusterPhaseStep(theta: Float64Array, options?: ClusterPhaseOptions): Promise<OrderParameter> {
  return native().clusterPhaseStep(theta, options);
}

/**
 * The standard Kuramoto model, forward Euler, in place:
 * `θᵢ ← θᵢ + dt · (ωᵢ + (K/N) Σⱼ sin(θⱼ − θᵢ))`, computed in O(N) through the mean field
 * `K · r · sin(ψ − θᵢ)` (Strogatz, Physica D 143, 2000), wrapped to (−π, π].
 * `omega`: natural frequencies, rad/s, one per phase. Returns the order parameter after the last step.
 * @throws Error when `omega` does not match `theta` or shares its memory, or `dtS` / `couplingK` are out of range.
 */
export function kuramotoStepSync(theta: Float64Array, omega: Float64Array, options: KuramotoOptions): OrderParameter {
  return native().kuramotoStepSync(theta, omega, options);
}

/** {@link kuramotoStepSync} on the libuv thread pool; leave `theta` and `omega` alone until it settles. */
export async function kuramotoStep(theta: Float64Array, omega: Float64Array, options: KuramotoOptions): Promise<OrderParameter> {
  return native().kuramotoStep(theta, omega, options);
}
