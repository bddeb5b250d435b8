/**
 * `karana eval ahrs` on the real recordings: the loaders (EuRoC ground truth conversions, BROAD CSV), the errors
 * they raise, BROAD's scoring reproducing docs/native-tracking.md, and the acceptance on BROAD 07 and 16 — the
 * layer's default filter (`vqf`) no worse than the better of Madgwick (reference settings, β 0.1) and imufusion
 * (its tuned gain: 0.5 in 6D, 0.3 in 9D, from the sweep in `bench/ahrs-eval.bench.ts`) and within 20 % of VQF 2.1.2.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFloat64, encodeArray, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { createMadgwickState, initAttitude, madgwickUpdateSync } from '../../native/index.js';
import { registerEvalAhrs, runEvalAhrs } from '../../src/cli/eval-ahrs.js';
import { runAhrsFilter, type AhrsMode } from '../../src/eval/ahrs/evaluate.js';
import { loadAhrsRecording, stateGroundTruth, tumGroundTruth, type AhrsRecording } from '../../src/eval/ahrs/recording.js';
import { scoreAhrs } from '../../src/eval/ahrs/score.js';
import { interpolateTruth } from '../../src/eval/orientation-error.js';
import { angleRad, conjugate, multiply } from '../../src/math/quat.js';
import { SHARED_DATA, V101 } from '../hal/data.js';

const BROAD = { '07': join(SHARED_DATA, 'imu_broad/07_undisturbed_fast_rotation_B.csv'), '16': join(SHARED_DATA, 'imu_broad/16_undisturbed_fast_translation_B.csv') } as const;

describe('AHRS recordings: errors name the path and what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'karana-ahrs-'));
  it('rejects a missing path, a folder without an EuRoC IMU, another file type and a CSV without BROAD columns', () => {
    expect(() => loadAhrsRecording(join(dir, 'nope'))).toThrow(`"path" ${join(dir, 'nope')} does not exist`);
    expect(() => loadAhrsRecording(dir)).toThrow(`"path" ${dir}: no mav0/imu0/data.csv (not an EuRoC folder)`);
    writeFileSync(join(dir, 'x.txt'), '');
    expect(() => loadAhrsRecording(join(dir, 'x.txt'))).toThrow(`"path" ${join(dir, 'x.txt')} is neither an EuRoC folder (mav0/imu0/data.csv) nor a BROAD .csv`);
    writeFileSync(join(dir, 'a.csv'), 'time_s,gyr_x_rad_s\n0,1\n');
    expect(() => loadAhrsRecording(join(dir, 'a.csv'))).toThrow(`${join(dir, 'a.csv')}: BROAD column "gyr_y_rad_s" missing from the header`);
  });
  it('names the line and field of a bad number, and a folder without ground truth', () => {
    mkdirSync(join(dir, 'mav0/imu0'), { recursive: true });
    writeFileSync(join(dir, 'mav0/imu0/data.csv'), '#t,wx,wy,wz,ax,ay,az\n1000,0,0,0,0,0,9.8\n6000,0,x,0,0,0,9.8\n');
    expect(() => loadAhrsRecording(dir)).toThrow(`${join(dir, 'mav0/imu0/data.csv')}:3: field 2 is not a number: "x"`);
    writeFileSync(join(dir, 'mav0/imu0/data.csv'), '#t,wx,wy,wz,ax,ay,az\n1000,0,0,0,0,0,9.8\n6000,0,0,0,0,0,9.8\n');
    expect(() => loadAhrsRecording(dir)).toThrow(`"path" ${dir}: no ground truth (mav0/state_groundtruth_estimate0/data.csv or groundtruth_*_tum.txt)`);
  });
  it('the CLI rejects an unknown filter with the choices', () => {
    const program = new Command('karana').exitOverride().configureOutput({ writeErr: () => {} });
    registerEvalAhrs(program.command('eval').exitOverride());
    expect(() => program.parse(['node', 'karana', 'eval', 'ahrs', dir, '--filter', 'kalman'])).toThrow('"filter" must be one of vqf, madgwick, mahony, eskf, got "kalman"');
  });
});

describe.skipIf(!oracleAvailable())('AHRS evaluation on EuRoC V1_01 and BROAD 07/16', () => {
  const recs = new Map<string, AhrsRecording>();
  beforeAll(() => {
    recs.set('07', loadAhrsRecording(BROAD['07']));
    recs.set('16', loadAhrsRecording(BROAD['16']));
  });

  it('V1_01: the DROID cam0 ground truth, converted to the body, agrees with state_groundtruth_estimate0 where both exist (< 0.5°)', () => {
    const t0 = BigInt(readFileSync(join(V101, 'mav0/imu0/data.csv'), 'utf8').split('\n')[1]!.split(',')[0]!);
    const state = stateGroundTruth(join(V101, 'mav0/state_groundtruth_estimate0/data.csv'), t0);
    const tum = tumGroundTruth(V101, join(V101, 'groundtruth_V1_01_easy_droidslam_tum.txt'), t0);
    const at = interpolateTruth(state, tum.tNs);
    let n = 0;
    let worst = 0;
    at.forEach((g, i) => {
      if (g === null) return;
      n++;
      worst = Math.max(worst, angleRad(multiply(conjugate(g), [tum.q[4 * i]!, tum.q[4 * i + 1]!, tum.q[4 * i + 2]!, tum.q[4 * i + 3]!])));
    });
    expect(n).toBeGreaterThan(90); // 5 s at 20 Hz
    expect((worst * 180) / Math.PI).toBeLessThan(0.5);
    const rec = loadAhrsRecording(V101);
    expect(rec.reference.tNs.length).toBe(tum.tNs.length); // the longer source (145 s) is the one scored
  });

  it('BROAD scoring reproduces docs/native-tracking.md (Madgwick 6D inclination RMS 07 1.45°, 16 1.30°; 9D total 2.80°, 1.24°)', () => {
    const rms = (k: string, mode: AhrsMode): number => Number(scoreAhrs(recs.get(k)!, runAhrsFilter(recs.get(k)!, 'madgwick', mode), mode).primary.rmsDeg.toFixed(2));
    expect([rms('07', '6D'), rms('16', '6D'), rms('07', '9D'), rms('16', '9D')]).toEqual([1.45, 1.3, 2.8, 1.24]);
  });

  for (const trial of ['07', '16'] as const) {
    for (const mode of ['6D', '9D'] as const) {
      it(`acceptance, BROAD ${trial} ${mode}: vqf ≤ min(Madgwick β 0.1, imufusion tuned) and ≤ 1.2 × VQF 2.1.2`, () => {
        const rec = recs.get(trial)!;
        const batch = { timestampsNs: rec.timestampsNs, gyroRadps: rec.gyroRadps, accelMps2: rec.accelMps2, ...(mode === '9D' ? { magUt: rec.magUt! } : {}) };
        const q0 = initAttitude(rec.accelMps2.subarray(0, 3), mode === '9D' ? rec.magUt!.subarray(0, 3) : undefined);
        const mad = new Float64Array(4 * rec.timestampsNs.length);
        madgwickUpdateSync(createMadgwickState(q0), batch, { beta: 0.1, nominalRateHz: rec.rateHz }, mad);
        const fusionReq = {
          gain: mode === '6D' ? 0.5 : 0.3,
          gyroscopeRangeDps: 2000,
          accelerationRejectionDeg: 10,
          magneticRejectionDeg: 10,
          rejectionTimeoutS: 5,
          bias: true,
          sampleRateHz: rec.rateHz,
          timestampsNs: encodeArray(rec.timestampsNs),
          gyroRadps: encodeArray(rec.gyroRadps),
          accelMps2: encodeArray(rec.accelMps2),
          ...(mode === '9D' ? { magUt: encodeArray(rec.magUt!) } : {}),
          initialQuaternion: q0,
        };
        const fusion = decodeFloat64(runOracle<{ quaternions: string }>('tracking_imufusion.py', fusionReq).quaternions);
        const vqfReq = { gyroRadps: encodeArray(rec.gyroRadps), accelMps2: encodeArray(rec.accelMps2), ...(mode === '9D' ? { magUt: encodeArray(rec.magUt!) } : {}), samplePeriodS: 1 / rec.rateHz };
        const v = runOracle<{ quat6D: string; quat9D?: string }>('ahrs_vqf.py', vqfReq);
        const vqf = scoreAhrs(rec, decodeFloat64(mode === '9D' ? v.quat9D! : v.quat6D), mode, 'ENU').primary.rmsDeg;
        const ours = scoreAhrs(rec, runAhrsFilter(rec, 'vqf', mode), mode).primary.rmsDeg;
        const peer = Math.min(scoreAhrs(rec, mad, mode).primary.rmsDeg, scoreAhrs(rec, fusion, mode).primary.rmsDeg);
        console.info(`BROAD ${trial} ${mode}: ours(vqf) ${ours.toFixed(3)}°, VQF ${vqf.toFixed(3)}°, better of Madgwick/imufusion ${peer.toFixed(3)}°`);
        expect(ours).toBeLessThanOrEqual(peer);
        expect(ours).toBeLessThanOrEqual(1.2 * vqf);
        expect(Math.abs(ours - vqf) / vqf, 'the transcription follows VQF to 1 %').toBeLessThan(0.01);
      });
    }
  }

  it('karana eval ahrs --json prints the evaluation as JSON', () => {
    let text = '';
    const result = runEvalAhrs(BROAD['16'], { filter: 'eskf', json: true, out: { write: (s: string) => (text += s) } });
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(result)));
    expect(result.results.map((r) => `${r.filter} ${r.mode} ${r.score.metric}`)).toEqual(['eskf 6D inclination', 'eskf 9D total']);
    expect(result.recording).toMatchObject({ kind: 'broad', samples: 53392 });
  });
});
