/**
 * Real recordings for the native-core tests, read from `../shared/data` (see its README and the
 * PROVENANCE.md of each folder: EuRoC MAV MH_01_easy excerpt, ASL/ETH Zurich; BROAD trials,
 * Laidig et al. 2021, CC BY 4.0; YOLOX-Nano, Megvii, Apache-2.0).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { FrameView } from '../../native/index.js';

/** `../shared/data` relative to the repository root. */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA, 'README.md'));

export const EUROC_CAM0 = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/cam0/data');
export const EUROC_IMU = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/imu0/data.csv');
export const YOLOX_NANO_ONNX = join(SHARED_DATA, 'models/yolox_nano/yolox_nano.onnx');

/** Paths of the EuRoC cam0 frames, in time order. */
export function eurocFramePaths(): string[] {
  return readdirSync(EUROC_CAM0)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(EUROC_CAM0, f));
}

/** A PNG decoded by sharp to GRAY8 (EuRoC cam0 is 752×480 8-bit gray). */
export async function decodeGray(path: string): Promise<FrameView> {
  const { data, info } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${path}: expected 1 channel, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), widthPx: info.width, heightPx: info.height, format: 'GRAY8' };
}

/**
 * A colour frame with distinct real content per channel: sharp joins 3 (RGB8) or 4 (RGBA8)
 * consecutive EuRoC frames as channels, so a channel-order mistake cannot go unnoticed.
 */
export async function decodeJoined(paths: readonly string[], format: 'RGB8' | 'RGBA8'): Promise<FrameView> {
  const n = format === 'RGB8' ? 3 : 4;
  const [first, ...rest] = paths.slice(0, n);
  if (first === undefined || rest.length !== n - 1) throw new Error(`need ${n} frames`);
  const { data, info } = await sharp(first).joinChannel(rest).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== n) throw new Error(`expected ${n} channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), widthPx: info.width, heightPx: info.height, format };
}

/** The same pixels as BGR8 (bytes 0 and 2 of each pixel swapped). */
export function toBgr(rgb: FrameView): FrameView {
  const data = Uint8Array.from(rgb.data);
  for (let i = 0; i < data.length; i += 3) {
    const r = data[i] as number;
    data[i] = data[i + 2] as number;
    data[i + 2] = r;
  }
  return { ...rgb, data, format: 'BGR8' };
}

/**
 * One frame of a `video/` clip at `timeS` as RGB8, cut with ffmpeg (PNG through a pipe, decoded by
 * sharp); undefined when ffmpeg is not installed (it is not a project dependency).
 */
export async function cutVideoFrame(name: string, timeS: number): Promise<FrameView | undefined> {
  const args = ['-hide_banner', '-loglevel', 'error', '-ss', String(timeS), '-i', join(SHARED_DATA, 'video', name), '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'];
  const run = spawnSync('ffmpeg', args, { maxBuffer: 64 << 20 });
  if (run.error !== undefined || run.status !== 0) return undefined;
  const { data, info } = await sharp(run.stdout).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), widthPx: info.width, heightPx: info.height, format: 'RGB8' };
}

/** A copy with `extra` padding bytes after each row (a strided frame). */
export function withStride(frame: FrameView, extra: number): FrameView {
  const bpp = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 }[frame.format];
  const row = frame.widthPx * bpp;
  const stride = row + extra;
  const data = new Uint8Array(stride * frame.heightPx).fill(0xee);
  for (let y = 0; y < frame.heightPx; y++) data.set(frame.data.subarray(y * row, (y + 1) * row), y * stride);
  return { ...frame, data, strideBytes: stride };
}

/** IMU samples as the native API takes them. */
export interface ImuRecording {
  readonly timestampsNs: Float64Array;
  readonly gyroRadps: Float64Array;
  readonly accelMps2: Float64Array;
  readonly magUt?: Float64Array;
}

/**
 * EuRoC `imu0/data.csv` (ADIS16448, 200 Hz): timestamps made relative to the first row (exact
 * integer ns in a float64; the absolute UNIX ns would lose 256 ns of precision).
 */
export function loadEurocImu(): ImuRecording {
  const rows = readFileSync(EUROC_IMU, 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const n = rows.length;
  const t = new Float64Array(n);
  const gyro = new Float64Array(3 * n);
  const accel = new Float64Array(3 * n);
  let t0: bigint | undefined;
  rows.forEach((line, i) => {
    const f = line.split(',');
    const ns = BigInt(f[0] as string);
    t0 ??= ns;
    t[i] = Number(ns - t0);
    for (let k = 0; k < 3; k++) {
      gyro[3 * i + k] = Number(f[1 + k]);
      accel[3 * i + k] = Number(f[4 + k]);
    }
  });
  return { timestampsNs: t, gyroRadps: gyro, accelMps2: accel };
}

/** A BROAD trial: IMU with magnetometer, plus the optical reference (NaN when occluded). */
export interface BroadTrial extends ImuRecording {
  readonly magUt: Float64Array;
  /** Optical reference `[w, x, y, z]` per sample (wrt ENU), NaN when not available. */
  readonly refQuat: Float64Array;
  /** 1 for the samples BROAD scores. */
  readonly movement: Uint8Array;
}

/** `imu_broad/<name>.csv` (285.714 Hz; time from the `time_s` column, rounded to ns). */
export function loadBroad(name: string): BroadTrial {
  const rows = readFileSync(join(SHARED_DATA, 'imu_broad', `${name}.csv`), 'utf8').split('\n');
  const data = rows.slice(1).filter((l) => l.length > 0);
  const n = data.length;
  const out = {
    timestampsNs: new Float64Array(n),
    gyroRadps: new Float64Array(3 * n),
    accelMps2: new Float64Array(3 * n),
    magUt: new Float64Array(3 * n),
    refQuat: new Float64Array(4 * n),
    movement: new Uint8Array(n),
  };
  data.forEach((line, i) => {
    const f = line.split(',').map(Number);
    out.timestampsNs[i] = Math.round((f[0] as number) * 1e9);
    for (let k = 0; k < 3; k++) {
      out.gyroRadps[3 * i + k] = f[1 + k] as number;
      out.accelMps2[3 * i + k] = f[4 + k] as number;
      out.magUt[3 * i + k] = f[7 + k] as number;
    }
    for (let k = 0; k < 4; k++) out.refQuat[4 * i + k] = f[10 + k] as number;
    out.movement[i] = f[17] as number;
  });
  return out;
}
