/**
 * Tracking area of `karana bench native`: attitude-filter and preintegration throughput on real IMU data.
 *
 * - Madgwick IMU update over the EuRoC MH_01 imu0 file (36,820 samples, 200 Hz; the bundled sample session's
 *   10 s without `../shared/data`): `madgwickUpdateSync` over the whole recording in one call (`native`),
 *   called once per sample (`nativePerSample`: the N-API cost of feeding a live stream sample by sample), and
 *   the `ahrs` npm package (1.3.3) per sample with `update(…, dtS)`, its idiomatic use. Targets (issue 3):
 *   ≥ 15 M samples/s through the batched API and ≥ 5× `ahrs`. Both compute the same quaternions (to 1e-14,
 *   `test/native/madgwick.test.ts`).
 * - Mahony and the ESKF over the same file (6D), and over BROAD trial 07 with its magnetometer (9D), against
 *   x-io Fusion (`imufusion`, PyPI) on the same BROAD samples, timed inside Python (best of 3 passes) — the
 *   peer a user would pick; its per-sample Python calls are part of what that choice costs.
 * - `ImuPreintegrator.integrate` over the EuRoC file: in one call, and in keyframe intervals of 10 samples
 *   (20 Hz camera) with `readDeltas`, `predict` and `reset` per keyframe.
 *
 * Each call processes a whole recording (1–20 ms); figures give the mean and the median call, ratios use the
 * median (robust to the preemption of a shared machine).
 */
import AHRS from 'ahrs';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeArray, oracleAvailable, runOracle } from '../oracle/python.js';
import {
  ImuPreintegrator,
  NAV_STATE_LENGTH,
  PREINTEGRATION_DELTAS_LENGTH,
  createEskfState,
  createMadgwickState,
  createMahonyState,
  eskfUpdate,
  eskfUpdateSync,
  initAttitude,
  madgwickUpdate,
  madgwickUpdateSync,
  mahonyUpdate,
  mahonyUpdateSync,
  type ImuBatch,
} from '../../native/index.js';
import { timeTasks, type BenchOptions, type Figure } from '../harness.js';
import type { AreaResult, BenchArea, LeakCase } from './types.js';

const BETA = 0.1;
const EUROC_HZ = 200;
const BROAD_HZ = 285.714;

interface Recording extends ImuBatch {
  readonly source: string;
}

/** EuRoC `imu0/data.csv`, timestamps relative to the first row (exact in float64). */
function loadEuroc(options: BenchOptions): Recording {
  const source =
    options.sharedDataDir === undefined
      ? join(options.rootDir, 'hal/sessions/sample/mav0/imu0/data.csv')
      : resolve(options.sharedDataDir, 'euroc_mh01_excerpt/mav0/imu0/data.csv');
  const rows = readFileSync(source, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => l.split(','));
  const t0 = BigInt(rows[0]![0]!);
  return {
    source,
    timestampsNs: Float64Array.from(rows, (f) => Number(BigInt(f[0]!) - t0)),
    gyroRadps: Float64Array.from(rows.flatMap((f) => f.slice(1, 4).map(Number))),
    accelMps2: Float64Array.from(rows.flatMap((f) => f.slice(4, 7).map(Number))),
  };
}

/** BROAD trial 07 with its magnetometer (undefined without `../shared/data`). */
function loadBroad07(options: BenchOptions): Recording | undefined {
  if (options.sharedDataDir === undefined) return undefined;
  const source = resolve(options.sharedDataDir, 'imu_broad/07_undisturbed_fast_rotation_B.csv');
  if (!existsSync(source)) return undefined;
  const rows = readFileSync(source, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split(',').map(Number));
  return {
    source,
    timestampsNs: Float64Array.from(rows, (f) => Math.round(f[0]! * 1e9)),
    gyroRadps: Float64Array.from(rows.flatMap((f) => f.slice(1, 4))),
    accelMps2: Float64Array.from(rows.flatMap((f) => f.slice(4, 7))),
    magUt: Float64Array.from(rows.flatMap((f) => f.slice(7, 10))),
  };
}

function runAhrs(rec: ImuBatch): number {
  const filter = new AHRS({ sampleInterval: 1000 / EUROC_HZ, algorithm: 'Madgwick', beta: BETA });
  const { timestampsNs: t, gyroRadps: g, accelMps2: a } = rec;
  for (let i = 0; i < t.length; i++) {
    const j = 3 * i;
    const dt = i === 0 ? 1 / EUROC_HZ : (t[i]! - t[i - 1]!) * 1e-9;
    filter.update(g[j]!, g[j + 1]!, g[j + 2]!, a[j]!, a[j + 1]!, a[j + 2]!, undefined, undefined, undefined, dt);
  }
  return filter.getQuaternion().w;
}

