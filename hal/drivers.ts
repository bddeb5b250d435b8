/**
 * The driver table: every HAL driver the session loader can build, by name (Monado
 * `targets/common/target_lists.c` style: one table, no `if (driver === …)` chains). An entry says which device
 * kinds the driver serves (with the schema of its manifest options for each), which clock its recordings use,
 * and how to create a device from a validated `[[devices]]` entry of `session.toml` (see `docs/sessions.md`).
 *
 * Clocks: `absolute` recordings are stamped on a shared wall clock (EuRoC: UNIX ns) and are mapped to session
 * time by subtracting the session's `startNs`; `relative` recordings (WAV, video, traces) start near 0 and are
 * shifted by the device's `offsetS`. `windowed` drivers can replay only a time window of their recording.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { CsvPowerTrace, CsvThermalTrace } from './mock/csv-trace.js';
import { EurocCamera } from './mock/euroc-camera.js';
import { loadEurocGroundTruth } from './mock/euroc-groundtruth.js';
import type { GroundTruth } from './mock/euroc-groundtruth.js';
import { EurocImu } from './mock/euroc-imu.js';
import type { FaultsConfig } from './faults/schema.js';
import { AUDIO_DRIVERS } from './alsa/driver-table.js';
import { HID_DRIVERS } from './hid/drivers.js';
import { I2C_DRIVERS } from './i2c/drivers.js';
import { MCAP_DRIVERS } from './mcap/drivers.js';
import { SERIAL_DRIVERS } from './serial/drivers.js';
import { SYSFS_DRIVERS } from './sysfs/driver-table.js';
import { CAMERA_DRIVERS } from './v4l2/driver-table.js';
import type { TimeWindow } from './mock/time-window.js';
import { VideoCamera } from './mock/video-camera.js';
import { WavAudio } from './mock/wav-audio.js';
import type { AnyDevice, CameraRole, DeviceKind } from './types.js';

/** How a recording's stamps relate to the session clock (see the module documentation). */
export type DeviceClock = 'absolute' | 'relative';

/** A validated `[[devices]]` entry of a session. */
export interface DeviceConfig {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly driver: string;
  /** Recording path as written in the manifest: relative to the manifest's folder, or absolute. */
  readonly path: string;
  /** Cameras only; default per driver (`tracking` for euroc-camera, `world` for video-camera). */
  readonly role?: CameraRole;
  /**
   * The recording's clock when it differs from the driver's usual one, e.g. `relative` for an ASL folder of
   * world-camera frames stamped from the clip start; default {@link DriverEntry.clock}.
   */
  readonly clock?: DeviceClock;
  /** Shift added to the device clock when mapping it to session time, s. */
  readonly offsetS: number;
  /** The driver's own options (validated by its schema for this kind). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Faults injected into this device's stream (`docs/faults.md`). */
  readonly faults?: FaultsConfig;
  /** Live devices: how their clock is mapped to the runtime's (`src/layers/hardware/time-sync.ts`). */
  readonly timeSync?: {
    /** Fixed capture-to-driver latency, s (e.g. Kalibr `timeshift_cam_imu`, a sensor's readout time). */
    readonly latencyS?: number;
    readonly method?: 'ticsync' | 'pll' | 'leastSquares';
    /** Estimator window, s. */
    readonly windowS?: number;
  };
}

/** What the loader passes to a driver besides the config. */
export interface DriverContext {
  /** Folder the config's `path` is relative to (the manifest's folder). */
  readonly baseDir: string;
  /** Time window to replay, device clock (only given to `windowed` drivers). */
  readonly window?: TimeWindow;
}

export interface DriverEntry {
  readonly name: string;
  readonly description: string;
  readonly clock: DeviceClock;
  readonly windowed: boolean;
  /** Device kinds served, each with the schema of the driver's options in a `[[devices]]` entry. */
  readonly options: Readonly<Partial<Record<DeviceKind, z.ZodObject>>>;
  /** Creates an unopened device; throws `DeviceError` for options the schema cannot catch. */
  create(config: DeviceConfig, context: DriverContext): AnyDevice;
}

