/**
 * The automatic session of a plain EuRoC/ASL folder (one that holds `mav0/`), as if it came with this manifest:
 *   cam0 (euroc-camera, role tracking) ← mav0/cam0,  imu0 (euroc-imu) ← mav0/imu0,
 *   ground truth (euroc-groundtruth) ← mav0/state_groundtruth_estimate0, when that folder exists;
 *   startNs = the first cam0 stamp, duration = last − first cam0 stamp.
 * So IMU and ground truth replay only the span of the images (the EuRoC MH_01 excerpt: 600 frames, 5,991 IMU
 * samples). Without a readable cam0/data.csv the span comes from imu0/data.csv.
 * Source format: EuRoC MAV dataset (Burri et al., IJRR 2016).
 */
import { basename, join, resolve } from 'node:path';
import type { DeviceConfig } from '../drivers.js';
import { openCsvRows } from '../mock/csv-rows.js';
import { isDirectory } from '../mock/files.js';
import { SessionError } from './types.js';
import type { SessionPlan } from './types.js';

/** First and last valid stamps of an EuRoC data.csv (device clock, ns). */
interface StampRange {
  readonly firstNs: bigint;
  readonly lastNs: bigint;
}

/** True when `dir` looks like an EuRoC/ASL recording (it holds `mav0/`). */
export async function isEurocFolder(dir: string): Promise<boolean> {
  return isDirectory(join(dir, 'mav0'));
}

/** Plans the automatic session of EuRoC folder `dir`; {@link SessionError} when no stream gives a time span. */
export async function planEurocFolder(dir: string): Promise<SessionPlan> {
  const rootDir = resolve(dir);
  const span = (await stampRange(join(rootDir, 'mav0/cam0/data.csv'))) ?? (await stampRange(join(rootDir, 'mav0/imu0/data.csv')));
  if (span === undefined) {
    throw new SessionError(dir, [{ path: '', message: 'EuRoC folder without a readable mav0/cam0/data.csv or mav0/imu0/data.csv' }]);
  }
  const devices: DeviceConfig[] = [
    { id: 'cam0', kind: 'camera', driver: 'euroc-camera', path: 'mav0/cam0', role: 'tracking', offsetS: 0, options: {} },
    { id: 'imu0', kind: 'imu', driver: 'euroc-imu', path: 'mav0/imu0', offsetS: 0, options: {} },
  ];
  const gtPath = 'mav0/state_groundtruth_estimate0';
  const hasGroundTruth = await isDirectory(join(rootDir, gtPath));
  return {
    name: basename(rootDir),
    description: `EuRoC/ASL folder ${rootDir} (automatic session: cam0, imu0${hasGroundTruth ? ', ground truth' : ''})`,
    rootDir,
    startNs: span.firstNs,
    durationNs: span.lastNs - span.firstNs,
    devices,
    ...(hasGroundTruth ? { groundTruth: { driver: 'euroc-groundtruth', path: gtPath, offsetS: 0, options: {} } } : {}),
  };
}

/** Stamps of the first and last rows whose first field is an integer; undefined if none or unreadable. */
async function stampRange(csvPath: string): Promise<StampRange | undefined> {
  let rows;
  try {
    rows = await openCsvRows('session', csvPath);
  } catch {
    return undefined;
  }
  let firstNs: bigint | undefined;
  let lastNs: bigint | undefined;
  try {
    for (let row = await rows.next(); row !== undefined; row = await rows.next()) {
      const text = row.fields[0] ?? '';
      if (!/^\d{1,30}$/.test(text)) continue;
      const t = BigInt(text);
      firstNs ??= t;
      if (lastNs === undefined || t > lastNs) lastNs = t;
    }
  } finally {
    await rows.close();
  }
  return firstNs === undefined || lastNs === undefined ? undefined : { firstNs, lastNs };
}
