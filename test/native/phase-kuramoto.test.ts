/**
 * Kuramoto order parameter and the cluster-phase steps (seed 003). Initial phases are real: the
 * phases of the x-IMU3 sample clock (x-io Fusion example recording, 100 Hz) relative to its nominal
 * grid, one node per sample of a 1 s stretch — a clock slower than nominal, with jitter, so the
 * phases are neither locked nor uniform. Each step is checked against a direct transcription
 * (`θᵢ + α·sin(ψ − θᵢ)`; `θᵢ + dt·(ωᵢ + K/N Σⱼ sin(θⱼ − θᵢ))` with the O(N²) sum); seed 003's
 * two-node example and Kuramoto's analytic locking are checked as well.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COHERENCE_MIGRATION_THRESHOLD,
  angularDifference,
  clusterPhaseStep,
  clusterPhaseStepSync,
  coherenceOf,
  kuramotoStep,
  kuramotoStepSync,
  orderParameterSync,
  wrapAngle,
} from '../../native/index.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

const TAU = 2 * Math.PI;

/** Phases of `count` x-IMU3 samples from `start` on the nominal 100 Hz grid, wrapped. */
function xioPhases(start: number, count: number): Float64Array {
  const rows = readFileSync(join(SHARED_DATA, 'imu_fusion_xio/sensor_data.csv'), 'utf8').split('\n').slice(1).filter((l) => l.length > 0);
  return Float64Array.from(rows.slice(start, start + count), (l) => wrapAngle((TAU * Number(l.split(',')[0])) / 0.01));
}

/** Order parameter by definition, for the reference steps. */
function meanField(theta: Float64Array): { r: number; psi: number } {
  let c = 0;
  let s = 0;
  for (const t of theta) {
    c += Math.cos(t);
    s += Math.sin(t);
  }
  return { r: Math.hypot(c, s) / theta.length, psi: Math.atan2(s, c) };
}

function maxAngularGap(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(angularDifference(a[i] as number, b[i] as number)));
  return worst;
}

describe.skipIf(!HAS_SHARED_DATA)('cluster phase on real sample-clock phases', () => {
  it('nudges every node toward the cluster phase as the direct transcription does', () => {
    const theta = xioPhases(2000, 100);
    const ref = Float64Array.from(theta);
    const start = orderParameterSync(theta);
    expect(start.r).toBeGreaterThan(0.05);
    expect(start.r).toBeLessThan(0.95);
    let last = start.coherence;
    let crossedAt = -1;
    for (let step = 1; step <= 400; step++) {
      const { psi } = meanField(ref);
      for (let i = 0; i < ref.length; i++) ref[i] = wrapAngle((ref[i] as number) + 0.01 * Math.sin(psi - (ref[i] as number)));
      const p = clusterPhaseStepSync(theta);
      expect(p.coherence).toBeGreaterThanOrEqual(last);
      last = p.coherence;
      if (crossedAt < 0 && p.coherence > COHERENCE_MIGRATION_THRESHOLD) crossedAt = step;
    }
    expect(maxAngularGap(theta, ref)).toBeLessThan(1e-9);
    // Coherence climbs past seed 003's migration threshold (r > 0.914) within the 400 steps.
    expect(crossedAt).toBeGreaterThan(0);
    const end = orderParameterSync(theta);
    expect(end.coherence).toBeCloseTo(coherenceOf(end.r), 15);
  });

  it('follows a cluster phase received from elsewhere, and many steps in one call equal one at a time', async () => {
    const a = xioPhases(500, 100);
    const b = Float64Array.from(a);
    const psi = 2.5;
    const p = clusterPhaseStepSync(a, { alpha: 0.05, clusterPsi: psi, steps: 300 });
    for (let k = 0; k < 300; k++) clusterPhaseStepSync(b, { alpha: 0.05, clusterPsi: psi });
    expect([...a]).toEqual([...b]);
    expect(Math.abs(angularDifference(p.psi, psi))).toBeLessThan(1e-3);
    const c = xioPhases(500, 100);
    expect(await clusterPhaseStep(c, { alpha: 0.05, clusterPsi: psi, steps: 300 })).toEqual(p);
    expect([...c]).toEqual([...a]);
  });

  it('runs the standard Kuramoto model as the O(N²) sum does', async () => {
    const theta = xioPhases(8000, 100);
    // Natural frequencies: the nodes' own clock-rate offsets (the phase advance to the next sample).
    const next = xioPhases(8001, 100);
    const omega = Float64Array.from(theta, (t, i) => angularDifference(next[i] as number, t) / 0.01);
    const ref = Float64Array.from(theta);
    const opts = { couplingK: 40, dtS: 1e-3, steps: 1 };
    const async = Float64Array.from(theta);
    for (let step = 0; step < 50; step++) {
      const n = ref.length;
      const dot = ref.map((ti, i) => {
        let sum = 0;
        for (const tj of ref) sum += Math.sin(tj - ti);
        return (omega[i] as number) + (opts.couplingK / n) * sum;
      });
      for (let i = 0; i < n; i++) ref[i] = wrapAngle((ref[i] as number) + opts.dtS * (dot[i] as number));
      kuramotoStepSync(theta, omega, opts);
    }
    expect(maxAngularGap(theta, ref)).toBeLessThan(1e-9);
    await kuramotoStep(async, omega, { ...opts, steps: 50 });
    expect([...async]).toEqual([...theta]);
  });
});

