/** Resize of 8-bit frames matching OpenCV `cv::resize` `INTER_LINEAR` / `INTER_AREA` (`karana-image` `resize`). */
import type { PixelFormat } from '../../../hal/types.js';
import { native, type Binding } from '../binding.js';
import { frameLayout } from './layout.js';
import type { FrameView } from './letterbox.js';

/** `'linear'`: `cv::INTER_LINEAR`; `'area'`: `cv::INTER_AREA`. */
export type ResizeInterpolation = 'linear' | 'area';

export interface ResizeSpec {
  readonly srcWidthPx: number;
  readonly srcHeightPx: number;
  readonly dstWidthPx: number;
  readonly dstHeightPx: number;
  /** Source and output format; every channel is resized (alpha included). */
  readonly format: PixelFormat;
  /** Default `'linear'`. */
  readonly interpolation?: ResizeInterpolation;
}

const BYTES_PER_PIXEL: Readonly<Record<PixelFormat, number>> = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 };

/**
 * Resizes frames of one shape, byte-exact with OpenCV 5 `cv::resize` on the real frames tested: OpenCV's
 * pixel centres, 11-bit fixed point and exact-2× shortcut for `'linear'`; exact box averages when
 * shrinking and OpenCV's bilinear variant when growing for `'area'`. The tap tables are built once;
 * calls allocate nothing.
 *
 * @throws Error from the constructor on sizes that are not positive integers or an unknown format
 *   or interpolation, and from the calls on a frame of another size or format, a short or
 *   overlapping `out`, e.g. `"frame.widthPx" must be 1280 (the Resizer's srcWidthPx), got 752`.
 */
export class Resizer {
  readonly spec: Readonly<ResizeSpec>;
  readonly #native: Binding.Resizer;

  constructor(spec: ResizeSpec) {
    this.#native = new (native().Resizer)({ ...spec });
    this.spec = Object.freeze({ ...spec });
  }

  /** Bytes of an output frame: `outStrideBytes · (dstHeightPx − 1) + dstWidthPx · channels`. */
  outputLength(outStrideBytes?: number): number {
    const row = this.spec.dstWidthPx * BYTES_PER_PIXEL[this.spec.format];
    return (outStrideBytes ?? row) * (this.spec.dstHeightPx - 1) + row;
  }

  /** Resizes `frame` into `out` (caller-owned) on the calling thread; returns the output frame (a view of `out`). */
  resizeSync(frame: FrameView, out: Uint8Array, outStrideBytes?: number): FrameView {
    this.#native.resizeSync(frame.data, frameLayout(frame), out, outStrideBytes);
    return this.#output(out, outStrideBytes);
  }

  /** {@link resizeSync} on the libuv thread pool; `frame.data` and `out` must not be touched until it settles. */
  async resize(frame: FrameView, out: Uint8Array, outStrideBytes?: number): Promise<FrameView> {
    await this.#native.resize(frame.data, frameLayout(frame), out, outStrideBytes);
    return this.#output(out, outStrideBytes);
  }

  #output(out: Uint8Array, outStrideBytes: number | undefined): FrameView {
    const { dstWidthPx: widthPx, dstHeightPx: heightPx, format } = this.spec;
    return { data: out, widthPx, heightPx, strideBytes: outStrideBytes ?? widthPx * BYTES_PER_PIXEL[format], format };
  }
}
