/**
 * Writes a recorded frame into an emulated V4L2 buffer in the negotiated pixel format, byte for byte as the
 * V4L2 API "Image Formats" chapter lays them out (packed rows, `bytesperline` = width × bytes per pixel):
 * - `GREY`: the 8-bit luma plane (V4L2_PIX_FMT_GREY);
 * - `YUYV`: `Y0 U Y1 V` per pixel pair (V4L2_PIX_FMT_YUYV); from a gray recording U = V = 128 (no colour);
 * - `NV12`: the Y plane, then `height / 2` rows of interleaved `U V` (V4L2_PIX_FMT_NV12); gray: U = V = 128;
 * - `MJPG`: a baseline JPEG (libjpeg-turbo through sharp, 4:2:0 for colour) as a UVC camera sends it.
 * Video recordings arrive already in the layout of the format (FFmpeg converts), so they are copied.
 */
import sharp from 'sharp';
import type { SupportedFourcc } from '../../v4l2/negotiate.js';
import type { FrameLayout, RecordedFrame } from './frames.js';

/** The recording layout that feeds each pixel format, given what the source can produce. */
export function layoutFor(fourcc: SupportedFourcc, available: readonly FrameLayout[]): FrameLayout {
  const wanted: Record<SupportedFourcc, FrameLayout> = { GREY: 'gray', YUYV: 'yuyv422', NV12: 'nv12', MJPG: 'rgb24' };
  const layout = wanted[fourcc];
  return available.includes(layout) ? layout : (available[0] ?? 'gray');
}

/** Bytes of an uncompressed frame in `fourcc`. */
export function packedBytes(fourcc: Exclude<SupportedFourcc, 'MJPG'>, widthPx: number, heightPx: number): number {
  if (fourcc === 'YUYV') return widthPx * heightPx * 2;
  if (fourcc === 'NV12') return (widthPx * heightPx * 3) / 2;
  return widthPx * heightPx;
}

/**
 * Encodes `frame` into `out` as `fourcc`; returns the bytes used (at most `out.length`; a JPEG longer than
 * the buffer is cut, as a UVC payload that overflowed its buffer would be).
 */
export async function encodeInto(frame: RecordedFrame, fourcc: SupportedFourcc, widthPx: number, heightPx: number, out: Uint8Array, jpegQuality: number): Promise<number> {
  const { pixels, layout } = frame;
  if (fourcc === 'MJPG') {
    const channels = layout === 'rgb24' ? 3 : 1;
    if (layout !== 'rgb24' && layout !== 'gray') throw new Error(`MJPG needs a gray or rgb24 recording, got ${layout}`);
    const jpeg = await sharp(pixels, { raw: { width: widthPx, height: heightPx, channels } }).jpeg({ quality: jpegQuality, chromaSubsampling: '4:2:0' }).toBuffer();
    const n = Math.min(jpeg.length, out.length);
    out.set(jpeg.subarray(0, n));
    return n;
  }
  const size = packedBytes(fourcc, widthPx, heightPx);
  if (out.length < size) throw new Error(`buffer of ${out.length} bytes is smaller than a ${fourcc} frame (${size})`);
  const native = (fourcc === 'GREY' && layout === 'gray') || (fourcc === 'YUYV' && layout === 'yuyv422') || (fourcc === 'NV12' && layout === 'nv12');
  if (native) {
    out.set(pixels.subarray(0, size));
    return size;
  }
  if (layout !== 'gray') throw new Error(`cannot make ${fourcc} from a ${layout} recording`);
  const n = widthPx * heightPx;
  if (fourcc === 'YUYV') {
    for (let i = 0; i < n; i++) {
      out[2 * i] = pixels[i] ?? 0;
      out[2 * i + 1] = 128;
    }
  } else {
    out.set(pixels.subarray(0, n));
    out.fill(128, n, size);
  }
  return size;
}