const slice = (b: ImuBatch, from: number, to: number): ImuBatch => ({
  timestampsNs: b.timestampsNs.subarray(from, to),
  gyroRadps: b.gyroRadps.subarray(3 * from, 3 * to),
  accelMps2: b.accelMps2.subarray(3 * from, 3 * to),
  ...(b.magUt === undefined ? {} : { magUt: b.magUt.subarray(3 * from, 3 * to) }),
});

function runNativePerSample(rec: ImuBatch): number {
  const state = createMadgwickState();
  const settings = { beta: BETA, nominalRateHz: EUROC_HZ };
  for (let i = 0; i < rec.timestampsNs.length; i++) madgwickUpdateSync(state, slice(rec, i, i + 1), settings);
  return state[0]!;
}

/** The whole recording through the preintegrator in keyframe intervals of `every` samples. */
function runKeyframes(pre: ImuPreintegrator, rec: ImuBatch, every: number, deltas: Float64Array, start: Float64Array, end: Float64Array): number {
  const n = rec.timestampsNs.length;
  for (let i = 0; i < n; i += every) {
    pre.integrate(slice(rec, i, Math.min(n, i + every)));
    pre.readDeltas(deltas);
    pre.predict(start, end);
    pre.reset();
  }
  return deltas[0]!;
}

/** imufusion (Python) per-sample cost on `rec`, ns/sample, best of 3 passes; undefined without the venv. */
function imufusionNsPerSample(rec: Recording, withMag: boolean): number | undefined {
  if (!oracleAvailable()) return undefined;
  const req = {
    timestampsNs: encodeArray(rec.timestampsNs),
    gyroRadps: encodeArray(rec.gyroRadps),
    accelMps2: encodeArray(rec.accelMps2),
    ...(withMag && rec.magUt !== undefined ? { magUt: encodeArray(rec.magUt) } : {}),
    sampleRateHz: BROAD_HZ,
    gain: 0.5,
    gyroscopeRangeDps: 2000,
    accelerationRejectionDeg: 10,
    magneticRejectionDeg: 10,
    rejectionTimeoutS: 5,
    bias: true,
    repeat: 3,
  };
  return runOracle<{ bestNsPerSample: number }>('tracking_imufusion.py', req).bestNsPerSample;
}

/** Madgwick, Mahony and the ESKF with the magnetometer over BROAD 07 (the BROAD settings of the tests). */
function ninedTasks(broad: Recording): Record<string, () => unknown> {
  const out = new Float64Array(4 * broad.timestampsNs.length);
  const q0 = initAttitude(broad.accelMps2.subarray(0, 3), broad.magUt!.subarray(0, 3));
  return {
    'madgwick9d.native': () => madgwickUpdateSync(createMadgwickState(q0), broad, { beta: 0.02, nominalRateHz: BROAD_HZ }, out),
    'mahony9d.native': () => mahonyUpdateSync(createMahonyState(q0), broad, { nominalRateHz: BROAD_HZ }, out),
    'eskf9d.native': () => eskfUpdateSync(createEskfState(q0), broad, { nominalRateHz: BROAD_HZ }, out),
  };
}

/** imufusion's figures on BROAD 07 (6D and 9D) and the 9D speed-ups of the native filters over it. */
function addImufusion(broad: Recording, rate: Record<string, number>, figures: Record<string, Figure>, ratios: Record<string, number>): void {
  figures['broad07.samples'] = { value: broad.timestampsNs.length, unit: 'samples' };
  for (const [mode, withMag] of [['6d', false], ['9d', true]] as const) {
    const ns = imufusionNsPerSample(broad, withMag);
    if (ns === undefined) continue;
    figures[`imufusion${mode}.python.nsPerSample`] = { value: ns, unit: 'ns' };
    figures[`imufusion${mode}.python.samplesPerS`] = { value: 1e9 / ns, unit: 'samples/s' };
    if (mode === '9d') {
      for (const f of ['madgwick9d', 'mahony9d', 'eskf9d']) ratios[`${f}.native/imufusion`] = rate[`${f}.native`]! / (1e9 / ns);
    }
  }
}

