/**
 * `karana detect FILE`: the detector alone on an image (PNG, JPEG, WebP… via sharp) or a video (via
 * ffmpeg), detections per frame as text or JSON lines (`--json`).
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import type { CameraFrame } from '../../hal/types.js';
import type { Detection } from '../bus/topics.js';
import { YoloxDetector } from '../layers/intelligence/yolox-detector.js';

export interface DetectCommandOptions {
  readonly json: boolean;
  readonly scoreThreshold: number;
  /** Video: detect every n-th frame. */
  readonly every: number;
  /** Video: stop after this many frames (0 = all). */
  readonly maxFrames: number;
}

export interface FrameDetections {
  readonly frame: number;
  readonly timeS: number;
  readonly objects: readonly Detection[];
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif', '.avif']);

/** Decode an image file to an RGB8 frame. Throws naming the file when sharp cannot read it. */
export async function readImageFrame(file: string): Promise<CameraFrame> {
  try {
    const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { seq: 0, deviceTimeNs: 0n, widthPx: info.width, heightPx: info.height, format: 'RGB8', strideBytes: info.width * 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new Error(`${file}: cannot decode image: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export async function detectCommand(file: string, options: DetectCommandOptions): Promise<FrameDetections[]> {
  const detector = await YoloxDetector.load({ scoreThreshold: options.scoreThreshold });
  const results: FrameDetections[] = [];
  const emit = (r: FrameDetections): void => {
    results.push(r);
    if (options.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(`frame ${r.frame} (${r.timeS.toFixed(3)} s): ${r.objects.map((o) => `${o.label} ${o.score.toFixed(2)} [${o.boxPx.map((v) => v.toFixed(0)).join(', ')}]`).join('; ') || 'nothing'}\n`);
  };
  try {
    if (IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) {
      emit({ frame: 0, timeS: 0, objects: await detector.detect(await readImageFrame(file)) });
    } else {
      const video = new VideoCamera({ id: 'video', path: file, role: 'world' });
      await video.open();
      try {
        for (let frame = await video.read(); frame !== null; frame = await video.read()) {
          if (options.maxFrames > 0 && frame.seq >= options.maxFrames) break;
          if (frame.seq % options.every !== 0) continue;
          emit({ frame: frame.seq, timeS: Number(frame.deviceTimeNs) / 1e9, objects: await detector.detect(frame) });
        }
      } finally {
        await video.close();
      }
    }
    if (!options.json) {
      const s = detector.stats();
      process.stderr.write(`${s.inferences} frames, letterbox + inference + decode p50 ${(s.total.p50Ns / 1e6).toFixed(1)} ms, p99 ${(s.total.p99Ns / 1e6).toFixed(1)} ms\n`);
    }
    return results;
  } finally {
    await detector.close();
  }
}
