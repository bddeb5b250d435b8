/**
 * The ONE copy of a V4L2 frame: from the dequeued buffer (a view of the mmap'd kernel memory, never copied
 * out first) straight into the frame's own, newly allocated pixel buffer.
 *
 * - `GREY` → GRAY8: one row-wise copy (`Uint8Array.set`, a single memcpy when rows are unpadded);
 *   GREY → RGB8: replicated by the native kernel.
 * - `YUYV` / `NV12` → GRAY8 or RGB8: the native Rust kernels (`native/index.ts` `convertSync`, bit-exact with
 *   OpenCV `cvtColor`, docs/native-image.md) read the buffer in place, with its `bytesPerLine` stride, and
 *   write the new frame.
 * - `MJPG` → decoded by sharp (libvips/libjpeg-turbo) from a Buffer view of the mapped memory; the decoder's
 *   output is the frame (GRAY8: libvips `b-w` luminance; RGB8: sRGB).
 *
 * Checks (a bad buffer is a {@link SampleError} naming the device, the frame and the byte offset, never a
 * crash): `bytesUsed` shorter than the format needs (`frame cut short at byte N of M`), MJPEG without the
 * JPEG SOI marker `FF D8` (ITU-T T.81 B.1.1.3) or that sharp cannot decode, a decoded size other than the
 * negotiated one.
 */
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { convertSync, convertedLength } from '../../native/index.js';
import { SampleError } from '../types.js';
import type { SupportedFourcc, V4l2OutputFormat } from './negotiate.js';

/** A dequeued buffer as the conversion reads it: `data` is a view of the device buffer, `bytesUsed` long. */
export interface RawV4l2Frame {
  readonly data: Uint8Array;
  readonly fourcc: SupportedFourcc;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Row pitch of the device buffer (V4L2 `bytesperline`; 0 = packed, and for MJPEG). */
  readonly bytesPerLine: number;
}

/** Where a frame is, for error messages. */
export interface FrameContext {
  readonly deviceId: string;
  readonly frame: number;
}

/** Converts one raw frame into a new buffer of `widthPx × heightPx` pixels of `to`, packed. */
export type FrameConverter = (src: RawV4l2Frame, to: V4l2OutputFormat, where: FrameContext) => Uint8Array | Promise<Uint8Array>;

/** Bytes an uncompressed frame occupies in the device buffer (NV12: Y plane + half-height UV plane). */
export function rawFrameBytes(fourcc: SupportedFourcc, widthPx: number, heightPx: number, bytesPerLine: number): number {
  const bpp = fourcc === 'YUYV' ? 2 : 1;
  const stride = bytesPerLine > 0 ? bytesPerLine : widthPx * bpp;
  const rows = fourcc === 'NV12' ? heightPx + heightPx / 2 : heightPx;
  return stride * (rows - 1) + widthPx * bpp;
}

/** The default {@link FrameConverter} (see the module documentation). */
export const convertV4l2Frame: FrameConverter = (src, to, where) => {
  if (src.fourcc === 'MJPG') return decodeMjpeg(src, to, where);
  const need = rawFrameBytes(src.fourcc, src.widthPx, src.heightPx, src.bytesPerLine);
  if (src.data.length < need) {
    throw new SampleError(where.deviceId, { frame: where.frame, byteOffset: src.data.length }, `${src.fourcc} frame cut short at byte ${src.data.length} of ${need}`);
  }
  const { widthPx, heightPx } = src;
  if (src.fourcc === 'GREY' && to === 'GRAY8') {
    const out = new Uint8Array(widthPx * heightPx);
    const stride = src.bytesPerLine > 0 ? src.bytesPerLine : widthPx;
    if (stride === widthPx) out.set(src.data.subarray(0, widthPx * heightPx));
    else for (let y = 0; y < heightPx; y++) out.set(src.data.subarray(y * stride, y * stride + widthPx), y * widthPx);
    return out;
  }
  const format = src.fourcc === 'GREY' ? 'GRAY8' : src.fourcc;
  const view = { data: src.data, widthPx, heightPx, format, ...(src.bytesPerLine > 0 ? { strideBytes: src.bytesPerLine } : {}) } as const;
  const out = new Uint8Array(convertedLength(view, to));
  convertSync(view, to, out);
  return out;
};

async function decodeMjpeg(src: RawV4l2Frame, to: V4l2OutputFormat, where: FrameContext): Promise<Uint8Array> {
  const bytes = src.data;
  const at = { frame: where.frame };
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new SampleError(where.deviceId, { ...at, byteOffset: 0 }, `MJPEG buffer of ${bytes.length} bytes does not start with the JPEG SOI marker FF D8`);
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    const image = sharp(input, { failOn: 'error' });
    decoded = await (to === 'GRAY8' ? image.toColourspace('b-w') : image.removeAlpha().toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SampleError(where.deviceId, { ...at, byteOffset: 0 }, `MJPEG frame could not be decoded: ${reason}`, { cause: err });
  }
  const channels = to === 'GRAY8' ? 1 : 3;
  const { width, height } = decoded.info;
  if (width !== src.widthPx || height !== src.heightPx || decoded.info.channels !== channels) {
    throw new SampleError(where.deviceId, { ...at, byteOffset: 0 }, `MJPEG frame is ${width}×${height}×${decoded.info.channels}, negotiated ${src.widthPx}×${src.heightPx}×${channels}`);
  }
  return new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length);
}
