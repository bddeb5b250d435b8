/**
 * Phase area of `karana bench native`: ClockSync throughput (TICSync hull, PLL, least squares; batched
 * and per sample) against the estimators a user would write in JS (running least squares; a plain port
 * of the TICSync hull), circular
 * statistics and the Kuramoto steps against plain JS loops, and the clock acceptance figures (offset
 * and skew errors after 10 s of 200 Hz) in the same run.
 *
 * Inputs: EuRoC MH_01 imu0 stamps (36,820 samples, 200 Hz; the bundled sample session's 10 s without
 * `../shared/data`) as the device clock; host arrivals simulated as in the tests (50 ppm, 2 ms,
 * one-sided Exp(0.5 ms) queueing delay from a seeded SplitMix64). Phases: the imu0 sample times on the
 * camera's 20 Hz grid (unwrapped, real), 1,000 of them as Kuramoto nodes with natural frequencies
 * from their phase increments.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { angularDifferences, circularStatsSync, ClockSync, clusterPhaseStepSync, kuramotoStepSync, orderParameterSync, type ClockMethod } from '../../native/index.js';
import { timeTasks, type BenchOptions, type Figure } from '../harness.js';
import type { AreaResult, BenchArea, LeakCase } from './types.js';

const MASK = (1n << 64n) - 1n;
const TAU = 2 * Math.PI;

/** SplitMix64 uniform in [0, 1) (as in the tests): the seeded queueing-delay simulation. */
function splitMix64(seed: number): () => number {
  let s = BigInt(seed);
  return () => {
    s = (s + 0x9e3779b97f4a7c15n) & MASK;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  };
}

interface Stream {
  readonly source: string;
  /** Device stamps relative to the first, ns. */
  readonly device: Float64Array;
  /** Simulated host arrivals (50 ppm, 2 ms, Exp(0.5 ms) delay, seed 1), same epoch, ns. */
  readonly host: Float64Array;
}

