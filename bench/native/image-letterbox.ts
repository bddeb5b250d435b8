/**
 * Letterbox + normalize to float32 NCHW (YOLOX style: BGR planes, pad 114, top-left, 0–255) against the
 * peers, on real frames: the 1280×720 RGBA8 input (`image-frames.ts`) to 416×416 and 640×640, and a EuRoC
 * cam0 frame (752×480 GRAY8) to 416×416 (the detector's case). Per input, in one run:
 * - `native`: `letterboxSync` (tinybench p50 and mean); `nativeAsync`: `letterbox` (libuv pool, awaited);
 * - `opencv`: `cv2.resize` + `cv2.cvtColor` + `cv2.copyMakeBorder` + `cv2.dnn.blobFromImage`, single-threaded,
 *   median and best of repeated `perf_counter_ns` spans in Python (`bench/oracle/image_letterbox.py`);
 * - `sharpJs`: what a Node user writes with sharp — `resize` (bilinear) to the fitted size, `extend` with the
 *   pad colour, raw pixels, then a JS loop to float32 NCHW BGR (sharp may use both cores);
 * - `js`: the letterbox in plain JS (precomputed taps, float64);
 * - `floor`: `memoryFloorNs` of the bytes the kernel must move: the source pixels it reads (the distinct tap
 *   rows × the distinct tap columns × bytes per pixel) plus the tensor it writes. `floorLines` counts the
 *   source by whole rows instead (at a 3× shrink every 64-byte cache line of a tapped row is fetched).
 * Ratios: `<peer>/native` speed-ups of native (> 1: native faster), p50 against the peer's p50 / median;
 * `native/floor` how many times the memory floor native takes (p50).
 */
import sharp from 'sharp';
import { letterbox, letterboxSync, letterboxTensorLength, type FrameView, type LetterboxOptions } from '../../native/index.js';
import { timeTasks, type Figure } from '../harness.js';
import { oracleAvailable, runOracle } from '../oracle/python.js';
import { oracleFrame } from './image-frames.js';
import { memoryFloorNs } from './machine.js';
import type { Machine } from './types.js';

const PAD = 114;
const BPP = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 } as const;

/** YOLOX geometry: r = min(tw/w, th/h), resized floor(w·r) × floor(h·r). */
function fitted(f: FrameView, t: number): [number, number] {
  const r = Math.min(t / f.widthPx, t / f.heightPx);
  return [Math.min(t, Math.floor(f.widthPx * r + 1e-6)), Math.min(t, Math.floor(f.heightPx * r + 1e-6))];
}

/** Bilinear taps (OpenCV INTER_LINEAR centres, clamped): left index, right index, weight. */
function taps(srcLen: number, dstLen: number): { i0: Int32Array; i1: Int32Array; w: Float64Array } {
  const [i0, i1, w] = [new Int32Array(dstLen), new Int32Array(dstLen), new Float64Array(dstLen)];
  for (let d = 0; d < dstLen; d++) {
    const s = ((d + 0.5) * srcLen) / dstLen - 0.5;
    const i = Math.floor(s);
    const [a, b, f] = s < 0 ? [0, 0, 0] : i >= srcLen - 1 ? [srcLen - 1, srcLen - 1, 0] : [i, i + 1, s - i];
    [i0[d], i1[d], w[d]] = [a, b, f];
  }
  return { i0, i1, w };
}

/** Bytes the kernel must read: distinct tap rows × distinct tap columns (or whole rows) × bytes per pixel. */
export function touchedSourceBytes(f: FrameView, t: number, wholeRows: boolean): number {
  const [rw, rh] = fitted(f, t);
  const distinct = (x: { i0: Int32Array; i1: Int32Array; w: Float64Array }): number => new Set([...x.i0, ...Array.from(x.i1).filter((_, k) => (x.w[k] as number) > 0)]).size;
  const rows = distinct(taps(f.heightPx, rh));
  return rows * (wholeRows ? f.widthPx : distinct(taps(f.widthPx, rw))) * BPP[f.format];
}

/** Plain-JS letterbox to BGR NCHW (top-left, pad 114, mean 0, scale 1). */
function jsLetterbox(f: FrameView, t: number, out: Float32Array): void {
  const bpp = BPP[f.format];
  const stride = f.widthPx * bpp;
  const [rw, rh] = fitted(f, t);
  const [xt, yt] = [taps(f.widthPx, rw), taps(f.heightPx, rh)];
  const plane = t * t;
  out.fill(PAD);
  const src = f.data;
  for (let y = 0; y < rh; y++) {
    const [r0, r1, fy] = [(yt.i0[y] as number) * stride, (yt.i1[y] as number) * stride, yt.w[y] as number];
    for (let x = 0; x < rw; x++) {
      const [a, b, fx] = [(xt.i0[x] as number) * bpp, (xt.i1[x] as number) * bpp, xt.w[x] as number];
      for (let c = 0; c < 3; c++) {
        const k = bpp === 1 ? 0 : 2 - c; // BGR planes from RGB(A) bytes
        const top = (src[r0 + a + k] as number) + ((src[r0 + b + k] as number) - (src[r0 + a + k] as number)) * fx;
        const bottom = (src[r1 + a + k] as number) + ((src[r1 + b + k] as number) - (src[r1 + a + k] as number)) * fx;
        out[c * plane + y * t + x] = top + (bottom - top) * fy;
      }
    }
  }
}

