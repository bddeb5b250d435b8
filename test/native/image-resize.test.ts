/**
 * Resizer against OpenCV 5 `cv2.resize` (`bench/oracle/image_resize.py`) on real frames: a EuRoC cam0 frame
 * (752×480 GRAY8), the person-video frame (768×432 RGB8) and the 1280×720 RGBA8 letterbox input, shrunk and
 * grown by integer, fractional and mixed factors with INTER_LINEAR and INTER_AREA. Target: within 1 grey
 * level; measured: byte-identical (0 of all the values differ).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Resizer, type FrameView, type ResizeInterpolation } from '../../native/index.js';
import { decodeUint8, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { eurocFramePaths, eurocGray, frame1280x720Rgba, oracleFrame, personRgb } from '../../bench/native/image-frames.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

interface Case {
  readonly frame: string;
  readonly width: number;
  readonly height: number;
  readonly interpolation: ResizeInterpolation;
}

/** Output sizes per frame: ½, ⅓, the YOLOX 416 fit, 2/5, −1 px, 3/2, mixed (½ × 2), 2×. */
function sizes(w: number, h: number): [number, number][] {
  return [
    [w / 2, h / 2],
    [Math.floor(w / 3), Math.floor(h / 3)],
    [416, Math.floor((h * 416) / w)],
    [Math.floor((w * 2) / 5), Math.floor((h * 2) / 5)],
    [w - 1, h - 1],
    [(w * 3) / 2, (h * 3) / 2],
    [w / 2, h * 2],
    [w * 2, h * 2],
  ];
}

describe.skipIf(!HAS_SHARED_DATA || !oracleAvailable())('Resizer matches OpenCV cv2.resize on real frames', () => {
  const frames: Record<string, FrameView> = {};
  const cases: Case[] = [];
  let outputs: Uint8Array[] = [];

  beforeAll(async () => {
    frames.euroc = await eurocGray(eurocFramePaths(SHARED_DATA)[100] as string);
    const rgb = personRgb(SHARED_DATA);
    if (rgb !== undefined) frames.person = rgb;
    frames.rgba = (await frame1280x720Rgba(SHARED_DATA)).frame;
    for (const [name, f] of Object.entries(frames)) {
      for (const [width, height] of sizes(f.widthPx, f.heightPx)) {
        for (const interpolation of ['linear', 'area'] as const) cases.push({ frame: name, width, height, interpolation });
      }
    }
    const request = { frames: Object.fromEntries(Object.entries(frames).map(([n, f]) => [n, oracleFrame(f)])), cases };
    outputs = runOracle<{ results: { out: string }[] }>('image_resize.py', request).results.map((r) => decodeUint8(r.out));
  }, 120_000);

  it('every case is within 1 grey level of OpenCV (measured: identical bytes)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(32);
    let differing = 0;
    let worst = 0;
    cases.forEach((c, i) => {
      const f = frames[c.frame] as FrameView;
      const r = new Resizer({ srcWidthPx: f.widthPx, srcHeightPx: f.heightPx, dstWidthPx: c.width, dstHeightPx: c.height, format: f.format, interpolation: c.interpolation });
      const out = new Uint8Array(r.outputLength());
      r.resizeSync(f, out);
      const want = outputs[i] as Uint8Array;
      expect(out.length, JSON.stringify(c)).toBe(want.length);
      for (let k = 0; k < out.length; k++) {
        const d = Math.abs((out[k] as number) - (want[k] as number));
        if (d > 0) differing += 1;
        worst = Math.max(worst, d);
      }
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(differing).toBe(0);
  });

  it('strided input and output, and the async twin, give the same bytes', async () => {
    const f = frames.euroc as FrameView;
    const r = new Resizer({ srcWidthPx: 752, srcHeightPx: 480, dstWidthPx: 300, dstHeightPx: 191, format: 'GRAY8', interpolation: 'area' });
    const packed = new Uint8Array(r.outputLength());
    r.resizeSync(f, packed);
    const stride = 752 + 9;
    const src = new Uint8Array(stride * 480);
    for (let y = 0; y < 480; y++) src.set(f.data.subarray(y * 752, (y + 1) * 752), y * stride);
    const strided = new Uint8Array(r.outputLength(310)).fill(1);
    const view = await r.resize({ ...f, data: src, strideBytes: stride }, strided, 310);
    expect(view).toMatchObject({ widthPx: 300, heightPx: 191, strideBytes: 310, format: 'GRAY8' });
    for (let y = 0; y < 191; y++) expect(Buffer.from(strided.subarray(y * 310, y * 310 + 300)).equals(Buffer.from(packed.subarray(y * 300, (y + 1) * 300)))).toBe(true);
    expect(strided[300]).toBe(1);
  });
});

describe('Resizer argument errors', () => {
  const gray: FrameView = { data: new Uint8Array(752 * 480), widthPx: 752, heightPx: 480, format: 'GRAY8' };
  const spec = { srcWidthPx: 752, srcHeightPx: 480, dstWidthPx: 416, dstHeightPx: 265, format: 'GRAY8' } as const;
  const r = new Resizer(spec);
  const out = new Uint8Array(416 * 265);
  const cases: [string, () => unknown, string][] = [
    ['interpolation', () => new Resizer({ ...spec, interpolation: 'cubic' as 'area' }), '"interpolation" must be "linear" or "area", got "cubic"'],
    ['size', () => new Resizer({ ...spec, dstWidthPx: 0 }), '"dstWidthPx" must be a positive integer, got 0'],
    ['format', () => new Resizer({ ...spec, format: 'YUYV' as 'GRAY8' }), '"format" must be one of GRAY8, RGB8, BGR8, RGBA8, got "YUYV"'],
    ['frame width', () => r.resizeSync({ ...gray, widthPx: 640 }, out), '"frame.widthPx" must be 752 (the Resizer\'s srcWidthPx), got 640'],
    ['frame format', () => r.resizeSync({ ...gray, format: 'RGB8', data: new Uint8Array(752 * 480 * 3) }, out), '"frame.format" must be "GRAY8" (the Resizer\'s format), got "RGB8"'],
    ['short out', () => r.resizeSync(gray, new Uint8Array(10)), '"out" must hold 110240 bytes, got 10'],
    ['short src', () => r.resizeSync({ ...gray, data: new Uint8Array(10) }, out), '"src" must hold 360960 bytes, got 10'],
    ['out stride', () => r.resizeSync(gray, out, 400), '"outStrideBytes" must be at least 416, got 400'],
  ];
  for (const [name, call, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(call).toThrowError(expect.objectContaining({ message }) as Error);
    });
  }

  it('the async twin rejects with the same message', async () => {
    await expect(r.resize(gray, new Uint8Array(10))).rejects.toThrow('"out" must hold 110240 bytes, got 10');
  });
});