function loadStream(options: BenchOptions, seed = 1): Stream {
  const source =
    options.sharedDataDir === undefined
      ? join(options.rootDir, 'hal/sessions/sample/mav0/imu0/data.csv')
      : resolve(options.sharedDataDir, 'euroc_mh01_excerpt/mav0/imu0/data.csv');
  const rows = readFileSync(source, 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const abs = rows.map((l) => BigInt(l.split(',')[0] as string));
  const t0 = abs[0] as bigint;
  const device = Float64Array.from(abs, (t) => Number(t - t0));
  const u = splitMix64(seed);
  const host = device.map((d) => d + Math.round(2e6 + 50e-6 * d - 0.5e6 * Math.log(1 - u())));
  return { source, device, host };
}

/** The running least-squares fit a user would write in JS (Welford's co-moments). */
class JsLeastSquares {
  n = 0;
  mx = 0;
  my = 0;
  cxx = 0;
  cxy = 0;
  update(deviceNs: number, hostNs: number): void {
    const y = hostNs - deviceNs;
    this.n += 1;
    const dx = deviceNs - this.mx;
    this.mx += dx / this.n;
    this.my += (y - this.my) / this.n;
    this.cxx += dx * (deviceNs - this.mx);
    this.cxy += dx * (y - this.my);
  }
  toHostNs(deviceNs: number): number {
    const slope = this.cxx > 0 ? this.cxy / this.cxx : 0;
    return deviceNs + this.my + slope * (deviceNs - this.mx);
  }
}

/**
 * TICSync's lower hull as a user would port it to JS: one window, f64 coordinates relative to the
 * first sample (the cross products lose exactness beyond 2⁵³, which the native i128 ones do not),
 * the edge spanning the centroid found by a forward cursor.
 */
class JsTicSync {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  x0 = Number.NaN;
  y0 = 0;
  n = 0;
  sumX = 0;
  edge = 0;
  update(deviceNs: number, hostNs: number): void {
    if (Number.isNaN(this.x0)) [this.x0, this.y0] = [deviceNs, hostNs - deviceNs];
    const x = deviceNs - this.x0;
    const y = hostNs - deviceNs - this.y0;
    const { xs, ys } = this;
    let k = xs.length;
    while (k >= 2 && ((xs[k - 1] as number) - (xs[k - 2] as number)) * (y - (ys[k - 2] as number)) - ((ys[k - 1] as number) - (ys[k - 2] as number)) * (x - (xs[k - 2] as number)) <= 0) k--;
    xs.length = k;
    ys.length = k;
    xs.push(x);
    ys.push(y);
    this.n += 1;
    this.sumX += x;
    if (this.edge === 0 || this.edge >= xs.length) this.edge = xs.length - 1;
    while (this.edge + 1 < xs.length && (xs[this.edge] as number) * this.n <= this.sumX) this.edge++;
  }
  toHostNs(deviceNs: number): number {
    const k = Math.max(1, this.edge);
    const [ax, ay, bx, by] = [this.xs[k - 1] as number, this.ys[k - 1] as number, this.xs[k] as number, this.ys[k] as number];
    return deviceNs + this.y0 + ay + ((by - ay) / (bx - ax)) * (deviceNs - this.x0 - ax);
  }
}

/** `(Σ cos θ, Σ sin θ)` in plain JS. */
function jsSums(theta: Float64Array): [number, number] {
  let c = 0;
  let s = 0;
  for (let i = 0; i < theta.length; i++) {
    const t = theta[i] as number;
    c += Math.cos(t);
    s += Math.sin(t);
  }
  return [c, s];
}

function jsWrap(a: number): number {
  return a - TAU * Math.round(a / TAU);
}

function jsClusterStep(theta: Float64Array, alpha: number): void {
  const [c, s] = jsSums(theta);
  const psi = Math.atan2(s, c);
  for (let i = 0; i < theta.length; i++) theta[i] = jsWrap((theta[i] as number) + alpha * Math.sin(psi - (theta[i] as number)));
}

function jsKuramotoStep(theta: Float64Array, omega: Float64Array, k: number, dt: number): void {
  const [c, s] = jsSums(theta);
  const kr = (k * Math.hypot(c, s)) / theta.length;
  const psi = Math.atan2(s, c);
  for (let i = 0; i < theta.length; i++) theta[i] = jsWrap((theta[i] as number) + dt * ((omega[i] as number) + kr * Math.sin(psi - (theta[i] as number))));
}

/** The real phases: imu0 sample times on the camera's 20 Hz grid (unwrapped), and Kuramoto nodes. */
function phases(stream: Stream): { angles: Float64Array; theta: Float64Array; omega: Float64Array } {
  const angles = stream.device.map((d) => (TAU * d) / 50e6);
  const n = Math.min(1000, angles.length - 1);
  const theta = Float64Array.from(angles.subarray(0, n), jsWrap);
  const omega = Float64Array.from(theta, (t, i) => jsWrap((angles[i + 1] as number) - t) / 5e-3);
  return { angles, theta, omega };
}

const METHODS: readonly ClockMethod[] = ['ticsync', 'pll', 'leastSquares'];

/** Worst |offset error| (µs) and |skew error| (ppm) after 2000 samples over seeds 1–8, per method. */
function acceptance(options: BenchOptions): Record<string, Figure> {
  const figures: Record<string, Figure> = {};
  const streams = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => loadStream(options, seed));
  for (const method of METHODS) {
    let off = 0;
    let skew = 0;
    for (const s of streams) {
      const n = Math.min(2000, s.device.length);
      const cs = new ClockSync({ method });
      cs.updateBatch(s.device.subarray(0, n), s.host.subarray(0, n));
      const e = cs.estimate();
      off = Math.max(off, Math.abs(e.offsetNs - (2e6 + 50e-6 * e.atDeviceNs)));
      skew = Math.max(skew, Math.abs(e.skewPpm - 50));
    }
    figures[`clock.${method}.accuracy10s.worstOffsetError`] = { value: off / 1e3, unit: 'µs (8 seeds; target < 50)' };
    figures[`clock.${method}.accuracy10s.worstSkewError`] = { value: skew, unit: 'ppm (8 seeds; target < 2)' };
  }
  return figures;
}

