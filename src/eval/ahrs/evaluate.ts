/**
 * `karana eval ahrs` without the CLI: run one of layer 5's attitude filters (`vqf`, `madgwick`, `mahony`, `eskf`) over a recording (one batch, as the
 * layer would see it sample by sample — split batches are bit-identical, docs/native-tracking.md) and score it
 * against the reference ({@link scoreAhrs}).
 *
 * Start: `initAttitude` of the first sample (accelerometer; + magnetometer in 9D), gyro bias 0 — the same start
 * every peer in `bench/ahrs-eval.bench.ts` gets (VQF starts itself: its accelerometer low-pass averages the first
 * τ_acc seconds). Settings: each filter's defaults (`DEFAULT_AHRS_SETTINGS`), the nominal rate measured.
 * Modes: 6D always; 9D when the recording has a magnetometer.
 */
import { initAttitude } from '../../../native/index.js';
import { createAhrsState, updateAhrsState, type AhrsFilterKind, type AhrsSettingsByKind } from '../../layers/intelligence/ahrs/filters.js';
import { loadAhrsRecording, type AhrsRecording } from './recording.js';
import { scoreAhrs, type AhrsScore } from './score.js';

export type AhrsMode = '6D' | '9D';

/** Quaternions (4n, `q_world_body`, NWU world with a magnetometer) of `kind` over `rec`. */
export function runAhrsFilter<K extends AhrsFilterKind>(rec: AhrsRecording, kind: K, mode: AhrsMode, settings?: AhrsSettingsByKind[K]): Float64Array {
  if (mode === '9D' && rec.magUt === undefined) throw new Error(`"mode" 9D needs a magnetometer; ${rec.name} has none`);
  const n = rec.timestampsNs.length;
  const mag = mode === '9D' ? rec.magUt : undefined;
  const q0 = initAttitude(rec.accelMps2.subarray(0, 3), mag?.subarray(0, 3));
  const out = new Float64Array(4 * n);
  const state = createAhrsState(kind, q0, { rateHz: rec.rateHz, ...(settings === undefined ? {} : { settings }) });
  const batch = { timestampsNs: rec.timestampsNs, gyroRadps: rec.gyroRadps, accelMps2: rec.accelMps2, ...(mag === undefined ? {} : { magUt: mag }) };
  updateAhrsState(state, batch, out);
  return out;
}

/** One filter's score in one mode. */
export interface AhrsEvalResult {
  readonly filter: AhrsFilterKind;
  readonly mode: AhrsMode;
  readonly score: AhrsScore;
}

/** The whole evaluation of `path` (EuRoC folder or BROAD CSV): each filter asked for, each mode the data allows. */
export interface AhrsEvaluation {
  readonly recording: { readonly name: string; readonly kind: AhrsRecording['kind']; readonly samples: number; readonly rateHz: number; readonly durationS: number };
  readonly results: readonly AhrsEvalResult[];
}

/** Loads `path` and scores `filters` on it. @throws Error naming the path when it cannot be read. */
export function evaluateAhrs(path: string, filters: readonly AhrsFilterKind[]): AhrsEvaluation {
  const rec = loadAhrsRecording(path);
  const modes: AhrsMode[] = rec.magUt === undefined ? ['6D'] : ['6D', '9D'];
  const results: AhrsEvalResult[] = [];
  for (const mode of modes) for (const filter of filters) results.push({ filter, mode, score: scoreAhrs(rec, runAhrsFilter(rec, filter, mode), mode) });
  const n = rec.timestampsNs.length;
  return {
    recording: { name: rec.name, kind: rec.kind, samples: n, rateHz: rec.rateHz, durationS: ((rec.timestampsNs[n - 1] as number) - (rec.timestampsNs[0] as number)) * 1e-9 },
    results,
  };
}
