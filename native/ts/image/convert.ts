/** Pixel-format conversion to GRAY8 / RGB8, bit-exact with OpenCV `cv::cvtColor` (`karana-image` `convert`). */
import type { PixelFormat } from '../../../hal/types.js';
import { native } from '../binding.js';
import type { FrameView } from './letterbox.js';

/** What the conversion reads: the HAL formats plus the camera formats YUYV and NV12. */
export type InputPixelFormat = PixelFormat | 'YUYV' | 'NV12';

/** What the conversion writes. */
export type ConvertTarget = 'GRAY8' | 'RGB8';

/**
 * A frame in any {@link InputPixelFormat}: row `y` starts at `y · strideBytes` (default packed). YUYV
 * packs `Y0 U Y1 V` per pixel pair (even width, V4L2 `YUYV`); NV12 is a Y plane then `heightPx / 2`
 * rows of interleaved `U V`, both with the same stride (even width and height, V4L2 `NV12`).
 */
export interface RawFrameView {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly strideBytes?: number;
  readonly format: InputPixelFormat;
}

const CHANNELS: Readonly<Record<ConvertTarget, number>> = { GRAY8: 1, RGB8: 3 };

/** Bytes a converted frame needs: `outStrideBytes · (heightPx − 1) + widthPx · channels` (packed by default). */
export function convertedLength(frame: Pick<RawFrameView, 'widthPx' | 'heightPx'>, to: ConvertTarget, outStrideBytes?: number): number {
  const row = frame.widthPx * CHANNELS[to];
  return (outStrideBytes ?? row) * (frame.heightPx - 1) + row;
}

/**
 * Converts a frame to GRAY8 or RGB8 on the calling thread, bit-exact with OpenCV 5 `cv::cvtColor`
 * (checked on every input value and on real frames):
 * - RGB8 / BGR8 / RGBA8 → GRAY8: `(9798·R + 19235·G + 3735·B + 2¹⁴) >> 15` (BT.601, `COLOR_RGB2GRAY`);
 * - YUYV / NV12 → RGB8: BT.601 video range in 20-bit fixed point (`COLOR_YUV2RGB_YUYV`, `COLOR_YUV2RGB_NV12`);
 * - YUYV / NV12 → GRAY8: the Y samples (`COLOR_YUV2GRAY_*`);
 * - GRAY8 → RGB8 replicates, BGR8 → RGB8 swaps, RGBA8 → RGB8 drops alpha, same format copies.
 *
 * @param out caller-owned, at least {@link convertedLength} bytes, not sharing memory with `frame.data`.
 * @returns the converted frame (a view of `out`), ready for {@link letterboxSync} or a {@link Resizer}.
 * @throws Error naming the bad parameter and value, e.g. `"out" must hold 995328 bytes, got 10`.
 */
export function convertSync(frame: RawFrameView, to: ConvertTarget, out: Uint8Array, outStrideBytes?: number): FrameView {
  const layout = { widthPx: frame.widthPx, heightPx: frame.heightPx, format: frame.format, strideBytes: frame.strideBytes };
  native().convertSync(frame.data, layout, to, out, outStrideBytes);
  const strideBytes = outStrideBytes ?? frame.widthPx * CHANNELS[to];
  return { data: out, widthPx: frame.widthPx, heightPx: frame.heightPx, strideBytes, format: to };
}