function clockTasks(stream: Stream): Record<string, () => unknown> {
  const { device, host } = stream;
  const tasks: Record<string, () => unknown> = {};
  for (const method of METHODS) {
    const cs = new ClockSync({ method });
    tasks[`clock.${method}.native.batch`] = () => {
      cs.reset();
      return cs.updateBatch(device, host);
    };
  }
  const per = new ClockSync();
  tasks['clock.ticsync.native.perSample'] = () => {
    per.reset();
    for (let i = 0; i < device.length; i++) per.update(device[i] as number, host[i] as number);
    return per.toHostNs(0);
  };
  tasks['clock.ticsync.js.perSample'] = () => {
    const t = new JsTicSync();
    for (let i = 0; i < device.length; i++) t.update(device[i] as number, host[i] as number);
    return t.toHostNs(0);
  };
  tasks['clock.leastSquares.js.perSample'] = () => {
    const ls = new JsLeastSquares();
    for (let i = 0; i < device.length; i++) ls.update(device[i] as number, host[i] as number);
    return ls.toHostNs(0);
  };
  return tasks;
}

function phaseTasks(stream: Stream): Record<string, () => unknown> {
  const { angles, theta, omega } = phases(stream);
  const b = angles.map((a) => a * 0.5);
  const out = new Float64Array(angles.length);
  const t1 = Float64Array.from(theta);
  const t2 = Float64Array.from(theta);
  const t3 = Float64Array.from(theta);
  const t4 = Float64Array.from(theta);
  return {
    'circular.stats.native': () => circularStatsSync(angles),
    'circular.stats.js': () => {
      const [c, s] = jsSums(angles);
      return Math.atan2(s, c) + Math.hypot(c, s);
    },
    'circular.differences.native': () => angularDifferences(angles, b, out),
    'circular.differences.js': () => {
      for (let i = 0; i < angles.length; i++) out[i] = jsWrap((angles[i] as number) - (b[i] as number));
      return out;
    },
    'kuramoto.cluster.native': () => clusterPhaseStepSync(t1, { alpha: 0.01, steps: 10 }),
    'kuramoto.cluster.js': () => {
      for (let k = 0; k < 10; k++) jsClusterStep(t2, 0.01);
    },
    'kuramoto.standard.native': () => kuramotoStepSync(t3, omega, { couplingK: 5, dtS: 1e-3, steps: 10 }),
    'kuramoto.standard.js': () => {
      for (let k = 0; k < 10; k++) jsKuramotoStep(t4, omega, 5, 1e-3);
    },
  };
}