describe('cluster phase: seed 003 and analytic cases', () => {
  it("seed 003's two nodes: Θ = 0.24 and 0.81 cycles, α = 0.01", () => {
    const [a, b] = [0.24 * TAU, wrapAngle(0.81 * TAU)];
    const theta = Float64Array.of(a, b);
    const before = orderParameterSync(theta);
    // The circular mean of 0.24 and 0.81 cycles is 0.025 cycles (they are 0.43 cycles apart the short way).
    expect(before.psi / TAU).toBeCloseTo(0.025, 12);
    expect(before.r).toBeCloseTo(Math.abs(Math.cos(0.43 * Math.PI)), 12);
    const after = clusterPhaseStepSync(theta);
    expect(theta[0]).toBeCloseTo(a + 0.01 * Math.sin(before.psi - a), 15);
    expect(theta[1]).toBeCloseTo(b + 0.01 * Math.sin(before.psi - b), 15);
    expect(after.coherence).toBeGreaterThan(before.coherence);
  });

  it('two oscillators lock at asin(Δω / K)', () => {
    const theta = Float64Array.of(0, 0);
    kuramotoStepSync(theta, Float64Array.of(-0.25, 0.25), { couplingK: 2, dtS: 1e-3, steps: 50_000 });
    expect(angularDifference(theta[1] as number, theta[0] as number)).toBeCloseTo(Math.asin(0.5 / 2), 9);
  });

  it('coherence spans [e⁻⁵, 1] and the migration threshold is r ≈ 0.914', () => {
    expect(coherenceOf(1)).toBe(1);
    expect(coherenceOf(0)).toBeCloseTo(Math.exp(-5), 15);
    expect(coherenceOf(1 + Math.log(COHERENCE_MIGRATION_THRESHOLD) / 5)).toBeCloseTo(0.65, 15);
  });

  it('names the parameter and the value in caller errors', async () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg(() => clusterPhaseStepSync(new Float64Array(3), { alpha: 2 }))).toBe('"alpha" must be a number in [0, 1], got 2');
    expect(msg(() => kuramotoStepSync(new Float64Array(3), new Float64Array(2), { couplingK: 1, dtS: 0.01 }))).toBe('"omega" must be 3 frequencies (one per phase), got 2');
    expect(msg(() => kuramotoStepSync(new Float64Array(3), new Float64Array(3), { couplingK: 1, dtS: -1 }))).toBe('"dtS" must be a number in [0, 1000000], got -1');
    const shared = new Float64Array(4);
    expect(msg(() => kuramotoStepSync(shared.subarray(0, 2), shared.subarray(1, 3), { couplingK: 1, dtS: 0.01 }))).toBe('"theta" must not share memory with "omega"');
    await expect(clusterPhaseStep(new Float64Array(2), { alpha: -1 })).rejects.toThrow('"alpha" must be a number in [0, 1], got -1');
  });
});
