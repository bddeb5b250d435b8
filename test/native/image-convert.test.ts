/**
 * convertSync against OpenCV 5 `cv2.cvtColor` (`bench/oracle/image_convert.py`): on every input value
 * (all 2²⁴ RGB and Y U V triples, compared by SHA-256) and on a real colour frame (the person video at
 * 40 s), whose YUYV and NV12 versions OpenCV makes from the RGB frame (`COLOR_RGB2YUV_YUYV`; I420 with
 * U and V interleaved); each decode is compared with OpenCV's own decode of the same bytes.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertSync, convertedLength, type ConvertTarget, type InputPixelFormat, type RawFrameView } from '../../native/index.js';
import { decodeUint8, encodeArray, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { personRgb } from '../../bench/native/image-frames.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

const sha = (a: Uint8Array): string => createHash('sha256').update(a).digest('hex');

interface Hashes {
  readonly hashes: Record<string, { input: string; output: string }>;
}

/** The exhaustive inputs, built exactly as `image_convert.py` documents them. */
function exhaustiveInputs(): Record<string, RawFrameView> {
  const rgb = new Uint8Array(3 << 24);
  for (let i = 0, p = 0; i < 1 << 24; i++, p += 3) {
    rgb[p] = i >>> 16;
    rgb[p + 1] = (i >>> 8) & 255;
    rgb[p + 2] = i & 255;
  }
  const yuyv = new Uint8Array(65536 * 512);
  for (let r = 0, p = 0; r < 65536; r++) {
    for (let x = 0; x < 256; x++, p += 2) {
      yuyv[p] = x;
      yuyv[p + 1] = x % 2 === 0 ? r >>> 8 : r & 255;
    }
  }
  const nv12 = new Uint8Array(1024 * 16384 * 1.5);
  const uvPlane = 16384 * 1024;
  for (let b = 0; b < 512 * 8192; b++) {
    const bx = b & 511;
    const by = b >>> 9;
    const [uv, sub] = [b >>> 6, (b & 63) * 4];
    const y0 = 2 * by * 1024 + 2 * bx;
    [nv12[y0], nv12[y0 + 1], nv12[y0 + 1024], nv12[y0 + 1025]] = [sub, sub + 1, sub + 2, sub + 3];
    [nv12[uvPlane + by * 1024 + 2 * bx], nv12[uvPlane + by * 1024 + 2 * bx + 1]] = [uv >>> 8, uv & 255];
  }
  return {
    'RGB8>GRAY8': { data: rgb, widthPx: 4096, heightPx: 4096, format: 'RGB8' },
    'YUYV>RGB8': { data: yuyv, widthPx: 256, heightPx: 65536, format: 'YUYV' },
    'NV12>RGB8': { data: nv12, widthPx: 1024, heightPx: 16384, format: 'NV12' },
  };
}

describe.skipIf(!oracleAvailable())('conversions bit-exact with OpenCV on every input value', () => {
  it('all 2²⁴ RGB triples → GRAY8, all 2²⁴ Y U V triples as YUYV and NV12 → RGB8', () => {
    const { hashes } = runOracle<Hashes>('image_convert.py', { op: 'exhaustive' });
    for (const [name, frame] of Object.entries(exhaustiveInputs())) {
      const to = name.split('>')[1] as ConvertTarget;
      const out = new Uint8Array(convertedLength(frame, to));
      convertSync(frame, to, out);
      expect(sha(frame.data), `${name} input`).toBe(hashes[name]?.input);
      expect(sha(out), name).toBe(hashes[name]?.output);
    }
  }, 60_000);
});