/** A validated `[groundtruth]` section. */
export interface GroundTruthConfig {
  readonly driver: string;
  readonly path: string;
  readonly offsetS: number;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface GroundTruthDriverEntry {
  readonly name: string;
  readonly description: string;
  readonly clock: DeviceClock;
  readonly options: z.ZodObject;
  load(config: GroundTruthConfig, context: DriverContext): Promise<GroundTruth>;
}

const rateHz = z.number().positive().optional();
const column = z.union([z.string().min(1), z.number().int().nonnegative()], {
  error: 'expected a column name (string) or a 0-based column index',
});
const traceColumn = z.strictObject({ column, scale: z.number().refine(Number.isFinite, 'must be finite').optional() });
const traceCommon = {
  header: z.boolean().optional(),
  delimiter: z.string().length(1).optional(),
  time: z.strictObject({ column, unit: z.enum(['s', 'ms', 'us', 'ns']) }),
  startS: z.number().nonnegative().optional(),
  rateHz,
};

const EurocCameraOptions = z.object({ format: z.enum(['GRAY8', 'RGB8']).optional(), rateHz });
const EurocImuOptions = z.object({ rateHz });
const VideoCameraOptions = z.object({ ffmpegPath: z.string().min(1).optional(), ffprobePath: z.string().min(1).optional() });
const WavAudioOptions = z.object({
  chunkSamples: z.number().int().positive().optional(),
  lastChunk: z.enum(['partial', 'pad', 'drop']).optional(),
});
const ThermalTraceOptions = z.object({ ...traceCommon, zone: z.string().min(1).optional(), values: z.strictObject({ tempC: traceColumn }) });
const PowerTraceOptions = z.object({
  ...traceCommon,
  values: z
    .strictObject({
      batteryPercent: traceColumn.optional(),
      voltageV: traceColumn.optional(),
      powerW: traceColumn.optional(),
      charging: traceColumn.optional(),
    })
    .refine((v) => Object.keys(v).length > 0, 'map at least one of batteryPercent, voltageV, powerW, charging'),
});

const at = (config: DeviceConfig, context: DriverContext): string => resolve(context.baseDir, config.path);

/** The device drivers, by name. */
export const DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'csv-trace',
    description: 'thermal or power readings from a CSV log with a column mapping',
    clock: 'relative',
    windowed: false,
    options: { thermal: ThermalTraceOptions, power: PowerTraceOptions },
    create(config, context) {
      const common = { id: config.id, path: at(config, context) };
      return config.kind === 'thermal'
        ? new CsvThermalTrace({ ...common, ...ThermalTraceOptions.parse(config.options) })
        : new CsvPowerTrace({ ...common, ...PowerTraceOptions.parse(config.options) });
    },
  },
  {
    name: 'euroc-camera',
    description: 'EuRoC/ASL camera folder: data.csv + data/ images (PNG, JPEG, WebP) + sensor.yaml',
    clock: 'absolute',
    windowed: true,
    options: { camera: EurocCameraOptions },
    create(config, context) {
      const options = EurocCameraOptions.parse(config.options);
      return new EurocCamera({ id: config.id, path: at(config, context), role: config.role ?? 'tracking', ...options, window: context.window });
    },
  },
  {
    name: 'euroc-imu',
    description: 'EuRoC/ASL IMU folder: data.csv (ns, gyro rad/s, accel m/s²) + sensor.yaml noise',
    clock: 'absolute',
    windowed: true,
    options: { imu: EurocImuOptions },
    create(config, context) {
      return new EurocImu({ id: config.id, path: at(config, context), ...EurocImuOptions.parse(config.options), window: context.window });
    },
  },
  {
    name: 'video-camera',
    description: 'video file decoded by FFmpeg to RGB8 frames at their pts',
    clock: 'relative',
    windowed: false,
    options: { camera: VideoCameraOptions },
    create(config, context) {
      const options = VideoCameraOptions.parse(config.options);
      return new VideoCamera({ id: config.id, path: at(config, context), role: config.role ?? 'world', ...options });
    },
  },
  {
    name: 'wav-audio',
    description: 'RIFF WAVE file as microphone chunks (Float32 in [-1, 1])',
    clock: 'relative',
    windowed: false,
    options: { audio: WavAudioOptions },
    create(config, context) {
      return new WavAudio({ id: config.id, path: at(config, context), ...WavAudioOptions.parse(config.options) });
    },
  },
  ...MCAP_DRIVERS,
  ...SERIAL_DRIVERS,
  ...HID_DRIVERS,
  ...I2C_DRIVERS,
  ...CAMERA_DRIVERS,
  ...AUDIO_DRIVERS,
  ...SYSFS_DRIVERS,
] satisfies DriverEntry[]);

/** The ground-truth loaders, by name. */
export const GROUNDTRUTH_DRIVERS: readonly GroundTruthDriverEntry[] = Object.freeze([
  {
    name: 'euroc-groundtruth',
    description: 'EuRoC/ASL state_groundtruth_estimate0 (ns, p xyz m, q wxyz)',
    clock: 'absolute',
    options: z.object({}),
    load: (config, context) => loadEurocGroundTruth(resolve(context.baseDir, config.path), { window: context.window }),
  },
] satisfies GroundTruthDriverEntry[]);

/** The device driver called `name`, or undefined. */
export function findDriver(name: string): DriverEntry | undefined {
  return DRIVERS.find((d) => d.name === name);
}

/** The ground-truth driver called `name`, or undefined. */
export function findGroundTruthDriver(name: string): GroundTruthDriverEntry | undefined {
  return GROUNDTRUTH_DRIVERS.find((d) => d.name === name);
}

/** `unknown driver "v4l3" (known: csv-trace, euroc-camera, …)`, for error messages. */
export function unknownDriverMessage(name: string, table: readonly { readonly name: string }[] = DRIVERS): string {
  return `unknown driver ${JSON.stringify(name)} (known: ${table.map((d) => d.name).join(', ')})`;
}

/** The clock of a configured device: its `clock` field, else its driver's (absolute when the driver is unknown). */
export function clockOf(config: Pick<DeviceConfig, 'driver' | 'clock'>): DeviceClock {
  return config.clock ?? findDriver(config.driver)?.clock ?? 'absolute';
}

/** The kinds a driver serves. */
export function driverKinds(entry: DriverEntry): DeviceKind[] {
  return Object.keys(entry.options) as DeviceKind[];
}
