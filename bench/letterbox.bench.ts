/**
 * Letterbox + normalize to the YOLOX-Nano input (416×416, BGR, pad 114, top-left) from a real
 * EuRoC cam0 frame (752×480 GRAY8) and from an RGB8 frame (three consecutive EuRoC frames joined as
 * channels by sharp). Peers, in the same run on the same input:
 * - `native`: `letterboxSync` (Rust, fused, one pass over the output); `nativeAsync`: `letterbox`
 *   (the same on the libuv pool, awaited);
 * - `sharpJs`: what a user would write with sharp — `resize` (bilinear kernel) to the YOLOX size,
 *   `extend` with the pad colour, raw pixels, then a JS loop to float32 NCHW BGR;
 * - `js`: bilinear letterbox in plain JS (precomputed tap tables, one pass, float64 arithmetic);
 * - `memoryFloor`: writing the 2 MB tensor (`fill`) plus copying the frame: the memory traffic the
 *   kernel cannot avoid, for the `native/memoryFloor` ratio.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { YOLOX_NANO_LETTERBOX, letterbox, letterboxSync, letterboxTensorLength, type FrameView } from '../native/index.js';
import { timeTasks, type BenchOptions, type BenchResult, type BenchSuite, type Figure } from './harness.js';

const TW = YOLOX_NANO_LETTERBOX.targetWidth;
const TH = YOLOX_NANO_LETTERBOX.targetHeight;
const PAD = 114;

function frameDir(options: BenchOptions): string {
  return options.sharedDataDir === undefined
    ? join(options.rootDir, 'hal/sessions/sample/mav0/cam0/data')
    : resolve(options.rootDir, options.sharedDataDir, 'euroc_mh01_excerpt/mav0/cam0/data');
}

async function loadFrames(dir: string): Promise<{ gray: FrameView; rgb: FrameView; source: string }> {
  const paths = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, 3)
    .map((f) => join(dir, f));
  const [first, ...rest] = paths;
  if (first === undefined || rest.length < 2) throw new Error(`${dir}: need 3 PNG frames`);
  const g = await sharp(first).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const c = await sharp(first).joinChannel(rest).raw().toBuffer({ resolveWithObject: true });
  const view = (d: Buffer): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.length);
  return {
    gray: { data: view(g.data), widthPx: g.info.width, heightPx: g.info.height, format: 'GRAY8' },
    rgb: { data: view(c.data), widthPx: c.info.width, heightPx: c.info.height, format: 'RGB8' },
    source: first,
  };
}

/** YOLOX geometry: r = min(tw/w, th/h), resized floor(w·r) × floor(h·r). */
function resizedSize(f: FrameView): [number, number] {
  const r = Math.min(TW / f.widthPx, TH / f.heightPx);
  return [Math.min(TW, Math.floor(f.widthPx * r + 1e-6)), Math.min(TH, Math.floor(f.heightPx * r + 1e-6))];
}

