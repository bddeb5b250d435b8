/**
 * The V4L2 operations the camera driver needs, as a small backend interface (the serialport "binding"
 * pattern): the C addon (`native-backend.ts`, the real kernel interface) and the emulated UVC device
 * (`hal/emulators/v4l2/`) implement it; the driver above it (`camera.ts`) is the same for both.
 *
 * Each method is the V4L2 ioctl it names (Linux Media Infrastructure userspace API, "Video for Linux API":
 * VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT / ENUM_FRAMESIZES / ENUM_FRAMEINTERVALS, VIDIOC_S_FMT, VIDIOC_S_PARM,
 * VIDIOC_REQBUFS + QUERYBUF + mmap + QBUF + STREAMON, VIDIOC_DQBUF, VIDIOC_STREAMOFF). Errors are `Error`s
 * whose `code` is the errno name (`ENOENT`, `EACCES`, `EBUSY`, `ENODEV`, `ENOTTY`) and whose message names
 * the device path and the call.
 *
 * Buffer lifetime: `startStreaming` returns the mapped buffers; after `dequeue` returns `{index, bytesUsed}`
 * the first `bytesUsed` bytes of buffer `index` hold that frame until `queue(index)` hands it back to the
 * device, which may overwrite it from then on. `stopStreaming`/`close` invalidate every buffer.
 */
import type {
  V4l2Capability,
  V4l2DequeuedBuffer,
  V4l2FormatDesc,
  V4l2Fraction,
  V4l2PixFormat,
} from '../native/index.js';

export type { V4l2Capability, V4l2DequeuedBuffer, V4l2FormatDesc, V4l2Fraction, V4l2FrameSize, V4l2PixFormat } from '../native/index.js';

/** An open V4L2 capture node. */
export interface V4l2Port {
  readonly path: string;
  queryCap(): V4l2Capability;
  enumFormats(): V4l2FormatDesc[];
  /** What the driver actually set (size and format may differ from the request). */
  setFormat(fourcc: string, widthPx: number, heightPx: number): V4l2PixFormat;
  /** Seconds per frame = numerator / denominator; the interval set, or null if the device has no rate control. */
  setFrameInterval(numerator: number, denominator: number): V4l2Fraction | null;
  /** Allocates, maps and queues `bufferCount` buffers and starts capture; returns the buffers by index. */
  startStreaming(bufferCount: number): ArrayBuffer[];
  /** Waits (off the JS thread) for a filled buffer; null on timeout or `cancel()`. */
  dequeue(timeoutMs: number): Promise<V4l2DequeuedBuffer | null>;
  /** Hands buffer `index` back to the device. */
  queue(index: number): void;
  /** Wakes a pending `dequeue` (it resolves null). */
  cancel(): void;
  stopStreaming(): void;
  close(): void;
}

/** Opens V4L2 nodes by path. */
export interface V4l2Backend {
  /** `native` (the C addon) or `emulator`. */
  readonly name: string;
  open(path: string): Promise<V4l2Port>;
}

/** V4L2_CAP_* bits (videodev2.h) used by the probe and the driver. */
export const V4L2_CAP = Object.freeze({
  VIDEO_CAPTURE: 0x00000001,
  VIDEO_CAPTURE_MPLANE: 0x00001000,
  META_CAPTURE: 0x00800000,
  READWRITE: 0x01000000,
  STREAMING: 0x04000000,
  DEVICE_CAPS: 0x80000000,
});

/** V4L2_BUF_FLAG_* bits (videodev2.h, buffer.html). */
export const V4L2_BUF_FLAG = Object.freeze({
  MAPPED: 0x1,
  QUEUED: 0x2,
  DONE: 0x4,
  KEYFRAME: 0x8,
  ERROR: 0x40,
  TIMESTAMP_MONOTONIC: 0x2000,
  TIMESTAMP_COPY: 0x4000,
  TSTAMP_SRC_SOE: 0x10000,
});

/** An error shaped like the addon's: `code` = errno name, message naming the path and the call. */
export function v4l2Error(code: string, path: string, call: string, reason: string): Error & { code: string } {
  const err = new Error(`karana_hal: ${path}: ${call} failed: ${reason} (${code})`) as Error & { code: string };
  err.code = code;
  return err;
}