/** sharp resize + extend, then the JS loop a user writes to get float32 NCHW BGR. */
async function sharpJs(f: FrameView, t: number, out: Float32Array): Promise<void> {
  const [rw, rh] = fitted(f, t);
  let img = sharp(f.data, { raw: { width: f.widthPx, height: f.heightPx, channels: BPP[f.format] } }).resize(rw, rh, { fit: 'fill', kernel: 'linear' });
  if (f.format === 'RGBA8') img = img.removeAlpha();
  const { data, info } = await img.extend({ right: t - rw, bottom: t - rh, background: { r: PAD, g: PAD, b: PAD } }).raw().toBuffer({ resolveWithObject: true });
  const [ch, plane] = [info.channels, t * t];
  for (let i = 0; i < plane; i++) {
    const p = i * ch;
    const r = data[p] as number;
    out[i] = ch === 1 ? r : (data[p + 2] as number);
    out[plane + i] = ch === 1 ? r : (data[p + 1] as number);
    out[2 * plane + i] = r;
  }
}

export interface LetterboxInput {
  readonly name: string;
  readonly frame: FrameView;
  readonly target: number;
}

/** Figures and ratios of one input (module docs). */
export async function benchLetterbox(input: LetterboxInput, machine: Machine, timeMs: number, repeats: number): Promise<{ figures: Record<string, Figure>; ratios: Record<string, number> }> {
  const { name, frame, target: t } = input;
  const options: LetterboxOptions = { targetWidth: t, targetHeight: t, padValue: PAD, channelOrder: 'BGR', align: 'topLeft' };
  const [out, outAsync, outPeer] = [0, 1, 2].map(() => new Float32Array(letterboxTensorLength(options))) as [Float32Array, Float32Array, Float32Array];
  const timings = await timeTasks(
    {
      native: () => letterboxSync(frame, options, out),
      nativeAsync: () => letterbox(frame, options, outAsync),
      sharpJs: () => sharpJs(frame, t, outPeer),
      js: () => jsLetterbox(frame, t, outPeer),
    },
    { timeMs },
  );
  const figures: Record<string, Figure> = {};
  const p50: Record<string, number> = {};
  const us = (ns: number): Figure => ({ value: ns / 1e3, unit: 'µs' });
  for (const x of timings) {
    p50[x.name] = x.p50Ns;
    figures[`letterbox.${name}.${x.name}.p50Us`] = us(x.p50Ns);
    figures[`letterbox.${name}.${x.name}.meanUs`] = us(x.meanNs);
  }
  const written = 4 * letterboxTensorLength(options);
  const floor = memoryFloorNs(machine, touchedSourceBytes(frame, t, false), written);
  const floorLines = memoryFloorNs(machine, touchedSourceBytes(frame, t, true), written);
  figures[`letterbox.${name}.floor.us`] = us(floor);
  figures[`letterbox.${name}.floorLines.us`] = us(floorLines);
  figures[`letterbox.${name}.sourceReadBytes`] = { value: touchedSourceBytes(frame, t, false), unit: 'B' };
  figures[`letterbox.${name}.memcpyRate`] = { value: machine.memcpyBytesPerS(touchedSourceBytes(frame, t, false) + written) / 1e9, unit: 'GB/s' };
  const native = p50.native as number;
  const ratios: Record<string, number> = {
    [`letterbox.${name}.native/floor`]: native / floor,
    [`letterbox.${name}.native/floorLines`]: native / floorLines,
    [`letterbox.${name}.sharpJs/native`]: (p50.sharpJs as number) / native,
    [`letterbox.${name}.js/native`]: (p50.js as number) / native,
  };
  if (oracleAvailable()) {
    const c = { frame: name, ...options, mean: [0, 0, 0], scale: [1, 1, 1] };
    const r = runOracle<{ results: { medianUs: number; bestUs: number }[] }>('image_letterbox.py', { frames: { [name]: oracleFrame(frame) }, cases: [c], repeats }).results[0];
    if (r !== undefined) {
      figures[`letterbox.${name}.opencv.medianUs`] = { value: r.medianUs, unit: 'µs' };
      figures[`letterbox.${name}.opencv.bestUs`] = { value: r.bestUs, unit: 'µs' };
      ratios[`letterbox.${name}.opencv/native`] = (r.medianUs * 1e3) / native;
    }
  }
  return { figures, ratios };
}