async function bench(options: BenchOptions): Promise<AreaResult> {
  const rec = loadEuroc(options);
  const n = rec.timestampsNs.length;
  const out = new Float64Array(4 * n);
  const sixD = { timestampsNs: rec.timestampsNs, gyroRadps: rec.gyroRadps, accelMps2: rec.accelMps2 };
  const pre = new ImuPreintegrator();
  const [deltas, start, end] = [new Float64Array(PREINTEGRATION_DELTAS_LENGTH), Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), new Float64Array(NAV_STATE_LENGTH)];
  const tasks: Record<string, () => unknown> = {
    'madgwick.native': () => madgwickUpdateSync(createMadgwickState(), sixD, { beta: BETA, nominalRateHz: EUROC_HZ }, out),
    'madgwick.nativePerSample': () => runNativePerSample(sixD),
    'madgwick.ahrs': () => runAhrs(sixD),
    'mahony.native': () => mahonyUpdateSync(createMahonyState(), sixD, { nominalRateHz: EUROC_HZ }, out),
    'eskf.native': () => eskfUpdateSync(createEskfState(), sixD, { nominalRateHz: EUROC_HZ }, out),
    'preintegration.native': () => new ImuPreintegrator().integrate(sixD),
    'preintegration.keyframes10': () => runKeyframes(pre, sixD, 10, deltas, start, end),
  };
  const broad = loadBroad07(options);
  if (broad !== undefined) Object.assign(tasks, ninedTasks(broad));
  const timings = await timeTasks(tasks, { timeMs: options.quick ? 300 : 3000, iterations: 5 });
  const figures: Record<string, Figure> = { 'euroc.samples': { value: n, unit: 'samples' } };
  const rate: Record<string, number> = {};
  for (const t of timings) {
    const samples = t.name.includes('9d') ? broad!.timestampsNs.length : n;
    rate[t.name] = (samples * 1e9) / t.p50Ns;
    figures[`${t.name}.samplesPerS`] = { value: (samples * 1e9) / t.meanNs, unit: 'samples/s (mean)' };
    figures[`${t.name}.nsPerSample`] = { value: t.meanNs / samples, unit: 'ns (mean)' };
    figures[`${t.name}.medianSamplesPerS`] = { value: rate[t.name]!, unit: 'samples/s (median call)' };
  }
  const ratios: Record<string, number> = {
    'madgwick.native/ahrs': rate['madgwick.native']! / rate['madgwick.ahrs']!,
    'madgwick.nativePerSample/ahrs': rate['madgwick.nativePerSample']! / rate['madgwick.ahrs']!,
    'madgwick.native/target15M': rate['madgwick.native']! / 15e6,
  };
  const notes = [
    `EuRoC input: ${rec.source}`,
    'ratios are throughput speed-ups (>1: native faster) from the median call, which preemption on the shared 2-core machine distorts less than the mean (both are reported)',
  ];
  if (broad !== undefined) addImufusion(broad, rate, figures, ratios);
  else notes.push('BROAD trial 07 not found: no 9D or imufusion figures');
  return { figures, ratios, notes };
}

async function leakCases(options: BenchOptions): Promise<Readonly<Record<string, LeakCase>>> {
  const rec = slice(loadEuroc(options), 1000, 1020); // 20 real samples (0.1 s)
  const mag = Float64Array.from({ length: 60 }, (_, i) => [20, 5, -40][i % 3]!); // a constant field, µT
  const withMag = { ...rec, magUt: mag };
  const madgwick = createMadgwickState();
  const mahony = createMahonyState();
  const eskf = createEskfState();
  const out = new Float64Array(80);
  const pre = new ImuPreintegrator();
  const [deltas, start, end] = [new Float64Array(PREINTEGRATION_DELTAS_LENGTH), Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), new Float64Array(NAV_STATE_LENGTH)];
  return {
    madgwickUpdateSync: () => madgwickUpdateSync(madgwick, withMag, undefined, out),
    madgwickUpdate: () => madgwickUpdate(madgwick, rec, undefined, out),
    mahonyUpdateSync: () => mahonyUpdateSync(mahony, withMag, undefined, out),
    mahonyUpdate: () => mahonyUpdate(mahony, rec, undefined, out),
    eskfUpdateSync: () => eskfUpdateSync(eskf, withMag, undefined, out),
    eskfUpdate: () => eskfUpdate(eskf, rec, undefined, out),
    initAttitude: () => initAttitude(rec.accelMps2.subarray(0, 3), mag.subarray(0, 3)),
    preintegrator: () => {
      pre.integrate(rec);
      pre.readDeltas(deltas);
      pre.predict(start, end);
      pre.reset();
    },
  };
}

const area: BenchArea = { name: 'tracking', bench, leakCases };
export default area;
