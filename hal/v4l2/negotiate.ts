/**
 * V4L2 format negotiation: from what the device enumerates (VIDIOC_ENUM_FMT / ENUM_FRAMESIZES /
 * ENUM_FRAMEINTERVALS) and what the session asks (output GRAY8 or RGB8, a size, a rate), the pixel format,
 * size and frame interval to request with VIDIOC_S_FMT and VIDIOC_S_PARM. The driver then uses what
 * S_FMT actually set (drivers adjust the request to the nearest size they support; V4L2 API, "Data Formats",
 * vidioc-g-fmt: "drivers should not return an error code unless the type field is invalid").
 *
 * Pixel formats read (V4L2 API "Image Formats"): `GREY` (8-bit luma, `V4L2_PIX_FMT_GREY`), `YUYV`
 * (packed 4:2:2 `Y0 U0 Y1 V0`, `V4L2_PIX_FMT_YUYV`), `NV12` (single-plane 4:2:0, Y plane then interleaved
 * `U V`, `V4L2_PIX_FMT_NV12`), `MJPG` (Motion-JPEG, one baseline JPEG per buffer, `V4L2_PIX_FMT_MJPEG`).
 * Preference: for a GRAY8 output the formats whose luma is read without conversion first (GREY, then YUYV
 * and NV12, whose Y samples are the gray image exactly, then MJPG); for RGB8 the uncompressed YUV formats
 * first (exact BT.601 conversion), then MJPG (lossy), then GREY (no colour).
 */
import type { V4l2FormatDesc, V4l2Fraction, V4l2FrameSize } from './backend.js';

/** FourCCs the driver can turn into frames. */
export const SUPPORTED_FOURCCS = ['GREY', 'YUYV', 'NV12', 'MJPG'] as const;
export type SupportedFourcc = (typeof SUPPORTED_FOURCCS)[number];

/** The frame format the driver delivers. */
export type V4l2OutputFormat = 'GRAY8' | 'RGB8';

const PREFERENCE: Readonly<Record<V4l2OutputFormat, readonly SupportedFourcc[]>> = {
  GRAY8: ['GREY', 'YUYV', 'NV12', 'MJPG'],
  RGB8: ['YUYV', 'NV12', 'MJPG', 'GREY'],
};

/** What the session asks for; every field optional except the output format. */
export interface FormatRequest {
  readonly output: V4l2OutputFormat;
  /** Force a pixel format (must be offered and supported). */
  readonly fourcc?: SupportedFourcc;
  readonly widthPx?: number;
  readonly heightPx?: number;
  readonly rateHz?: number;
}

/** The choice to request from the device. */
export interface FormatChoice {
  readonly fourcc: SupportedFourcc;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Frame interval to request, or undefined when the device lists none for this size. */
  readonly interval?: V4l2Fraction;
}

/** True for a FourCC the driver can convert. */
export function isSupportedFourcc(fourcc: string): fourcc is SupportedFourcc {
  return (SUPPORTED_FOURCCS as readonly string[]).includes(fourcc);
}

/**
 * Chooses format, size and interval, or returns the reason none fits (a message naming what the device
 * offers and what the driver reads).
 */
export function chooseFormat(formats: readonly V4l2FormatDesc[], request: FormatRequest): FormatChoice | { readonly error: string } {
  const offered = formats.map((f) => f.fourcc);
  const order = request.fourcc !== undefined ? [request.fourcc] : PREFERENCE[request.output];
  const desc = order.map((cc) => formats.find((f) => f.fourcc === cc)).find((f) => f !== undefined);
  if (desc === undefined) {
    const want = request.fourcc !== undefined ? `the requested ${request.fourcc}` : `one of ${SUPPORTED_FOURCCS.join(', ')}`;
    return { error: `the device offers ${offered.length > 0 ? offered.join(', ') : 'no capture format'}; the driver needs ${want}` };
  }
  const fourcc = desc.fourcc as SupportedFourcc;
  const size = chooseSize(desc.sizes, request);
  if (size === undefined) return { widthPx: request.widthPx ?? 640, heightPx: request.heightPx ?? 480, fourcc };
  const interval = chooseInterval(size.size.intervals, request.rateHz);
  return { fourcc, widthPx: size.widthPx, heightPx: size.heightPx, ...(interval !== undefined ? { interval } : {}) };
}

/** Nearest size to the request by area (then by width); with no request the largest. Stepwise: snapped. */
function chooseSize(sizes: readonly V4l2FrameSize[], request: FormatRequest): { size: V4l2FrameSize; widthPx: number; heightPx: number } | undefined {
  if (sizes.length === 0) return undefined;
  const { widthPx, heightPx } = request;
  if (widthPx === undefined || heightPx === undefined) {
    const largest = [...sizes].sort((a, b) => b.widthPx * b.heightPx - a.widthPx * a.heightPx)[0] as V4l2FrameSize;
    return { size: largest, widthPx: largest.widthPx, heightPx: largest.heightPx };
  }
  const first = sizes[0] as V4l2FrameSize;
  if (first.minWidthPx !== undefined) {
    return { size: first, widthPx: snap(widthPx, first.minWidthPx, first.widthPx, first.stepWidthPx ?? 1), heightPx: snap(heightPx, first.minHeightPx ?? 1, first.heightPx, first.stepHeightPx ?? 1) };
  }
  const target = widthPx * heightPx;
  const best = [...sizes].sort((a, b) => Math.abs(a.widthPx * a.heightPx - target) - Math.abs(b.widthPx * b.heightPx - target) || Math.abs(a.widthPx - widthPx) - Math.abs(b.widthPx - widthPx))[0] as V4l2FrameSize;
  return { size: best, widthPx: best.widthPx, heightPx: best.heightPx };
}

function snap(v: number, lo: number, hi: number, step: number): number {
  const clamped = Math.min(hi, Math.max(lo, v));
  return lo + Math.round((clamped - lo) / Math.max(1, step)) * Math.max(1, step);
}

/** The interval closest to 1/rateHz, or the shortest one (fastest rate) with no request. */
function chooseInterval(intervals: readonly V4l2Fraction[], rateHz: number | undefined): V4l2Fraction | undefined {
  const valid = intervals.filter((i) => i.numerator > 0 && i.denominator > 0);
  if (valid.length === 0) return undefined;
  const seconds = (i: V4l2Fraction): number => i.numerator / i.denominator;
  const target = rateHz !== undefined && rateHz > 0 ? 1 / rateHz : 0;
  return [...valid].sort((a, b) => Math.abs(seconds(a) - target) - Math.abs(seconds(b) - target))[0];
}

/** Frames per second of an interval (0 for a degenerate one). */
export function rateOf(interval: V4l2Fraction | null | undefined): number {
  return interval !== null && interval !== undefined && interval.numerator > 0 ? interval.denominator / interval.numerator : 0;
}