/** sharp resize + extend, then the JS loop a user writes to get float32 NCHW BGR. */
async function sharpJs(f: FrameView, out: Float32Array): Promise<void> {
  const channels = f.format === 'GRAY8' ? 1 : 3;
  const [rw, rh] = resizedSize(f);
  const { data, info } = await sharp(f.data, { raw: { width: f.widthPx, height: f.heightPx, channels } })
    .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
    .extend({ right: TW - rw, bottom: TH - rh, background: { r: PAD, g: PAD, b: PAD } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const plane = TW * TH;
  for (let i = 0; i < plane; i++) {
    const p = i * ch;
    const r = data[p] as number;
    out[i] = ch === 1 ? r : (data[p + 2] as number); // B
    out[plane + i] = ch === 1 ? r : (data[p + 1] as number); // G
    out[2 * plane + i] = r; // R
  }
}

/** Tap tables for one axis (OpenCV INTER_LINEAR centres, clamped). */
function jsTaps(srcLen: number, dstLen: number): { i0: Int32Array; i1: Int32Array; w: Float64Array } {
  const i0 = new Int32Array(dstLen);
  const i1 = new Int32Array(dstLen);
  const w = new Float64Array(dstLen);
  for (let d = 0; d < dstLen; d++) {
    const s = ((d + 0.5) * srcLen) / dstLen - 0.5;
    const i = Math.floor(s);
    const [a, b, f] = s < 0 ? [0, 0, 0] : i >= srcLen - 1 ? [srcLen - 1, srcLen - 1, 0] : [i, i + 1, s - i];
    i0[d] = a;
    i1[d] = b;
    w[d] = f;
  }
  return { i0, i1, w };
}

/** Plain-JS letterbox to BGR NCHW (top-left, pad 114, mean 0, scale 1). */
function jsLetterbox(f: FrameView, out: Float32Array): void {
  const bpp = f.format === 'GRAY8' ? 1 : 3;
  const stride = f.widthPx * bpp;
  const [rw, rh] = resizedSize(f);
  const xt = jsTaps(f.widthPx, rw);
  const yt = jsTaps(f.heightPx, rh);
  const plane = TW * TH;
  out.fill(PAD);
  const src = f.data;
  for (let y = 0; y < rh; y++) {
    const r0 = (yt.i0[y] as number) * stride;
    const r1 = (yt.i1[y] as number) * stride;
    const fy = yt.w[y] as number;
    for (let x = 0; x < rw; x++) {
      const a = (xt.i0[x] as number) * bpp;
      const b = (xt.i1[x] as number) * bpp;
      const fx = xt.w[x] as number;
      const o = y * TW + x;
      for (let c = 0; c < 3; c++) {
        const k = bpp === 1 ? 0 : 2 - c; // output BGR from RGB bytes
        const top = (src[r0 + a + k] as number) + ((src[r0 + b + k] as number) - (src[r0 + a + k] as number)) * fx;
        const bottom = (src[r1 + a + k] as number) + ((src[r1 + b + k] as number) - (src[r1 + a + k] as number)) * fx;
        out[c * plane + o] = top + (bottom - top) * fy;
      }
    }
  }
}

const suite: BenchSuite = {
  name: 'letterbox',
  async run(options: BenchOptions): Promise<BenchResult> {
    const { gray, rgb, source } = await loadFrames(frameDir(options));
    const timeMs = options.quick ? 150 : 1500;
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    for (const [kind, frame] of [['gray', gray], ['rgb', rgb]] as const) {
      const out = new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX));
      const copy = new Uint8Array(frame.data.length);
      const timings = await timeTasks(
        {
          native: () => letterboxSync(frame, YOLOX_NANO_LETTERBOX, out),
          nativeAsync: () => letterbox(frame, YOLOX_NANO_LETTERBOX, out),
          sharpJs: () => sharpJs(frame, out),
          js: () => jsLetterbox(frame, out),
          memoryFloor: () => {
            out.fill(PAD);
            copy.set(frame.data);
          },
        },
        { timeMs },
      );
      const mean: Record<string, number> = {};
      for (const t of timings) {
        mean[t.name] = t.meanNs;
        figures[`${kind}.${t.name}.meanUs`] = { value: t.meanNs / 1e3, unit: 'µs' };
        figures[`${kind}.${t.name}.p99Us`] = { value: t.p99Ns / 1e3, unit: 'µs' };
      }
      const native = mean.native as number;
      ratios[`${kind}.sharpJs/native`] = (mean.sharpJs as number) / native;
      ratios[`${kind}.js/native`] = (mean.js as number) / native;
      ratios[`${kind}.native/memoryFloor`] = native / (mean.memoryFloor as number);
    }
    return {
      name: 'letterbox',
      description: `YOLOX-Nano letterbox (416×416 BGR float32 NCHW) of ${gray.widthPx}×${gray.heightPx} frames (${source} as GRAY8; 3 frames joined as RGB8)`,
      figures,
      ratios,
      notes: [
        'ratios sharpJs/native and js/native are speed-ups of native (>1: native faster); native/memoryFloor is how many times the unavoidable memory traffic native takes',
        'sharp (libvips) may use several threads; native and js use one',
      ],
    };
  },
};

export default suite;
