/**
 * Gaussian pyramid against `cv2.pyrDown` on real EuRoC frames: bit-identical at every level, for
 * full frames, an odd-size crop and a strided frame; argument errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPyramidSync, pyrDownSize, pyrDownSync, pyramidBytes } from '../../native/index.js';
import { withStride } from './data.js';
import { CAN_COMPARE, FRAME_INDICES, crop, decodeUint8, loadFrames, runOracle, type RealFrame } from './features-data.js';

interface PyramidAnswer {
  frames: { bytes: string; sizes: [number, number][] }[];
}

describe.runIf(CAN_COMPARE)('pyramid vs cv2.pyrDown on real frames', () => {
  let frames: RealFrame[];
  let oracle: PyramidAnswer;
  beforeAll(async () => {
    frames = await loadFrames(FRAME_INDICES);
    oracle = runOracle<PyramidAnswer>('features_pyramid.py', { frames: frames.map((f) => f.path), levels: 6 });
  });

  it('every level of 6 is bit-identical on 9 frames (752×480 → 24×15)', () => {
    frames.forEach(({ frame }, i) => {
      const answer = oracle.frames[i];
      if (answer === undefined) throw new Error('missing oracle frame');
      const out = new Uint8Array(pyramidBytes(frame.widthPx, frame.heightPx, 6));
      const levels = buildPyramidSync(frame, 6, out);
      expect(levels.slice(1).map((l) => [l.widthPx, l.heightPx])).toEqual(answer.sizes);
      expect(Buffer.compare(out, decodeUint8(answer.bytes))).toBe(0);
    });
  });

  it('odd sizes and strided rows give the same bytes', () => {
    const [first] = frames;
    if (first === undefined) throw new Error('no frame');
    const odd = crop(first.frame, 751, 479);
    const answer = runOracle<PyramidAnswer>('features_pyramid.py', { frames: [first.path], levels: 2, crop: [751, 479] });
    const out = new Uint8Array(376 * 240);
    const level = pyrDownSync(withStride({ ...odd, format: 'GRAY8' }, 13), out);
    expect([level.widthPx, level.heightPx]).toEqual([376, 240]);
    expect(Buffer.compare(out, decodeUint8(answer.frames[0]?.bytes ?? ''))).toBe(0);
  });
});

describe('pyramid arguments', () => {
  const frame = { data: new Uint8Array(20 * 10), widthPx: 20, heightPx: 10 };
  it('sizes', () => {
    expect(pyrDownSize(751, 479)).toEqual({ widthPx: 376, heightPx: 240 });
    expect(pyramidBytes(752, 480, 3)).toBe(376 * 240 + 188 * 120);
    expect(pyramidBytes(752, 480, 1)).toBe(0);
  });
  it('errors name the parameter and the value', () => {
    expect(() => pyrDownSync(frame, new Uint8Array(10))).toThrow('"out" must hold 50 bytes, got 10');
    expect(() => pyrDownSync({ ...frame, widthPx: 0 }, new Uint8Array(50))).toThrow('"widthPx" must be a positive integer, got 0');
    expect(() => pyrDownSync({ ...frame, format: 'RGB8' }, new Uint8Array(50))).toThrow('"frame.format" must be GRAY8, got "RGB8"');
    expect(() => pyrDownSync(frame, frame.data)).toThrow('"out" must not share memory with "src"');
    expect(() => buildPyramidSync(frame, 17, new Uint8Array(100))).toThrow('"levels" must be an integer in [1, 16], got 17');
  });
});
