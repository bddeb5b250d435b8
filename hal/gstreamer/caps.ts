/**
 * Raw-video caps as `gst_caps_to_string` writes them (`video/x-raw, format=(string)GRAY8, width=(int)752,
 * height=(int)480, framerate=(fraction)20/1, …`) → the frame layout. GStreamer video formats read
 * (GstVideoFormat, gst-plugins-base `video-format.h`): GRAY8, RGB, BGR, RGBA, RGBx (alpha dropped by the
 * caller) mapped to the HAL's GRAY8, RGB8, BGR8 and RGBA8. Row stride: GStreamer's default for packed
 * formats, `GST_ROUND_UP_4(width × bytes per pixel)` (`gst_video_info_set_format`, video-info.c).
 */
import type { PixelFormat } from '../types.js';

/** The layout of the buffers that follow a caps packet. */
export interface RawVideoCaps {
  readonly format: PixelFormat;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Frames per second from `framerate`; 0 for variable rate (`0/1`) or when absent. */
  readonly rateHz: number;
  /** Bytes per row in the GStreamer buffer (padding included). */
  readonly strideBytes: number;
}

const FORMATS: Readonly<Record<string, { format: PixelFormat; bpp: number }>> = {
  GRAY8: { format: 'GRAY8', bpp: 1 },
  RGB: { format: 'RGB8', bpp: 3 },
  BGR: { format: 'BGR8', bpp: 3 },
  RGBA: { format: 'RGBA8', bpp: 4 },
};

/** Parses raw-video caps; returns the reason when they are not a layout the driver reads. */
export function parseRawVideoCaps(caps: string): RawVideoCaps | { readonly error: string } {
  const media = caps.split(',')[0]?.trim() ?? '';
  if (media !== 'video/x-raw') return { error: `caps ${JSON.stringify(caps.slice(0, 80))} are not video/x-raw (end the pipeline with videoconvert ! video/x-raw,format=GRAY8 or RGB)` };
  const field = (name: string): string | undefined => new RegExp(`(?:^|,)\\s*${name}=\\([a-z]+\\)"?([^,;"]+)`).exec(caps)?.[1]?.trim();
  const name = field('format') ?? '';
  const spec = FORMATS[name];
  if (spec === undefined) return { error: `video format ${JSON.stringify(name)} is not one of ${Object.keys(FORMATS).join(', ')}` };
  const widthPx = Number(field('width'));
  const heightPx = Number(field('height'));
  if (!(Number.isInteger(widthPx) && widthPx > 0 && Number.isInteger(heightPx) && heightPx > 0)) return { error: `caps without a fixed width and height: ${caps.slice(0, 120)}` };
  const rate = /^(\d+)\/(\d+)$/.exec(field('framerate') ?? '');
  const rateHz = rate !== null && Number(rate[2]) > 0 ? Number(rate[1]) / Number(rate[2]) : 0;
  return { format: spec.format, widthPx, heightPx, rateHz, strideBytes: Math.ceil((widthPx * spec.bpp) / 4) * 4 };
}
