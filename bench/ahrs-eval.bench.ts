/**
 * AHRS accuracy: layer 5's filters against the filters a user would pick instead, all on the same samples.
 *
 * Inputs (`../shared/data`): BROAD trials 07 (fast rotation) and 16 (fast translation) (Laidig et al., Data 2021,
 * CC BY 4.0), 6D and 9D, scored as BROAD's scripts (6D inclination, 9D total error; `src/eval/ahrs/score.ts`); EuRoC
 * V1_01 (145 s flight; Burri et al., IJRR 2016), 6D, inclination error against the ground truth (total error after
 * a first-second heading alignment reported too).
 *
 * Filters, each from the first sample (`initAttitude`; VQF starts itself):
 * - ours: `vqf` (the layer's default, TypeScript), `madgwick`, `mahony`, `eskf` (native), default settings;
 * - Madgwick with the reference settings: β 0.1 (`MadgwickAHRS.c`, the `ahrs` npm package), no bias estimation;
 * - x-io Fusion (`imufusion` 1.3.3, PyPI) tuned: its documented settings with the gain swept over
 *   {0.1, 0.2, 0.3, 0.5, 1.0}, one gain per mode chosen by the mean RMS over trials 07 and 16 (as
 *   docs/native-tracking.md did), `Bias` on; that gain on V1_01 too;
 * - VQF (PyPI `vqf` 2.1.2; Laidig & Seel, "VQF: Highly Accurate IMU Orientation Estimation with Bias Estimation and
 *   Magnetic Disturbance Rejection", Information Fusion 2023), online filter, its default parameters, 6D and 9D.
 * Python peers run through `bench/oracle/python.ts` (`runOracle`). Ratios: ours / VQF and ours / the better of
 * Madgwick(reference) and imufusion(tuned) (≤ 1: ours no worse); speed: our `vqf` per sample against VQF's C++ core.
 */
import { join } from 'node:path';
import { decodeFloat64, encodeArray, oracleAvailable, runOracle } from './oracle/python.js';
import { createMadgwickState, initAttitude, madgwickUpdateSync } from '../native/index.js';
import { runAhrsFilter, type AhrsMode } from '../src/eval/ahrs/evaluate.js';
import { loadAhrsRecording, type AhrsRecording } from '../src/eval/ahrs/recording.js';
import { scoreAhrs, type AhrsScore } from '../src/eval/ahrs/score.js';
import { AHRS_FILTER_KINDS } from '../src/layers/intelligence/ahrs/filters.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

const IMUFUSION_GAINS = [0.1, 0.2, 0.3, 0.5, 1.0] as const;
const IMUFUSION_BASE = { gyroscopeRangeDps: 2000, accelerationRejectionDeg: 10, magneticRejectionDeg: 10, rejectionTimeoutS: 5, bias: true } as const;

const batchOf = (rec: AhrsRecording, mode: AhrsMode): { timestampsNs: Float64Array; gyroRadps: Float64Array; accelMps2: Float64Array; magUt?: Float64Array } => ({
  timestampsNs: rec.timestampsNs,
  gyroRadps: rec.gyroRadps,
  accelMps2: rec.accelMps2,
  ...(mode === '9D' && rec.magUt !== undefined ? { magUt: rec.magUt } : {}),
});
const q0Of = (rec: AhrsRecording, mode: AhrsMode): readonly number[] => initAttitude(rec.accelMps2.subarray(0, 3), mode === '9D' ? rec.magUt?.subarray(0, 3) : undefined);

function madgwickReference(rec: AhrsRecording, mode: AhrsMode): Float64Array {
  const out = new Float64Array(4 * rec.timestampsNs.length);
  const q0 = q0Of(rec, mode) as [number, number, number, number];
  madgwickUpdateSync(createMadgwickState(q0), batchOf(rec, mode), { beta: 0.1, nominalRateHz: rec.rateHz, maxDtS: 0.5 }, out);
  return out;
}

function imufusion(rec: AhrsRecording, mode: AhrsMode, gain: number): Float64Array {
  const b = batchOf(rec, mode);
  const req = {
    ...IMUFUSION_BASE,
    gain,
    sampleRateHz: rec.rateHz,
    timestampsNs: encodeArray(b.timestampsNs),
    gyroRadps: encodeArray(b.gyroRadps),
    accelMps2: encodeArray(b.accelMps2),
    ...(b.magUt === undefined ? {} : { magUt: encodeArray(b.magUt) }),
    initialQuaternion: q0Of(rec, mode),
  };
  return decodeFloat64(runOracle<{ quaternions: string }>('tracking_imufusion.py', req).quaternions);
}

