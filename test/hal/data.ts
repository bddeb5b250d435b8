/**
 * Paths of the real recordings the HAL tests replay (`../shared/data` from the project root, see its
 * README.md and each folder's PROVENANCE.md), an independent plain reader of their CSV files to compute the
 * expected values, and temporary folders for damaged copies.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import type { CameraFrame } from '../../hal/types.js';

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/data` relative to the project root. */
export const SHARED_DATA = resolve(ROOT, '../shared/data');

export const MH01 = join(SHARED_DATA, 'euroc_mh01_excerpt');
export const MH01_CAM0 = join(MH01, 'mav0/cam0');
export const MH01_IMU0 = join(MH01, 'mav0/imu0');
export const MH01_GT = join(MH01, 'mav0/state_groundtruth_estimate0');
export const V101 = join(SHARED_DATA, 'euroc_v1_01_imu_gt');
export const V101_IMU0 = join(V101, 'mav0/imu0');
export const JFK_WAV = join(SHARED_DATA, 'audio/jfk.wav');
export const SILERO_WAV = join(SHARED_DATA, 'audio/silero_vad_test.wav');
export const PERSON_MP4 = join(SHARED_DATA, 'video/one-by-one-person-detection.mp4');
export const ASL_AGAIN_MKV = join(SHARED_DATA, 'video/asl_gestures/again.mkv');
export const RPI_TEMP_1 = join(SHARED_DATA, 'traces/rpi4_thermal/rpi4b_1_temp_bench.csv');
export const RPI_TEMP_2 = join(SHARED_DATA, 'traces/rpi4_thermal/rpi4b_2_temp_bench.csv');
export const UPS_BATTERY = join(SHARED_DATA, 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv');

/** A data line of a CSV file: 1-based line number and fields (split on `,`, quotes removed). */
export interface PlainRow {
  readonly line: number;
  readonly fields: string[];
}

/** Reads a CSV file the simple way (no csv-parse), skipping `#` and empty lines. */
export async function plainCsv(path: string): Promise<PlainRow[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .map((raw, i) => ({ line: i + 1, fields: raw.trim().split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1')) }))
    .filter((r) => r.fields.join('') !== '' && !(r.fields[0] ?? '').startsWith('#'));
}

/** The field of `row` at `index` (fails loudly when missing). */
export function field(row: PlainRow | undefined, index: number): string {
  const value = row?.fields[index];
  if (value === undefined) throw new Error(`row has no field ${index}`);
  return value;
}

/** A fresh temporary folder and a function that removes it. */
export async function tmpFolder(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `karana-hal-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Reads every sample of an opened device; SampleErrors are collected instead of thrown. */
export async function drain<T>(device: { read(): Promise<T | null> }, limit = Number.POSITIVE_INFINITY): Promise<{ samples: T[]; errors: Error[] }> {
  const samples: T[] = [];
  const errors: Error[] = [];
  while (samples.length < limit) {
    try {
      const s = await device.read();
      if (s === null) break;
      samples.push(s);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'SampleError') throw err;
      errors.push(err);
    }
  }
  return { samples, errors };
}

/**
 * Calls `each` with every frame of a video (`VideoCamera`, ffmpeg) whose sequence number is at most `lastSeq`,
 * in order, and closes the video whatever happens.
 */
export async function forEachVideoFrame(path: string, lastSeq: number, each: (frame: CameraFrame) => void | Promise<void>): Promise<void> {
  const video = new VideoCamera({ id: 'person-video', path });
  await video.open();
  try {
    for (let f = await video.read(); f !== null && f.seq <= lastSeq; f = await video.read()) await each(f);
  } finally {
    await video.close();
  }
}
