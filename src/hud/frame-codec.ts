/**
 * Camera frames on the HUD socket: raw HAL frames (GRAY8 / RGB8 / BGR8 / RGBA8, any row stride) encoded
 * to JPEG by sharp (libvips), sent as one binary WebSocket message of a small header followed by the JPEG.
 *
 * Header, version 1 (all integers little-endian; layout also in `docs/hud.md`):
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 4 | magic `KHF1` (ASCII: Kāraṇa HUD Frame, version 1) |
 * | 4 | 2 | `headerBytes`, uint16: offset of the JPEG (24 + n) |
 * | 6 | 1 | role, uint8: 0 = world, 1 = tracking |
 * | 7 | 1 | n, uint8: length of the device id in UTF-8 bytes (≤ 255) |
 * | 8 | 4 | frame `seq`, uint32 (the HAL frame number, modulo 2³²) |
 * | 12 | 2 | source width, px, uint16 (before any scaling; detection boxes are in these pixels) |
 * | 14 | 2 | source height, px, uint16 |
 * | 16 | 8 | `tNs`, float64: capture time, runtime clock, ns |
 * | 24 | n | device id, UTF-8 |
 * | 24 + n | … | JPEG (baseline, `FF D8` … `FF D9`) |
 */
import sharp from 'sharp';
import type { CameraFrame, CameraRole } from '../../hal/types.js';
import { BYTES_PER_PIXEL } from '../../hal/types.js';

/** `KHF1`. */
export const FRAME_MAGIC = 0x3146484b;
/** Bytes of the fixed part of the header (the device id follows). */
export const FRAME_HEADER_FIXED_BYTES = 24;

/** What the frame header carries. */
export interface FrameHeader {
  readonly deviceId: string;
  readonly role: CameraRole;
  readonly seq: number;
  readonly sourceWidthPx: number;
  readonly sourceHeightPx: number;
  /** Capture time, runtime clock, ns. */
  readonly tNs: number;
}

/** Header + JPEG as one buffer (one binary WebSocket message). Throws on a device id over 255 bytes. */
export function encodeFrameMessage(header: FrameHeader, jpeg: Uint8Array): Buffer {
  const id = Buffer.from(header.deviceId, 'utf8');
  if (id.length > 255) throw new RangeError(`"deviceId" must be at most 255 UTF-8 bytes, got ${id.length}`);
  const headerBytes = FRAME_HEADER_FIXED_BYTES + id.length;
  const out = Buffer.allocUnsafe(headerBytes + jpeg.byteLength);
  out.writeUInt32LE(FRAME_MAGIC, 0);
  out.writeUInt16LE(headerBytes, 4);
  out.writeUInt8(header.role === 'world' ? 0 : 1, 6);
  out.writeUInt8(id.length, 7);
  out.writeUInt32LE(header.seq >>> 0, 8);
  out.writeUInt16LE(Math.min(header.sourceWidthPx, 0xffff), 12);
  out.writeUInt16LE(Math.min(header.sourceHeightPx, 0xffff), 14);
  out.writeDoubleLE(header.tNs, 16);
  id.copy(out, FRAME_HEADER_FIXED_BYTES);
  out.set(jpeg, headerBytes);
  return out;
}

/** Split a frame message into its header and JPEG. Throws on a wrong magic or a truncated message. */
export function decodeFrameMessage(message: Uint8Array): { header: FrameHeader; jpeg: Buffer } {
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (buf.length < FRAME_HEADER_FIXED_BYTES) {
    throw new RangeError(`frame message of ${buf.length} bytes is shorter than the ${FRAME_HEADER_FIXED_BYTES}-byte header`);
  }
  const magic = buf.readUInt32LE(0);
  if (magic !== FRAME_MAGIC) throw new RangeError(`frame message magic is 0x${magic.toString(16)}, expected "KHF1"`);
  const headerBytes = buf.readUInt16LE(4);
  const idBytes = buf.readUInt8(7);
  if (headerBytes !== FRAME_HEADER_FIXED_BYTES + idBytes || buf.length < headerBytes) {
    throw new RangeError(`frame message header of ${headerBytes} bytes does not fit a ${buf.length}-byte message`);
  }
  return {
    header: {
      role: buf.readUInt8(6) === 0 ? 'world' : 'tracking',
      seq: buf.readUInt32LE(8),
      sourceWidthPx: buf.readUInt16LE(12),
      sourceHeightPx: buf.readUInt16LE(14),
      tNs: buf.readDoubleLE(16),
      deviceId: buf.toString('utf8', FRAME_HEADER_FIXED_BYTES, headerBytes),
    },
    jpeg: buf.subarray(headerBytes),
  };
}

export interface JpegOptions {
  /** 1–100. */
  readonly quality: number;
  /** Wider frames are scaled down to this width, aspect kept, px. */
  readonly maxWidthPx: number;
}

/**
 * Encode a raw HAL frame to JPEG: rows are packed (stride removed), BGR8 is swapped to RGB, RGBA8 loses
 * its alpha, GRAY8 stays one channel. Throws a RangeError naming the field when the frame's geometry and buffer disagree, and
 * sharp's error when libvips fails.
 */
export async function frameToJpeg(frame: CameraFrame, options: JpegOptions): Promise<Buffer> {
  const { widthPx: w, heightPx: h, format } = frame;
  const channels = BYTES_PER_PIXEL[format];
  if (channels === undefined) throw new RangeError(`frame "format" ${String(format)} is not a known pixel format`);
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${w}×${h}`);
  }
  const rowBytes = w * channels;
  if (frame.strideBytes < rowBytes) {
    throw new RangeError(`frame "strideBytes" ${frame.strideBytes} is less than width × ${channels} = ${rowBytes}`);
  }
  const needed = frame.strideBytes * (h - 1) + rowBytes;
  if (frame.data.byteLength < needed) {
    throw new RangeError(`frame "data" holds ${frame.data.byteLength} bytes, a ${w}×${h} ${format} frame needs ${needed}`);
  }
  const pixels = packRows(frame.data, w, h, channels, frame.strideBytes, format === 'BGR8');
  let image = sharp(pixels, { raw: { width: w, height: h, channels: channels as 1 | 3 | 4 } });
  if (channels === 4) image = image.removeAlpha();
  if (channels === 1) image = image.toColourspace('b-w'); // one-channel JPEG, a third of the bytes
  if (w > options.maxWidthPx) image = image.resize({ width: Math.round(options.maxWidthPx) });
  return image.jpeg({ quality: options.quality }).toBuffer();
}

/** Tightly packed rows (no copy when already packed and not BGR). */
function packRows(data: Uint8Array, w: number, h: number, channels: number, stride: number, bgr: boolean): Buffer {
  const rowBytes = w * channels;
  if (stride === rowBytes && !bgr) return Buffer.from(data.buffer, data.byteOffset, rowBytes * h);
  const out = Buffer.allocUnsafe(rowBytes * h);
  for (let y = 0; y < h; y += 1) {
    const src = y * stride;
    const dst = y * rowBytes;
    if (!bgr) {
      out.set(data.subarray(src, src + rowBytes), dst);
      continue;
    }
    for (let i = 0; i < rowBytes; i += 3) {
      out[dst + i] = data[src + i + 2] as number;
      out[dst + i + 1] = data[src + i + 1] as number;
      out[dst + i + 2] = data[src + i] as number;
    }
  }
  return out;
}
