/**
 * Camera drivers of this module for the HAL driver table (`hal/drivers.ts`): `v4l2` (a `/dev/videoN` node
 * through the C addon) and `gstreamer` (a `gst:` pipeline for CSI cameras). Both take an optional
 * `emulator = { recording = "…" }` option naming a REAL recording (relative to the manifest): the same driver
 * code then runs on the emulated UVC device (`v4l2`: an EuRoC/ASL camera folder or a video file, with `pace`
 * and the `formats` it offers) or on a `decodebin` pipeline of the file (`gstreamer`), so a laptop exercises
 * the live path. Also {@link emulatorOption}, the `emulator` schema of the audio and sysfs drivers.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DeviceConfig, DriverContext, DriverEntry } from '../drivers.js';
import { EmulatedV4l2Backend } from '../emulators/v4l2/device.js';
import { EurocFrames, VideoFrames } from '../emulators/v4l2/frames.js';
import { GstCamera } from '../gstreamer/camera.js';
import { parseGstSpec } from '../gstreamer/pipeline.js';
import { DeviceError } from '../types.js';
import { V4l2Camera } from './camera.js';
import { nativeV4l2Backend } from './native-backend.js';
import { SUPPORTED_FOURCCS } from './negotiate.js';
import { parseVideoSpec } from './spec.js';

const RECORDING_MESSAGE = 'expected the path of a recording, relative to the manifest';

/**
 * The `emulator` option of a live driver, an inline table of the same shape as the I²C, serial and HID
 * drivers': `emulator = { recording = "<path relative to the manifest>", …extra }`, where `extra` holds the
 * driver's own keys (e.g. {@link emulatorPace}). Unknown keys are refused; a bare string (the old form) is
 * refused with the expected shape, `example` showing the driver's keys.
 */
export function emulatorOption<const Extra extends z.ZodRawShape>(example: string, extra: Extra) {
  return z
    .strictObject(
      { recording: z.string({ error: RECORDING_MESSAGE }).min(1, RECORDING_MESSAGE), ...extra },
      { error: (issue) => (issue.code === 'invalid_type' ? `expected an inline table ${example}` : undefined) },
    )
    .optional();
}

/** `pace`: `realtime` (default) replays at the recorded times, `asap` as fast as the driver reads. */
export const emulatorPace = z.enum(['realtime', 'asap'], { error: 'expected "realtime" or "asap"' }).optional();

const size = { widthPx: z.number().int().positive().optional(), heightPx: z.number().int().positive().optional(), rateHz: z.number().positive().optional() };
const format = z.enum(['GRAY8', 'RGB8']).optional();

export const V4l2CameraOptions = z.strictObject({
  ...size,
  format,
  fourcc: z.enum(SUPPORTED_FOURCCS).optional(),
  bufferCount: z.number().int().min(2).max(32).optional(),
  stallTimeoutMs: z.number().int().positive().optional(),
  /** The emulated UVC camera: a recording (an EuRoC/ASL camera folder or a video file), its pace, the pixel formats it offers. */
  emulator: emulatorOption('{ recording = "<camera folder or video file>", pace = "realtime" | "asap", formats = ["GREY", "YUYV", …] }', {
    pace: emulatorPace,
    formats: z.array(z.enum(SUPPORTED_FOURCCS, { error: `expected one of ${SUPPORTED_FOURCCS.join(', ')}` })).min(1, 'expected at least one pixel format').optional(),
  }),
});

export const GstCameraOptions = z.strictObject({
  ...size,
  format,
  sensorId: z.number().int().nonnegative().optional(),
  cameraName: z.string().min(1).optional(),
  gstLaunchPath: z.string().min(1).optional(),
  openTimeoutMs: z.number().int().positive().optional(),
  /** A video file decoded by the same driver through `filesrc ! decodebin` instead of the camera (as fast as it decodes). */
  emulator: emulatorOption('{ recording = "<video file>" }', {}),
});

const VIDEO_FILE = /\.(mp4|mkv|webm|mov|avi)$/i;

/** `spec` parsed by `parse`, or a DeviceError of device `id` with the parser's message. */
export function specOrThrow<T>(id: string, spec: string, parse: (s: string) => T): T {
  try {
    return parse(spec);
  } catch (err) {
    throw new DeviceError(id, (err as Error).message, { cause: err });
  }
}

function v4l2(config: DeviceConfig, context: DriverContext): V4l2Camera {
  const { emulator, ...o } = V4l2CameraOptions.parse(config.options);
  const path = specOrThrow(config.id, config.path, parseVideoSpec);
  let backend = nativeV4l2Backend;
  if (emulator !== undefined) {
    const file = resolve(context.baseDir, emulator.recording);
    const video = VIDEO_FILE.test(file);
    const source = video ? new VideoFrames(file) : new EurocFrames(file);
    backend = new EmulatedV4l2Backend([{ path, source, pace: emulator.pace ?? 'realtime', fourccs: emulator.formats ?? (video ? ['YUYV', 'MJPG'] : ['GREY', 'YUYV', 'MJPG']) }]);
  }
  return new V4l2Camera({ id: config.id, path, backend, role: config.role ?? 'world', ...o });
}

function gstreamer(config: DeviceConfig, context: DriverContext): GstCamera {
  const { emulator, ...o } = GstCameraOptions.parse(config.options);
  const source = emulator !== undefined ? { kind: 'file' as const, path: resolve(context.baseDir, emulator.recording) } : specOrThrow(config.id, config.path, parseGstSpec);
  return new GstCamera({ id: config.id, spec: config.path, source, role: config.role ?? 'world', ...o });
}

/** The camera drivers: `v4l2` and `gstreamer`. */
export const CAMERA_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'v4l2',
    description: 'V4L2 camera /dev/videoN (UVC webcams, USB tracking cameras): mmap capture with kernel timestamps, GREY/YUYV/NV12/MJPG',
    clock: 'relative',
    windowed: false,
    options: { camera: V4l2CameraOptions },
    create: v4l2,
  },
  {
    name: 'gstreamer',
    description: 'GStreamer pipeline camera gst:libcamera (Raspberry Pi 5 CSI), gst:nvargus (Jetson CSI), gst:file:<path> or gst:<pipeline>',
    clock: 'relative',
    windowed: false,
    options: { camera: GstCameraOptions },
    create: gstreamer,
  },
] satisfies DriverEntry[]);