const area: BenchArea = {
  name: 'phase',
  async bench(options: BenchOptions): Promise<AreaResult> {
    const stream = loadStream(options);
    const timeMs = options.quick ? 150 : 1000;
    const n = stream.device.length;
    const { angles, theta } = phases(stream);
    const timings = await timeTasks({ ...clockTasks(stream), ...phaseTasks(stream) }, { timeMs });
    const byName = new Map(timings.map((t) => [t.name, t]));
    const figures: Record<string, Figure> = {};
    /** Items per call of each task, for throughput figures. */
    const items = (name: string): [number, string] =>
      name.startsWith('clock.') ? [n, 'samples/s'] : name.startsWith('kuramoto.') ? [10 * theta.length, 'node-steps/s'] : [angles.length, 'angles/s'];
    for (const t of timings) {
      const [count, unit] = items(t.name);
      figures[`${t.name}.throughput`] = { value: (count * 1e9) / t.meanNs, unit };
      figures[`${t.name}.perItem`] = { value: t.meanNs / count, unit: 'ns' };
    }
    Object.assign(figures, acceptance(options));
    const mean = (name: string): number => byName.get(name)?.meanNs ?? Number.NaN;
    const ratios: Record<string, number> = {
      'clock.ticsync.batch/ticsync.js': mean('clock.ticsync.js.perSample') / mean('clock.ticsync.native.batch'),
      'clock.ticsync.perSample/ticsync.js': mean('clock.ticsync.js.perSample') / mean('clock.ticsync.native.perSample'),
      'clock.ticsync.batch/leastSquares.js': mean('clock.leastSquares.js.perSample') / mean('clock.ticsync.native.batch'),
      'clock.ticsync.perSample/leastSquares.js': mean('clock.leastSquares.js.perSample') / mean('clock.ticsync.native.perSample'),
      'clock.leastSquares.batch/leastSquares.js': mean('clock.leastSquares.js.perSample') / mean('clock.leastSquares.native.batch'),
      'clock.pll.batch/leastSquares.js': mean('clock.leastSquares.js.perSample') / mean('clock.pll.native.batch'),
      'circular.stats/js': mean('circular.stats.js') / mean('circular.stats.native'),
      'circular.differences/js': mean('circular.differences.js') / mean('circular.differences.native'),
      'kuramoto.cluster/js': mean('kuramoto.cluster.js') / mean('kuramoto.cluster.native'),
      'kuramoto.standard/js': mean('kuramoto.standard.js') / mean('kuramoto.standard.native'),
    };
    const notes = [
      `clock: ${n} samples of ${stream.source} per call (device stamps real; host arrivals simulated: 50 ppm, 2 ms, Exp(0.5 ms) delay)`,
      `phases: ${angles.length} imu0 sample times on the 20 Hz camera grid; Kuramoto: ${theta.length} nodes × 10 steps per call`,
      'ratios are speed-ups (> 1: native faster); the JS peers are single-threaded loops, as is the native code',
    ];
    return { figures, ratios, notes };
  },

  async leakCases(options: BenchOptions): Promise<Readonly<Record<string, LeakCase>>> {
    const full = loadStream(options);
    const device = full.device.subarray(0, 200);
    const host = full.host.subarray(0, 200);
    const flags = new Uint8Array(200);
    const out = new Float64Array(200);
    const big = BigInt64Array.from(device, (d) => BigInt(d));
    const bigHost = BigInt64Array.from(host, (h) => BigInt(h));
    const bigOut = new BigInt64Array(200);
    const cs = new ClockSync();
    cs.updateBatch(device, host);
    let i = 0;
    let built = 0;
    const { theta, omega } = phases(full);
    const nodes = theta.subarray(0, 64);
    const nodeOmega = omega.subarray(0, 64);
    const diffOut = new Float64Array(64);
    return {
      'clockSync.update': () => cs.update(1e9 + 5e6 * i++, 1e9 + 5e6 * i + 2e6),
      'clockSync.updateBatch': () => cs.updateBatch(device, host, flags),
      'clockSync.updateBatchBigInt': () => cs.updateBatch(big, bigHost, flags),
      'clockSync.estimate': () => cs.estimate(),
      'clockSync.toHostBatch': () => cs.toHostBatch(device, out),
      'clockSync.toHostBatchBigInt': () => cs.toHostBatch(big, bigOut),
      // A ClockSync's buffers are freed by its N-API finalizer, which Node runs only when the event loop
      // turns: a synchronous loop of constructions holds them all. Yield every 1000, as a program does.
      'clockSync.construct': async () => {
        const m = new ClockSync().method;
        if (++built % 1000 === 0) await new Promise(setImmediate);
        return m;
      },
      'circularStatsSync': () => circularStatsSync(nodes),
      'angularDifferences': () => angularDifferences(nodes, nodeOmega, diffOut),
      'orderParameterSync': () => orderParameterSync(nodes),
      'clusterPhaseStepSync': () => clusterPhaseStepSync(nodes),
      'kuramotoStepSync': () => kuramotoStepSync(nodes, nodeOmega, { couplingK: 1, dtS: 1e-3 }),
    };
  },
};

export default area;
