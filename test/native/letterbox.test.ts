/**
 * letterboxSync / letterbox against (1) the pure-TS exact-bilinear reference on real EuRoC frames
 * (sharp-decoded GRAY8; RGB8/RGBA8 made by sharp joining consecutive frames as channels; BGR8 by
 * swapping) and, when ffmpeg is installed, a real colour video frame — within 255 · 2⁻¹⁵ grey level
 * times the scale (the 14-bit horizontal weights); (2) the OpenCV pipeline a Python user writes
 * (`cv2.resize` INTER_LINEAR + `cv2.copyMakeBorder` + `cv2.dnn.blobFromImage`,
 * `bench/oracle/image_letterbox.py`) on real frames, the 1280×720 RGBA input included — within 1/255
 * of the 0–255 range (1.0 for mean 0, scale 1); measured 0.76.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  YOLOX_NANO_LETTERBOX,
  letterbox,
  letterboxSync,
  letterboxTensorLength,
  type FrameView,
  type LetterboxOptions,
} from '../../native/index.js';
import { decodeFloat32, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { frame1280x720Rgba, oracleFrame, personRgb } from '../../bench/native/image-frames.js';
import { HAS_SHARED_DATA, SHARED_DATA, cutVideoFrame, decodeGray, decodeJoined, eurocFramePaths, toBgr, withStride } from './data.js';
import { letterboxReference } from './letterbox-reference.js';

/** Index of the first element that differs, -1 when identical (faster than `toEqual` on 0.5 M values). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((v, i) => !Object.is(v, b[i]));
}

/** Largest |native − reference| over the tensor. */
function maxAbsDiff(native: Float32Array, reference: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs((native[i] as number) - (reference[i] as number)));
  return worst;
}

/** Bound of the 14-bit horizontal weights (≤ 255 · 2⁻¹⁵ grey level), in output units, plus float rounding. */
function tolerance(o: LetterboxOptions): number {
  return (255 / 32768) * Math.max(...(o.scale ?? [1, 1, 1]).map(Math.abs)) + 1e-4;
}

const IMAGENET: LetterboxOptions = {
  targetWidth: 320,
  targetHeight: 320,
  padValue: 0,
  channelOrder: 'RGB',
  mean: [123.675, 116.28, 103.53],
  scale: [1 / 58.395, 1 / 57.12, 1 / 57.375],
  align: 'center',
};
/** Upscaling, odd sizes, portrait canvas. */
const ODD_UPSCALE: LetterboxOptions = { targetWidth: 801, targetHeight: 1203, channelOrder: 'BGR', align: 'center', padValue: 7 };

describe.skipIf(!HAS_SHARED_DATA)('letterbox on real EuRoC frames', () => {
  const frames: Record<string, FrameView> = {};

  beforeAll(async () => {
    const paths = eurocFramePaths().slice(100, 104);
    frames.GRAY8 = await decodeGray(paths[0] as string);
    frames.RGB8 = await decodeJoined(paths, 'RGB8');
    frames.RGBA8 = await decodeJoined(paths, 'RGBA8');
    frames.BGR8 = toBgr(frames.RGB8);
  });

  for (const format of ['GRAY8', 'RGB8', 'BGR8', 'RGBA8'] as const) {
    for (const [name, options] of [
      ['YOLOX-Nano', YOLOX_NANO_LETTERBOX],
      ['ImageNet-normalized centre', IMAGENET],
      ['odd-size upscale', ODD_UPSCALE],
    ] as const) {
      it(`${format}, ${name}: within the 14-bit weight bound of the reference, same geometry`, () => {
        const frame = frames[format] as FrameView;
        const out = new Float32Array(letterboxTensorLength(options));
        const result = letterboxSync(frame, options, out);
        const want = letterboxReference(frame, options);
        expect(result).toEqual(want.result);
        expect(maxAbsDiff(out, want.tensor)).toBeLessThan(tolerance(options));
      });
    }
  }

  it('a real colour video frame (768×432 RGB8, cut with ffmpeg when installed) matches the reference', async (context) => {
    const frame = await cutVideoFrame('one-by-one-person-detection.mp4', 40);
    if (frame === undefined) return context.skip('ffmpeg is not installed');
    for (const options of [YOLOX_NANO_LETTERBOX, IMAGENET]) {
      const out = new Float32Array(letterboxTensorLength(options));
      const result = letterboxSync(frame, options, out);
      const want = letterboxReference(frame, options);
      expect(result).toEqual(want.result);
      expect(maxAbsDiff(out, want.tensor)).toBeLessThan(tolerance(options));
    }
  });

  it('YOLOX geometry of a 752×480 frame: 416×265 at the top-left, 151 rows of 114', () => {
    const out = new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX));
    const r = letterboxSync(frames.GRAY8 as FrameView, YOLOX_NANO_LETTERBOX, out);
    expect(r).toEqual({ scale: 416 / 752, padX: 0, padY: 0, resizedWidth: 416, resizedHeight: 265, sourceWidth: 752, sourceHeight: 480, targetWidth: 416, targetHeight: 416 });
    expect(out.subarray(265 * 416, 416 * 416).every((v) => v === 114)).toBe(true);
  });

  it('a strided frame gives the same tensor as the packed one', () => {
    const rgb = frames.RGB8 as FrameView;
    const packed = new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX));
    const strided = new Float32Array(packed.length);
    letterboxSync(rgb, YOLOX_NANO_LETTERBOX, packed);
    letterboxSync(withStride(rgb, 13), YOLOX_NANO_LETTERBOX, strided);
    expect(firstDifference(strided, packed)).toBe(-1);
  });

  it('the async twin resolves to the same result and tensor', async () => {
    const frame = frames.RGBA8 as FrameView;
    const a = new Float32Array(letterboxTensorLength(IMAGENET));
    const b = new Float32Array(a.length);
    const sync = letterboxSync(frame, IMAGENET, a);
    await expect(letterbox(frame, IMAGENET, b)).resolves.toEqual(sync);
    expect(firstDifference(b, a)).toBe(-1);
  });
});

