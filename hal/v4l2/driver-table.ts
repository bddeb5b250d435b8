/**
 * Camera drivers of this module for the HAL driver table (`hal/drivers.ts`): `v4l2` (a `/dev/videoN` node
 * through the C addon) and `gstreamer` (a `gst:` pipeline for CSI cameras). Both take an optional
 * `emulator` option naming a REAL recording (relative to the manifest): the same driver code then runs on
 * the emulated UVC device (`v4l2`: an EuRoC/ASL camera folder or a video file) or on a `decodebin`
 * pipeline of the file (`gstreamer`), so a laptop exercises the live path.
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

const size = { widthPx: z.number().int().positive().optional(), heightPx: z.number().int().positive().optional(), rateHz: z.number().positive().optional() };
const format = z.enum(['GRAY8', 'RGB8']).optional();

export const V4l2CameraOptions = z.strictObject({
  ...size,
  format,
  fourcc: z.enum(SUPPORTED_FOURCCS).optional(),
  bufferCount: z.number().int().min(2).max(32).optional(),
  stallTimeoutMs: z.number().int().positive().optional(),
  /** A recording for the emulated UVC camera: an EuRoC/ASL camera folder or a video file. */
  emulator: z.string().min(1).optional(),
  emulatorFormats: z.array(z.enum(SUPPORTED_FOURCCS)).min(1).optional(),
  emulatorPace: z.enum(['realtime', 'asap']).optional(),
});

export const GstCameraOptions = z.strictObject({
  ...size,
  format,
  sensorId: z.number().int().nonnegative().optional(),
  cameraName: z.string().min(1).optional(),
  gstLaunchPath: z.string().min(1).optional(),
  openTimeoutMs: z.number().int().positive().optional(),
  /** A video file decoded by the same driver through `filesrc ! decodebin` instead of the camera. */
  emulator: z.string().min(1).optional(),
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
  const { emulator, emulatorFormats, emulatorPace, ...o } = V4l2CameraOptions.parse(config.options);
  const path = specOrThrow(config.id, config.path, parseVideoSpec);
  let backend = nativeV4l2Backend;
  if (emulator !== undefined) {
    const file = resolve(context.baseDir, emulator);
    const video = VIDEO_FILE.test(file);
    const source = video ? new VideoFrames(file) : new EurocFrames(file);
    backend = new EmulatedV4l2Backend([{ path, source, pace: emulatorPace ?? 'realtime', fourccs: emulatorFormats ?? (video ? ['YUYV', 'MJPG'] : ['GREY', 'YUYV', 'MJPG']) }]);
  }
  return new V4l2Camera({ id: config.id, path, backend, role: config.role ?? 'world', ...o });
}

function gstreamer(config: DeviceConfig, context: DriverContext): GstCamera {
  const { emulator, ...o } = GstCameraOptions.parse(config.options);
  const source = emulator !== undefined ? { kind: 'file' as const, path: resolve(context.baseDir, emulator) } : specOrThrow(config.id, config.path, parseGstSpec);
  return new GstCamera({ id: config.id, spec: config.path, source, role: config.role ?? 'world', ...o });
}

/** The camera drivers: `v4l2` and `gstreamer`. */
export const CAMERA_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'v4l2',
    description: 'V4L2 camera /dev/videoN (UVC webcams, USB tracking cameras): mmap capture with kernel timestamps, GREY/YUYV/NV12/MJPG',
    clock: 'absolute',
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
