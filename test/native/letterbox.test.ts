/**
 * letterboxSync / letterbox against the pure-TS reference on real EuRoC frames (sharp-decoded
 * GRAY8; RGB8/RGBA8 made by sharp joining consecutive frames as channels; BGR8 by swapping) and,
 * when ffmpeg is installed, a real colour video frame.
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
import { HAS_SHARED_DATA, cutVideoFrame, decodeGray, decodeJoined, eurocFramePaths, toBgr, withStride } from './data.js';
import { letterboxReference } from './letterbox-reference.js';

/** Index of the first element that differs, -1 when identical (faster than `toEqual` on 0.5 M values). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((v, i) => !Object.is(v, b[i]));
}

/** Largest |native − reference| over the tensor. */
function maxAbsDiff(native: Float32Array, reference: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs((native[i] as number) - (reference[i] as number)));
  return worst;
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
      it(`${format}, ${name}: within 1e-3 of the reference, same geometry`, () => {
        const frame = frames[format] as FrameView;
        const out = new Float32Array(letterboxTensorLength(options));
        const result = letterboxSync(frame, options, out);
        const want = letterboxReference(frame, options);
        expect(result).toEqual(want.result);
        expect(maxAbsDiff(out, want.tensor)).toBeLessThan(1e-3);
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
      expect(maxAbsDiff(out, want.tensor)).toBeLessThan(1e-3);
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