describe.skipIf(!HAS_SHARED_DATA || !oracleAvailable())('letterbox within 1/255 of the OpenCV pipeline on real frames', () => {
  const frames: Record<string, FrameView> = {};

  beforeAll(async () => {
    frames.rgba1280 = (await frame1280x720Rgba(SHARED_DATA)).frame;
    frames.euroc = await decodeGray(eurocFramePaths()[100] as string);
    const rgb = personRgb(SHARED_DATA);
    if (rgb !== undefined) frames.person = rgb;
  });

  it('1280×720 RGBA (real frame upscaled), EuRoC GRAY8 and a colour RGB8 frame, YOLOX 416, 640 and ImageNet', () => {
    const options: LetterboxOptions[] = [YOLOX_NANO_LETTERBOX, { ...YOLOX_NANO_LETTERBOX, targetWidth: 640, targetHeight: 640 }, IMAGENET];
    const cases = Object.keys(frames).flatMap((frame) => options.map((o) => ({ frame, ...o })));
    const request = { frames: Object.fromEntries(Object.entries(frames).map(([n, f]) => [n, oracleFrame(f)])), cases };
    const { results } = runOracle<{ results: { tensor: string }[] }>('image_letterbox.py', request);
    let worst = 0;
    cases.forEach((c, i) => {
      const out = new Float32Array(letterboxTensorLength(c));
      letterboxSync(frames[c.frame] as FrameView, c, out);
      const d = maxAbsDiff(out, decodeFloat32((results[i] as { tensor: string }).tensor));
      // 1/255 of the 0–255 range, in output units.
      expect(d, `${c.frame} ${c.targetWidth} ${c.channelOrder ?? 'RGB'}`).toBeLessThanOrEqual(Math.max(...(c.scale ?? [1, 1, 1])) * 1.0);
      worst = Math.max(worst, d / Math.max(...(c.scale ?? [1, 1, 1])));
    });
    // OpenCV rounds the resized image to 8 bits (±0.5) with 11-bit weights; ours is not rounded.
    expect(worst).toBeGreaterThan(0.5);
    expect(worst).toBeLessThan(0.8);
  });
});

describe('letterbox argument errors', () => {
  const gray: FrameView = { data: new Uint8Array(752 * 480), widthPx: 752, heightPx: 480, format: 'GRAY8' };
  const out = new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX));
  const cases: [string, () => unknown, string][] = [
    ['short out', () => letterboxSync(gray, YOLOX_NANO_LETTERBOX, new Float32Array(1000)), '"out" must hold 519168 floats, got 1000'],
    ['short src', () => letterboxSync({ ...gray, data: new Uint8Array(100) }, YOLOX_NANO_LETTERBOX, out), '"src" must hold 360960 bytes, got 100'],
    ['stride', () => letterboxSync({ ...gray, format: 'RGB8', strideBytes: 752 }, YOLOX_NANO_LETTERBOX, out), '"strideBytes" must be at least 2256 (752 RGB8 pixels), got 752'],
    ['width', () => letterboxSync({ ...gray, widthPx: 0 }, YOLOX_NANO_LETTERBOX, out), '"widthPx" must be a positive integer, got 0'],
    ['fraction', () => letterboxSync({ ...gray, heightPx: 479.5 }, YOLOX_NANO_LETTERBOX, out), '"heightPx" must be a positive integer, got 479.5'],
    ['format', () => letterboxSync({ ...gray, format: 'YUYV' as 'GRAY8' }, YOLOX_NANO_LETTERBOX, out), '"format" must be one of GRAY8, RGB8, BGR8, RGBA8, got "YUYV"'],
    ['order', () => letterboxSync(gray, { ...YOLOX_NANO_LETTERBOX, channelOrder: 'rgb' as 'RGB' }, out), '"channelOrder" must be "RGB" or "BGR", got "rgb"'],
    ['align', () => letterboxSync(gray, { ...YOLOX_NANO_LETTERBOX, align: 'top' as 'center' }, out), '"align" must be "center" or "topLeft", got "top"'],
    ['mean', () => letterboxSync(gray, { ...YOLOX_NANO_LETTERBOX, mean: [1, 2] as unknown as [number, number, number] }, out), '"mean" must be 3 numbers, got 2 numbers'],
    ['pad', () => letterboxSync(gray, { ...YOLOX_NANO_LETTERBOX, padValue: 300 }, out), '"padValue" must be a number in [0, 255], got 300'],
    ['target', () => letterboxSync(gray, { ...YOLOX_NANO_LETTERBOX, targetWidth: -416 }, out), '"targetWidth" must be a positive integer, got -416'],
  ];
  for (const [name, call, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(call).toThrow(message);
      expect(call).toThrowError(expect.objectContaining({ message }) as Error);
    });
  }

  it('rejects an output that shares memory with the source', () => {
    const buffer = new ArrayBuffer(4 * letterboxTensorLength(YOLOX_NANO_LETTERBOX));
    const aliased: FrameView = { ...gray, data: new Uint8Array(buffer, 0, 752 * 480) };
    expect(() => letterboxSync(aliased, YOLOX_NANO_LETTERBOX, new Float32Array(buffer))).toThrow('"out" must not share memory with "src"');
  });

  it('the async twin rejects with the same message', async () => {
    await expect(letterbox(gray, YOLOX_NANO_LETTERBOX, new Float32Array(10))).rejects.toThrow('"out" must hold 519168 floats, got 10');
  });
});
