/** Letterbox + normalize of 8-bit frames into float32 NCHW detector tensors (`karana-image` `letterbox`). */
import type { PixelFormat } from '../../../hal/types.js';
import { native, type Binding } from '../binding.js';
import { frameLayout } from './layout.js';

/** An 8-bit frame in a byte buffer; a HAL `CameraFrame` is one. Row `y` starts at `y · strideBytes`. */
export interface FrameView {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Default: `widthPx × bytes per pixel` (tightly packed rows). */
  readonly strideBytes?: number;
  /** GRAY8 is replicated to the three channels; RGBA8's alpha is ignored. */
  readonly format: PixelFormat;
}

export interface LetterboxOptions {
  /** Tensor width, pixels. */
  readonly targetWidth: number;
  /** Tensor height, pixels. */
  readonly targetHeight: number;
  /** Pad value in the pixel domain (0–255), normalized like the pixels. Default 114. */
  readonly padValue?: number;
  /** Order of the three output planes. Default `'RGB'`. */
  readonly channelOrder?: 'RGB' | 'BGR';
  /** Per output channel (in `channelOrder`), pixel domain: `out = (v − mean[c]) · scale[c]`. Default 0. */
  readonly mean?: readonly [number, number, number];
  /** Per output channel (in `channelOrder`). Default 1. */
  readonly scale?: readonly [number, number, number];
  /** `'center'` (default) or `'topLeft'` (YOLOX: padding right and bottom only). */
  readonly align?: 'center' | 'topLeft';
}

/**
 * Where the source frame sits in the tensor: `x_tensor = x_src · scale + padX` (same for y). Map a
 * detection back with `x_src = (x_tensor − padX) / scale`.
 */
export interface LetterboxResult {
  /** `r = min(targetWidth / sourceWidth, targetHeight / sourceHeight)`. */
  readonly scale: number;
  /** Left padding, tensor pixels. */
  readonly padX: number;
  /** Top padding, tensor pixels. */
  readonly padY: number;
  /** `floor(sourceWidth · r)`, tensor pixels (YOLOX `int(w · r)`). */
  readonly resizedWidth: number;
  /** `floor(sourceHeight · r)`, tensor pixels. */
  readonly resizedHeight: number;
  /** Source frame size, pixels (detections are clipped to it). */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** Tensor size, pixels (the detector's input size). */
  readonly targetWidth: number;
  readonly targetHeight: number;
}

/**
 * YOLOX-Nano input (`/work/shared/data/models/yolox_nano/PROVENANCE.md`, YOLOX `preproc`):
 * 416×416, BGR, 0–255 (mean 0, scale 1), pad 114, image at the top-left corner.
 */
export const YOLOX_NANO_LETTERBOX: Readonly<LetterboxOptions> = Object.freeze({
  targetWidth: 416,
  targetHeight: 416,
  padValue: 114,
  channelOrder: 'BGR',
  mean: Object.freeze([0, 0, 0] as const),
  scale: Object.freeze([1, 1, 1] as const),
  align: 'topLeft',
});

/** Floats a letterbox tensor needs: `3 · targetWidth · targetHeight`. */
export function letterboxTensorLength(options: Pick<LetterboxOptions, 'targetWidth' | 'targetHeight'>): number {
  return 3 * options.targetWidth * options.targetHeight;
}

function nativeOptions(o: LetterboxOptions): Binding.LetterboxOptions {
  return { ...o, mean: o.mean === undefined ? undefined : [...o.mean], scale: o.scale === undefined ? undefined : [...o.scale] };
}

/**
 * Letterboxes a frame into a float32 NCHW tensor `[1, 3, targetHeight, targetWidth]` in one pass.
 *
 * Resize: bilinear with OpenCV `INTER_LINEAR` pixel centres — output pixel `d` samples the source
 * at `(d + 0.5) · srcLen / dstLen − 0.5`, clamped at the edges — to `floor(w·r) × floor(h·r)`,
 * `r = min(tw / w, th / h)` (YOLOX `preproc`); values are not rounded to 8 bits (horizontal weights
 * in 14-bit fixed point: within 255 · 2⁻¹⁵ ≈ 0.008 grey level of the exact bilinear value, and within
 * 0.76 of OpenCV's `resize` + `copyMakeBorder` + `blobFromImage` on real frames). Pixels and padding
 * alike become `(v − mean[c]) · scale[c]`. Tap tables are cached per thread: a stream of frames of
 * one shape allocates nothing.
 *
 * @param out caller-owned, at least {@link letterboxTensorLength} floats; must not share memory with `frame.data`.
 * @throws Error naming the bad parameter, e.g. `"out" must hold 519168 floats, got 1000`.
 */
export function letterboxSync(frame: FrameView, options: LetterboxOptions, out: Float32Array): LetterboxResult {
  return native().letterboxSync(frame.data, frameLayout(frame), nativeOptions(options), out);
}

/**
 * {@link letterboxSync} on the libuv thread pool. Do not modify `frame.data` or `out` until the
 * promise settles. Rejects with the same messages.
 */
export async function letterbox(frame: FrameView, options: LetterboxOptions, out: Float32Array): Promise<LetterboxResult> {
  return native().letterbox(frame.data, frameLayout(frame), nativeOptions(options), out);
}
