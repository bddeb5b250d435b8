import { Script } from 'node:vm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PixelFormat } from '../../hal/types.js';
import {
  FRAME_HEADER_FIXED_BYTES,
  decodeFrameMessage,
  encodeFrameMessage,
  frameToJpeg,
} from '../../src/hud/frame-codec.js';
import { HUD_JS } from '../../src/hud/page/index.js';
import { decodeWorldFrames, halFrame, worldJpegNames, type RawImage } from './helpers.js';

const JPEG = { quality: 90, maxWidthPx: 1280 };

/** Mean absolute difference per channel value between two RGB8 buffers, 0–255. */
function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

async function decodeRgb(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg).toColourspace('srgb').removeAlpha().raw().toBuffer();
}

describe('frame messages (KHF1 header + JPEG)', () => {
  it('round-trip every header field, byte-exact at the documented offsets', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0x01, 0x02, 0xff, 0xd9]);
    const header = { deviceId: 'cam0', role: 'tracking' as const, seq: 4_000_000_123, sourceWidthPx: 752, sourceHeightPx: 480, tNs: 1.5e9 };
    const msg = encodeFrameMessage(header, jpeg);
    expect(msg.subarray(0, 4).toString('latin1')).toBe('KHF1'); // magic
    expect(msg.readUInt16LE(4)).toBe(FRAME_HEADER_FIXED_BYTES + 4); // headerBytes = 24 + n
    expect(msg.readUInt8(6)).toBe(1); // role: tracking
    expect(msg.readUInt8(7)).toBe(4); // n = UTF-8 bytes of "cam0"
    expect(msg.readUInt32LE(8)).toBe(4_000_000_123); // seq
    expect([msg.readUInt16LE(12), msg.readUInt16LE(14)]).toEqual([752, 480]); // source size
    expect(msg.readDoubleLE(16)).toBe(1.5e9); // tNs
    expect(msg.subarray(24, 28).toString('utf8')).toBe('cam0');
    expect(msg.subarray(28)).toEqual(jpeg);
    expect(decodeFrameMessage(msg)).toEqual({ header, jpeg });
  });

  it('rejects a wrong magic, a truncated message and an over-long device id with the reason', () => {
    const msg = encodeFrameMessage({ deviceId: 'w', role: 'world', seq: 1, sourceWidthPx: 2, sourceHeightPx: 2, tNs: 0 }, Buffer.from([1]));
    expect(() => decodeFrameMessage(msg.subarray(0, 10))).toThrow('frame message of 10 bytes is shorter than the 24-byte header');
    const bad = Buffer.from(msg);
    bad.write('XXXX', 0, 'latin1');
    expect(() => decodeFrameMessage(bad)).toThrow('frame message magic is 0x58585858, expected "KHF1"');
    expect(() => decodeFrameMessage(msg.subarray(0, 24))).toThrow('frame message header of 25 bytes does not fit a 24-byte message');
    expect(() =>
      encodeFrameMessage({ deviceId: 'x'.repeat(256), role: 'world', seq: 0, sourceWidthPx: 1, sourceHeightPx: 1, tNs: 0 }, Buffer.alloc(0)),
    ).toThrow('"deviceId" must be at most 255 UTF-8 bytes, got 256');
  });
});

describe('frameToJpeg on real frames', () => {
  let image: RawImage;
  beforeAll(async () => {
    [image] = (await decodeWorldFrames(worldJpegNames().slice(0, 1))) as [RawImage];
  });

  it.each<[PixelFormat, number | undefined]>([
    ['RGB8', undefined],
    ['BGR8', undefined],
    ['RGBA8', undefined],
    ['RGB8', 768 * 3 + 64], // padded rows
    ['BGR8', 768 * 3 + 5],
  ])('%s (stride %s) encodes to a JPEG of the source size that decodes to the same picture', async (format, stride) => {
    const jpeg = await frameToJpeg(halFrame(image, 7, format, stride), JPEG);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 432]);
    expect(meanAbsDiff(await decodeRgb(jpeg), image.rgb)).toBeLessThan(4); // BGR swapped back, no channel mix-up
  });

  it('GRAY8 encodes to a one-channel JPEG', async () => {
    const jpeg = await frameToJpeg(halFrame(image, 0, 'GRAY8', 770), JPEG);
    const meta = await sharp(jpeg).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([768, 432, 1]);
  });

  it('scales frames wider than maxWidthPx, aspect kept', async () => {
    const jpeg = await frameToJpeg(halFrame(image, 0), { quality: 80, maxWidthPx: 384 });
    const meta = await sharp(jpeg).metadata();
    expect([meta.width, meta.height]).toEqual([384, 216]);
  });

  it('names the field when geometry and buffer disagree', async () => {
    const frame = halFrame(image, 0);
    await expect(frameToJpeg({ ...frame, strideBytes: 100 }, JPEG)).rejects.toThrow(
      'frame "strideBytes" 100 is less than width × 3 = 2304',
    );
    await expect(frameToJpeg({ ...frame, data: frame.data.subarray(0, 1000) }, JPEG)).rejects.toThrow(
      'frame "data" holds 1000 bytes, a 768×432 RGB8 frame needs 995328',
    );
    await expect(frameToJpeg({ ...frame, widthPx: 0 }, JPEG)).rejects.toThrow('frame size must be positive integers, got 0×432');
  });
});

describe('the page script', () => {
  it('/hud.js is valid JavaScript (compiled, not run)', () => {
    expect(() => new Script(HUD_JS, { filename: 'hud.js' })).not.toThrow();
  });
});
