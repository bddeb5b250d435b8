/**
 * Bad input at run time: a missing file, a truncated CSV, a corrupt PNG. Each gives a clear error naming the
 * file and the line or frame; the run goes on with the other devices and the report counts what was skipped.
 * Fixtures are damaged copies of real recordings (the EuRoC MH_01 excerpt, jfk.wav).
 */
import { copyFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import type { RunReport } from '../../src/runtime/report.js';
import { MH01, MH01_IMU0, tmpFolder } from '../hal/data.js';
import { buildCameraFolder } from '../hal/fixtures.js';
import { quietRun } from './helpers.js';

const FRAMES = 40;
const CORRUPT_FRAME = 12;
let dir = '';
let remove: () => Promise<void> = async () => undefined;
let report: RunReport;
let imuCsv = '';
let corruptPng = '';
let imuLines = 0;

/** A session over 2 s of MH_01 with a corrupt frame, an IMU file cut mid-line and a missing WAV. */
beforeAll(async () => {
  ({ dir, remove } = await tmpFolder('karana-bad-'));
  const frames = await buildCameraFolder(join(dir, 'cam0'), FRAMES);
  corruptPng = (frames[CORRUPT_FRAME] as { file: string }).file;
  await truncate(corruptPng, 3000); // a PNG cut after its first IDAT bytes
  await mkdir(join(dir, 'imu0'), { recursive: true });
  await copyFile(join(MH01_IMU0, 'sensor.yaml'), join(dir, 'imu0/sensor.yaml'));
  // IMU rows of the first second of the span, the last row cut in half.
  const rows = (await readFile(join(MH01_IMU0, 'data.csv'), 'utf8')).split('\n');
  const start = BigInt(frames[0]?.tNs ?? 0n);
  const inFirstSecond = (r: string): boolean => r !== '' && BigInt(r.split(',')[0] ?? '0') >= start && BigInt(r.split(',')[0] ?? '0') <= start + 1_000_000_000n;
  const keep = rows.filter((r, i) => i === 0 || inFirstSecond(r));
  const last = keep.pop() as string;
  imuCsv = join(dir, 'imu0/data.csv');
  await writeFile(imuCsv, `${keep.join('\n')}\n${last.slice(0, Math.floor(last.length / 2))}`);
  imuLines = keep.length + 1;
  await writeFile(
    join(dir, 'session.toml'),
    [
      'name = "damaged"',
      `startNs = "${frames[0]?.tNs}"`,
      'durationS = 1.95',
      '[[devices]]\nid = "cam0"\nkind = "camera"\ndriver = "euroc-camera"\npath = "cam0"',
      '[[devices]]\nid = "imu0"\nkind = "imu"\ndriver = "euroc-imu"\npath = "imu0"',
      '[[devices]]\nid = "mic"\nkind = "audio"\ndriver = "wav-audio"\npath = "audio/missing.wav"',
      `[groundtruth]\ndriver = "euroc-groundtruth"\npath = "${join(MH01, 'mav0/state_groundtruth_estimate0')}"`,
    ].join('\n'),
  );
  report = await runCommand({ ...quietRun, session: join(dir, 'session.toml') });
});

afterAll(async () => remove());

describe('bad input during a run', () => {
  it('a corrupt PNG: the frame is skipped with an error naming the file and the frame, the others are replayed', () => {
    expect(report.devices.cam0).toMatchObject({ samples: FRAMES - 1, skipped: 1, state: 'ended' });
    expect(report.devices.cam0?.skipMessages).toEqual([`cam0: ${corruptPng} frame ${CORRUPT_FRAME}: cannot decode image: vipspng: libpng read error`]);
  });

  it('a truncated CSV: the cut line is skipped with an error naming file:line, every sample before it is replayed', () => {
    expect(report.devices.imu0).toMatchObject({ samples: imuLines - 2, skipped: 1, state: 'ended' });
    expect(report.devices.imu0?.skipMessages[0]).toMatch(new RegExp(`^imu0: ${imuCsv}:${imuLines}: expected 7 fields`));
  });

  it('a missing file: that device is reported failed with the path, the run goes on without it', () => {
    expect(report.devices.mic).toMatchObject({ kind: 'audio', samples: 0, state: 'failed' });
    expect(report.devices.mic?.message).toContain(join(dir, 'audio/missing.wav'));
    expect(report.orientation.poses).toBeGreaterThan(150);
    expect(report.orientation.errorVsGroundTruth).not.toBeNull();
  });
});
