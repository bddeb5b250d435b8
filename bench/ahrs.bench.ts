/**
 * Madgwick AHRS over the real EuRoC MH_01 IMU recording (imu0, 200 Hz; the bundled sample session's
 * 10 s when `../shared/data` is absent). Peers, in the same run on the same samples:
 * - `nativeBatch`: `madgwickUpdateSync` over the whole recording in one call (per-sample
 *   quaternions written to a caller-owned array);
 * - `nativePerSample`: `madgwickUpdateSync` called once per sample (batches of one), the cost of
 *   feeding a live stream sample by sample;
 * - `ahrs`: the `ahrs` npm package (Madgwick, v1.3.3), `update(…, dtS)` per sample — its idiomatic use.
 * Throughput is reported in samples/s.
 */
import AHRS from 'ahrs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMadgwickState, madgwickUpdateSync } from '../native/index.js';
import { timeTasks, type BenchOptions, type BenchResult, type BenchSuite, type Figure } from './harness.js';

const BETA = 0.1;
const RATE_HZ = 200;

interface Recording {
  readonly path: string;
  readonly timestampsNs: Float64Array;
  readonly gyroRadps: Float64Array;
  readonly accelMps2: Float64Array;
}

/** EuRoC `imu0/data.csv`, timestamps relative to the first row (exact in float64). */
function loadImu(options: BenchOptions): Recording {
  const path =
    options.sharedDataDir === undefined
      ? join(options.rootDir, 'hal/sessions/sample/mav0/imu0/data.csv')
      : resolve(options.rootDir, options.sharedDataDir, 'euroc_mh01_excerpt/mav0/imu0/data.csv');
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const n = rows.length;
  const rec = { path, timestampsNs: new Float64Array(n), gyroRadps: new Float64Array(3 * n), accelMps2: new Float64Array(3 * n) };
  let t0: bigint | undefined;
  rows.forEach((line, i) => {
    const f = line.split(',');
    const ns = BigInt(f[0] as string);
    t0 ??= ns;
    rec.timestampsNs[i] = Number(ns - t0);
    for (let k = 0; k < 3; k++) {
      rec.gyroRadps[3 * i + k] = Number(f[1 + k]);
      rec.accelMps2[3 * i + k] = Number(f[4 + k]);
    }
  });
  return rec;
}

function runAhrs(rec: Recording): number {
  const filter = new AHRS({ sampleInterval: 1000 / RATE_HZ, algorithm: 'Madgwick', beta: BETA });
  const { timestampsNs: t, gyroRadps: g, accelMps2: a } = rec;
  for (let i = 0; i < t.length; i++) {
    const j = 3 * i;
    const dt = i === 0 ? 1 / RATE_HZ : ((t[i] as number) - (t[i - 1] as number)) * 1e-9;
    filter.update(g[j] as number, g[j + 1] as number, g[j + 2] as number, a[j] as number, a[j + 1] as number, a[j + 2] as number, undefined, undefined, undefined, dt);
  }
  return filter.getQuaternion().w;
}

function runNativePerSample(rec: Recording): number {
  const state = createMadgwickState();
  const settings = { beta: BETA, nominalRateHz: RATE_HZ };
  for (let i = 0; i < rec.timestampsNs.length; i++) {
    const batch = {
      timestampsNs: rec.timestampsNs.subarray(i, i + 1),
      gyroRadps: rec.gyroRadps.subarray(3 * i, 3 * i + 3),
      accelMps2: rec.accelMps2.subarray(3 * i, 3 * i + 3),
    };
    madgwickUpdateSync(state, batch, settings);
  }
  return state[0] as number;
}

const suite: BenchSuite = {
  name: 'ahrs',
  async run(options: BenchOptions): Promise<BenchResult> {
    const rec = loadImu(options);
    const n = rec.timestampsNs.length;
    const out = new Float64Array(4 * n);
    const timings = await timeTasks(
      {
        nativeBatch: () => madgwickUpdateSync(createMadgwickState(), rec, { beta: BETA, nominalRateHz: RATE_HZ }, out),
        nativePerSample: () => runNativePerSample(rec),
        ahrs: () => runAhrs(rec),
      },
      { timeMs: options.quick ? 300 : 3000, iterations: 5 },
    );
    const figures: Record<string, Figure> = { samples: { value: n, unit: 'samples' } };
    const rate: Record<string, number> = {};
    for (const t of timings) {
      rate[t.name] = (n * 1e9) / t.meanNs;
      figures[`${t.name}.samplesPerS`] = { value: rate[t.name] as number, unit: 'samples/s' };
      figures[`${t.name}.nsPerSample`] = { value: t.meanNs / n, unit: 'ns' };
    }
    const batch = rate.nativeBatch as number;
    return {
      name: 'ahrs',
      description: `Madgwick IMU update over ${n} real samples (${rec.path})`,
      figures,
      ratios: {
        'nativeBatch/ahrs': batch / (rate.ahrs as number),
        'nativePerSample/ahrs': (rate.nativePerSample as number) / (rate.ahrs as number),
      },
      notes: ['ratios are throughput speed-ups over the ahrs npm package (>1: native faster); both compute the same quaternions to 1e-14'],
    };
  },
};

export default suite;