interface VqfAnswer {
  quat6D: string;
  quat9D?: string;
  bestNsPerSample: number;
  version: string;
}
function vqf(rec: AhrsRecording, repeat = 1): VqfAnswer {
  const req = { gyroRadps: encodeArray(rec.gyroRadps), accelMps2: encodeArray(rec.accelMps2), ...(rec.magUt === undefined ? {} : { magUt: encodeArray(rec.magUt) }), samplePeriodS: 1 / rec.rateHz, repeat };
  return runOracle<VqfAnswer>('ahrs_vqf.py', req);
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const figures: Record<string, Figure> = {};
  const ratios: Record<string, number> = {};
  const notes: string[] = [];
  if (options.sharedDataDir === undefined || !oracleAvailable()) {
    return { name: 'ahrs-eval', description: 'AHRS accuracy vs Madgwick, imufusion, VQF', figures, ratios, notes: ['skipped: needs ../shared/data and the .venv oracles (sh setup.sh --system)'] };
  }
  const data = options.sharedDataDir;
  const recs = {
    broad07: loadAhrsRecording(join(data, 'imu_broad/07_undisturbed_fast_rotation_B.csv')),
    broad16: loadAhrsRecording(join(data, 'imu_broad/16_undisturbed_fast_translation_B.csv')),
    v1_01: loadAhrsRecording(join(data, 'euroc_v1_01_imu_gt')),
  };
  const put = (key: string, s: AhrsScore): void => {
    figures[`${key}.rmsDeg`] = { value: s.primary.rmsDeg, unit: `deg (${s.metric})` };
    figures[`${key}.p95Deg`] = { value: s.primary.p95Deg, unit: 'deg' };
    figures[`${key}.maxDeg`] = { value: s.primary.maxDeg, unit: 'deg' };
  };
  // imufusion gain sweep on BROAD, one gain per mode.
  const chosen: Record<AhrsMode, number> = { '6D': 0.5, '9D': 0.5 };
  for (const mode of ['6D', '9D'] as const) {
    let best = Number.POSITIVE_INFINITY;
    for (const gain of IMUFUSION_GAINS) {
      const r07 = scoreAhrs(recs.broad07, imufusion(recs.broad07, mode, gain), mode).primary.rmsDeg;
      const r16 = scoreAhrs(recs.broad16, imufusion(recs.broad16, mode, gain), mode).primary.rmsDeg;
      notes.push(`imufusion ${mode} gain ${gain}: RMS 07 ${r07.toFixed(2)}°, 16 ${r16.toFixed(2)}°`);
      if ((r07 + r16) / 2 < best) {
        best = (r07 + r16) / 2;
        chosen[mode] = gain;
      }
    }
    figures[`imufusion.gain${mode}`] = { value: chosen[mode], unit: 'gain (chosen)' };
  }
  let vqfVersion = '';
  for (const [name, rec] of Object.entries(recs)) {
    const v = vqf(rec);
    vqfVersion = v.version;
    for (const mode of rec.magUt === undefined ? (['6D'] as const) : (['6D', '9D'] as const)) {
      const key = `${name}.${mode}`;
      const vq = scoreAhrs(rec, decodeFloat64(mode === '9D' ? v.quat9D! : v.quat6D), mode, 'ENU');
      const mad = scoreAhrs(rec, madgwickReference(rec, mode), mode);
      const fus = scoreAhrs(rec, imufusion(rec, mode, chosen[mode]), mode);
      put(`${key}.vqf-pypi`, vq);
      put(`${key}.madgwick-reference`, mad);
      put(`${key}.imufusion-tuned`, fus);
      const peer = Math.min(mad.primary.rmsDeg, fus.primary.rmsDeg);
      for (const kind of AHRS_FILTER_KINDS) {
        const s = scoreAhrs(rec, runAhrsFilter(rec, kind, mode), mode);
        put(`${key}.ours-${kind}`, s);
        ratios[`${key}.ours-${kind}/vqf-pypi`] = s.primary.rmsDeg / vq.primary.rmsDeg;
        ratios[`${key}.ours-${kind}/better-of-madgwick-imufusion`] = s.primary.rmsDeg / peer;
      }
    }
  }
  // Speed: our TypeScript vqf against VQF's C++ core (called once per batch from Python), BROAD 07 9D.
  const rec = recs.broad07;
  const repeat = options.quick ? 1 : 3;
  let bestNs = Number.POSITIVE_INFINITY;
  for (let k = 0; k < repeat; k++) {
    const t0 = process.hrtime.bigint();
    runAhrsFilter(rec, 'vqf', '9D');
    bestNs = Math.min(bestNs, Number(process.hrtime.bigint() - t0) / rec.timestampsNs.length);
  }
  const peerNs = vqf(rec, repeat).bestNsPerSample;
  figures['speed.ours-vqf.nsPerSample'] = { value: bestNs, unit: 'ns/sample (TypeScript, 9D, BROAD 07)' };
  figures['speed.vqf-pypi.nsPerSample'] = { value: peerNs, unit: 'ns/sample (C++ via Cython updateBatch)' };
  ratios['speed.ours-vqf/vqf-pypi'] = peerNs / bestNs;
  notes.push(`VQF ${vqfVersion}; imufusion gains chosen: 6D ${chosen['6D']}, 9D ${chosen['9D']}`);
  return {
    name: 'ahrs-eval',
    description: 'AHRS orientation error (deg) on BROAD 07/16 (6D inclination, 9D total) and EuRoC V1_01 (6D inclination): ours vs Madgwick(β 0.1), imufusion(tuned gain), VQF 2.1.2',
    figures,
    ratios,
    notes,
  };
}

const suite: BenchSuite = { name: 'ahrs-eval', run };
export default suite;
