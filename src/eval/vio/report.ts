/**
 * `karana eval vio` report: a {@link VioRun} scored against its ground truth (ATE SE(3)/posyaw/Sim(3), RPE at
 * 1 s and 5 s), the per-frame CPU time distribution and the real-time factor (data time / estimator wall
 * time, single thread), with a text rendering.
 */
import type { VioRun } from './euroc-run.js';
import { trajectoryErrors, type TrajectoryErrors } from './metrics.js';

export interface TimeDistribution {
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export interface VioEvalReport {
  readonly session: string;
  readonly frames: number;
  readonly trackedFrames: number;
  readonly losses: number;
  readonly durationS: number;
  readonly errors: TrajectoryErrors;
  readonly cpuPerFrame: TimeDistribution;
  readonly wallPerFrame: TimeDistribution;
  /** Data duration / summed estimator wall time. */
  readonly realTimeFactor: number;
}

/** Nearest-rank percentiles of `ms`. */
export function distribution(ms: Float64Array): TimeDistribution {
  const s = Float64Array.from(ms).sort();
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: s[s.length - 1] ?? NaN, meanMs: mean };
}

export function evaluateRun(run: VioRun): VioEvalReport {
  const wallS = run.frameWallMs.reduce((a, b) => a + b, 0) / 1000;
  return {
    session: run.mav0,
    frames: run.frames,
    trackedFrames: run.trackedFrames,
    losses: run.losses,
    durationS: run.durationS,
    errors: trajectoryErrors(run.estimate, run.groundTruth, [1, 5]),
    cpuPerFrame: distribution(run.frameCpuMs),
    wallPerFrame: distribution(run.frameWallMs),
    realTimeFactor: run.durationS / wallS,
  };
}

export function formatReport(r: VioEvalReport): string {
  const e = r.errors;
  const d = (t: TimeDistribution): string => `p50 ${t.p50Ms.toFixed(2)}  p90 ${t.p90Ms.toFixed(2)}  p99 ${t.p99Ms.toFixed(2)}  max ${t.maxMs.toFixed(2)} ms`;
  return [
    `VIO (MSCKF, monocular) on ${r.session}`,
    `frames ${r.frames} (${r.durationS.toFixed(2)} s), tracking after ${r.trackedFrames}, losses ${r.losses}`,
    `ATE RMSE: SE(3) ${e.ateSe3RmseM.toFixed(3)} m, 4-DoF posyaw ${e.atePosYawRmseM.toFixed(3)} m, Sim(3) ${e.ateSim3RmseM.toFixed(3)} m (scale ${e.sim3Scale.toFixed(3)})`,
    ...e.rpe.map((p) => `RPE ${p.deltaS} s: ${p.transRmseM.toFixed(3)} m, ${p.rotRmseDeg.toFixed(2)} deg (${p.pairs} pairs)`),
    `CPU per frame: ${d(r.cpuPerFrame)}`,
    `wall per frame: ${d(r.wallPerFrame)}`,
    `real-time factor ${r.realTimeFactor.toFixed(1)} (single thread)`,
  ].join('\n');
}