describe.skipIf(!HAS_SHARED_DATA || !oracleAvailable())('conversions of a real colour frame match OpenCV', () => {
  let inputs: Record<string, RawFrameView> = {};
  let conversions: Record<string, string> = {};
  let rgb: RawFrameView | undefined;

  beforeAll(() => {
    rgb = personRgb(SHARED_DATA);
    if (rgb === undefined) return;
    const r = runOracle<{ inputs: Record<string, string>; conversions: Record<string, string> }>('image_convert.py', {
      op: 'frame',
      rgb: encodeArray(rgb.data),
      width: rgb.widthPx,
      height: rgb.heightPx,
    });
    const frame = rgb;
    inputs = Object.fromEntries(Object.entries(r.inputs).map(([f, b]) => [f, { ...frame, data: decodeUint8(b), format: f as InputPixelFormat }]));
    conversions = r.conversions;
  });

  it('every conversion equals OpenCV byte for byte (YUYV and NV12 made by OpenCV from the RGB frame)', (context) => {
    if (rgb === undefined) return context.skip('ffmpeg is not installed');
    expect(Object.keys(conversions)).toHaveLength(10);
    for (const [name, want] of Object.entries(conversions)) {
      const [from, to] = name.split('>') as [InputPixelFormat, ConvertTarget];
      const frame = inputs[from] as RawFrameView;
      const out = new Uint8Array(convertedLength(frame, to));
      const view = convertSync(frame, to, out);
      expect(view.format).toBe(to);
      expect(Buffer.from(out).equals(Buffer.from(decodeUint8(want))), name).toBe(true);
    }
  });

  it('the YUV round trip loses only what 4:2:x chroma subsampling loses', (context) => {
    if (rgb === undefined) return context.skip('ffmpeg is not installed');
    const original = rgb.data;
    for (const f of ['YUYV', 'NV12'] as const) {
      const out = new Uint8Array(original.length);
      convertSync(inputs[f] as RawFrameView, 'RGB8', out);
      let sum = 0;
      for (let i = 0; i < out.length; i++) sum += Math.abs((out[i] as number) - (original[i] as number));
      // Mean absolute error of the round trip: 0.36 (YUYV) and 0.38 (NV12) grey level measured (OpenCV gives the same bytes).
      expect(sum / out.length, f).toBeLessThan(1);
    }
  });

  it('strided source and output give the same pixels', (context) => {
    if (rgb === undefined) return context.skip('ffmpeg is not installed');
    const nv12 = inputs.NV12 as RawFrameView;
    const stride = nv12.widthPx + 64;
    const rows = nv12.heightPx * 1.5;
    const strided = new Uint8Array(stride * rows).fill(0xee);
    for (let y = 0; y < rows; y++) strided.set(nv12.data.subarray(y * nv12.widthPx, (y + 1) * nv12.widthPx), y * stride);
    const outStride = 3 * nv12.widthPx + 5;
    const out = new Uint8Array(convertedLength(nv12, 'RGB8', outStride)).fill(7);
    convertSync({ ...nv12, data: strided, strideBytes: stride }, 'RGB8', out, outStride);
    const want = decodeUint8(conversions['NV12>RGB8'] as string);
    const row = 3 * nv12.widthPx;
    for (let y = 0; y < nv12.heightPx; y += 37) {
      expect(Buffer.from(out.subarray(y * outStride, y * outStride + row)).equals(Buffer.from(want.subarray(y * row, (y + 1) * row)))).toBe(true);
    }
    expect(out[row]).toBe(7);
  });
});

describe('convert argument errors', () => {
  const yuyv: RawFrameView = { data: new Uint8Array(640 * 480 * 2), widthPx: 640, heightPx: 480, format: 'YUYV' };
  const out = new Uint8Array(640 * 480 * 3);
  const cases: [string, () => unknown, string][] = [
    ['short out', () => convertSync(yuyv, 'RGB8', new Uint8Array(10)), '"out" must hold 921600 bytes, got 10'],
    ['short src', () => convertSync({ ...yuyv, data: new Uint8Array(100) }, 'RGB8', out), '"src" must hold 614400 bytes, got 100'],
    ['odd width', () => convertSync({ ...yuyv, widthPx: 639 }, 'RGB8', out), '"widthPx" must be even for YUYV, got 639'],
    ['odd height', () => convertSync({ ...yuyv, format: 'NV12', heightPx: 479 }, 'RGB8', out), '"heightPx" must be even for NV12, got 479'],
    ['format', () => convertSync({ ...yuyv, format: 'I420' as 'NV12' }, 'RGB8', out), '"format" must be one of GRAY8, RGB8, BGR8, RGBA8, YUYV, NV12, got "I420"'],
    ['target', () => convertSync(yuyv, 'BGR8' as 'RGB8', out), '"to" must be "GRAY8" or "RGB8", got "BGR8"'],
    ['stride', () => convertSync({ ...yuyv, strideBytes: 1000 }, 'RGB8', out), '"strideBytes" must be at least 1280 (640 YUYV pixels), got 1000'],
    ['out stride', () => convertSync(yuyv, 'RGB8', out, 100), '"outStrideBytes" must be at least 1920 (640 RGB8 pixels), got 100'],
  ];
  for (const [name, call, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(call).toThrowError(expect.objectContaining({ message }) as Error);
    });
  }

  it('rejects an output that shares memory with the source', () => {
    const buffer = new ArrayBuffer(640 * 480 * 5);
    const src = { ...yuyv, data: new Uint8Array(buffer, 0, 640 * 480 * 2) };
    expect(() => convertSync(src, 'RGB8', new Uint8Array(buffer, 100))).toThrow('"out" must not share memory with "src"');
  });
});
