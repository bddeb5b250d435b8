/**
 * Real frames for the image kernels' tests and benchmarks, from `../shared/data` (EuRoC MAV MH_01 excerpt,
 * ASL/ETH Zurich; Intel IoT DevKit sample videos, CC BY 4.0 — see their PROVENANCE.md):
 * - EuRoC cam0 frames (752×480 GRAY8 PNG), decoded by sharp;
 * - a colour frame of `video/one-by-one-person-detection.mp4` at 40 s (768×432 RGB8), cut with ffmpeg;
 * - the 1280×720 RGBA8 letterbox input: there is no real 1280×720 recording, so it is that same real video
 *   frame decoded by ffmpeg and upscaled to 1280×720 (bicubic, `-vf scale=1280:720`). Without ffmpeg,
 *   three consecutive EuRoC frames joined as R, G, B (+ opaque alpha) and upscaled by sharp.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FrameView } from '../../native/index.js';

/**
 * Equidistant (Kannala–Brandt) coefficients k1..k4 of the TUM VI cam0 calibration (Schubert et al., "The
 * TUM VI Benchmark for Evaluating Visual-Inertial Odometry", IROS 2018; Kalibr `equidistant`). The shared
 * data has no fisheye calibration: the equidistant kernels are checked with these on the EuRoC intrinsics.
 */
export const TUM_VI_EQUIDISTANT = [0.0034823894022493434, 0.0007150348452162257, -0.0020532361418706202, 0.00020293673591811182] as const;

export const PERSON_VIDEO = 'video/one-by-one-person-detection.mp4';
export const PERSON_TIME_S = 40;

const view = (d: Buffer): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.length);

/** Paths of the EuRoC cam0 PNG frames under `sharedDataDir`, in time order. */
export function eurocFramePaths(sharedDataDir: string): string[] {
  const dir = join(sharedDataDir, 'euroc_mh01_excerpt/mav0/cam0/data');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
}

/** A EuRoC cam0 frame as GRAY8. */
export async function eurocGray(path: string): Promise<FrameView> {
  const { data, info } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: view(data), widthPx: info.width, heightPx: info.height, format: 'GRAY8' };
}

function ffmpeg(sharedDataDir: string, extra: readonly string[]): Buffer | undefined {
  const input = join(sharedDataDir, PERSON_VIDEO);
  const args = ['-hide_banner', '-loglevel', 'error', '-ss', String(PERSON_TIME_S), '-i', input, '-frames:v', '1', ...extra, '-'];
  const run = spawnSync('ffmpeg', args, { maxBuffer: 64 << 20 });
  return run.error === undefined && run.status === 0 ? run.stdout : undefined;
}

/** The person-video frame at 40 s as RGB8 (768×432); undefined without ffmpeg. */
export function personRgb(sharedDataDir: string): FrameView | undefined {
  const raw = ffmpeg(sharedDataDir, ['-f', 'rawvideo', '-pix_fmt', 'rgb24']);
  return raw === undefined ? undefined : { data: view(raw), widthPx: 768, heightPx: 432, format: 'RGB8' };
}

/** The 1280×720 RGBA8 letterbox input (module docs) and where it comes from. */
export async function frame1280x720Rgba(sharedDataDir: string): Promise<{ frame: FrameView; source: string }> {
  const raw = ffmpeg(sharedDataDir, ['-vf', 'scale=1280:720:flags=bicubic', '-f', 'rawvideo', '-pix_fmt', 'rgba']);
  if (raw !== undefined) {
    const frame: FrameView = { data: view(raw), widthPx: 1280, heightPx: 720, format: 'RGBA8' };
    return { frame, source: `${PERSON_VIDEO} at ${PERSON_TIME_S} s (768×432), decoded and upscaled to 1280×720 by ffmpeg` };
  }
  const [a, b, c] = eurocFramePaths(sharedDataDir).slice(100, 103);
  if (a === undefined || b === undefined || c === undefined) throw new Error(`${sharedDataDir}: EuRoC cam0 frames missing`);
  const joined = await sharp(a).joinChannel([b, c]).raw().toBuffer({ resolveWithObject: true });
  const { data } = await sharp(joined.data, { raw: { width: joined.info.width, height: joined.info.height, channels: 3 } })
    .resize(1280, 720, { fit: 'fill', kernel: 'cubic' })
    .ensureAlpha(1)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { frame: { data: view(data), widthPx: 1280, heightPx: 720, format: 'RGBA8' }, source: 'EuRoC cam0 frames 100-102 as R, G, B, upscaled to 1280×720 by sharp (ffmpeg missing)' };
}

/** A packed frame as the oracles take it (`bench/oracle/image_common.py` `frame`). */
export function oracleFrame(f: FrameView): { data: string; width: number; height: number; format: string } {
  return { data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64'), width: f.widthPx, height: f.heightPx, format: f.format };
}
