/**
 * World-locked anchors on a VIO run (issue 5's acceptance): the run's body poses as a {@link PoseSource} on
 * the anchor evaluation's clock, and the evaluation itself (`evaluateAnchorsEuroc`, docs/anchors.md).
 *
 * Clocks: {@link runVioOnEuroc} stamps poses in ns since the first `imu0` sample; the anchor evaluation uses ns
 * since the first `cam0` frame, so the poses are shifted by (first cam0 stamp − first imu0 stamp), both read
 * from the EuRoC `data.csv` files (integer ns, UNIX clock).
 *
 * Errors: a `data.csv` without a data row raises an Error naming the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANCHOR_EVAL_DEFAULTS, evaluateAnchorsEuroc, type AnchorEvalOptions, type AnchorEvalResult } from '../../layers/intelligence/anchors/index.js';
import { SampledPoseSource } from '../../layers/intelligence/anchors/pose-source.js';
import type { VioRun } from './euroc-run.js';

/** First data row's stamp (ns, UNIX clock) of an EuRoC `data.csv`. */
async function firstStampNs(path: string): Promise<bigint> {
  const row = (await readFile(path, 'utf8')).split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  const stamp = row?.split(',')[0]?.trim();
  if (stamp === undefined || !/^\d+$/.test(stamp)) throw new Error(`${path}: no data row with an integer stamp`);
  return BigInt(stamp);
}

/** The run's `T_world_body` as a pose source in ns since the first cam0 frame of `session` (holds 60 ms past the ends). */
export async function vioPoseSource(session: string, run: VioRun): Promise<SampledPoseSource> {
  const mav0 = join(session, 'mav0');
  const shiftNs = Number((await firstStampNs(join(mav0, 'cam0', 'data.csv'))) - (await firstStampNs(join(mav0, 'imu0', 'data.csv'))));
  const tNs = Float64Array.from(run.estimate.tNs, (t) => t - shiftNs);
  return new SampledPoseSource(tNs, run.estimate.quaternion, run.estimate.position, 60e6);
}

/** The anchor evaluation of `session` with the poses of `run`. */
export async function evaluateAnchorsOnVio(session: string, run: VioRun, options: AnchorEvalOptions = ANCHOR_EVAL_DEFAULTS): Promise<AnchorEvalResult> {
  return evaluateAnchorsEuroc(session, { ...options, poses: await vioPoseSource(session, run) });
}
