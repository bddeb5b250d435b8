/**
 * Image files (PNG, JPEG, WebP, TIFF, … anything libvips/sharp reads) decoded to raw 8-bit pixels, for the
 * folder-of-images cameras. Decoding runs on sharp's thread pool (asynchronous, like a real capture).
 */
import sharp from 'sharp';
import type { PixelFormat } from '../types.js';

/** Formats an image folder may be decoded to: 1-channel images → `GRAY8`, colour → `RGB8`. */
export type ImageFormat = Extract<PixelFormat, 'GRAY8' | 'RGB8'>;

/** Size (as stored, EXIF orientation not applied) and natural format of an image, from its header only. */
export interface ImageHeader {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly format: ImageFormat;
}

/** Raw pixels, row-major, tightly packed (`strideBytes` = width × bytes per pixel). */
export interface DecodedImage {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly data: Buffer;
}

/** Reads the header of an encoded image; throws sharp's error when it is not an image. */
export async function readImageHeader(bytes: Buffer): Promise<ImageHeader> {
  const meta = await sharp(bytes).metadata();
  const format: ImageFormat = meta.channels <= 2 ? 'GRAY8' : 'RGB8';
  return { widthPx: meta.width, heightPx: meta.height, format };
}

/**
 * Decodes `bytes` to `format` (alpha dropped; colour → luminance for `GRAY8`, grey replicated for `RGB8`;
 * 16-bit images are scaled to 8 bits). Throws sharp's error for a corrupt or truncated image (libvips fails on
 * the first decoder warning).
 */
export async function decodeImage(bytes: Buffer, format: ImageFormat): Promise<DecodedImage> {
  const image = sharp(bytes, { failOn: 'warning' }).removeAlpha();
  const converted = format === 'GRAY8' ? image.toColourspace('b-w') : image.toColourspace('srgb');
  const { data, info } = await converted.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const expected = format === 'GRAY8' ? 1 : 3;
  if (info.channels !== expected) throw new Error(`decoded to ${info.channels} channels, expected ${expected}`);
  return { widthPx: info.width, heightPx: info.height, data };
}
