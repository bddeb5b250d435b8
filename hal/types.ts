/**
 * Hardware abstraction: one interface per device kind. Real drivers and mock (replay) drivers implement
 * the same interface; the runtime is handed a device and never knows which one it got (the serialport
 * "binding" pattern: `SerialPort` and `SerialPortMock` differ only in the binding they are given).
 *
 * Clocks: every sample carries `deviceTimeNs`, the time of capture on the device's own clock, as a bigint
 * (EuRoC stamps are UNIX ns ≈ 1.4e18, beyond 2^53). Drivers of live devices also stamp `hostTimeNs`, the
 * host's CLOCK_MONOTONIC (`process.hrtime.bigint()`) when the sample reached the driver; the pair is what
 * the clock estimator (`src/layers/hardware/time-sync.ts`, native TICSync) maps device clocks with. Mapping
 * device clocks to the runtime clock is the hardware layer's job, not the driver's.
 *
 * Errors: `open()` throws a {@link DeviceError} when the device cannot be used at all (missing file, no
 * permission). `read()` throws a {@link SampleError} for one bad sample (corrupt frame, short CSV row): the
 * device stays usable and the next `read()` returns the sample after it. Any other error from `read()` is
 * fatal for that device only.
 */

/** Device kinds of the HAL. */
export type DeviceKind = 'camera' | 'imu' | 'audio' | 'thermal' | 'power';

/** What a camera is for: `tracking` (global-shutter, head tracking) or `world` (what the wearer sees). */
export type CameraRole = 'tracking' | 'world';

/** Pixel layouts a camera may deliver, as the native kernels accept them. */
export type PixelFormat = 'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8';

/** Bytes per pixel of each {@link PixelFormat}. */
export const BYTES_PER_PIXEL: Readonly<Record<PixelFormat, number>> = Object.freeze({
  GRAY8: 1,
  RGB8: 3,
  BGR8: 3,
  RGBA8: 4,
});

/** Static description of an opened device. */
export interface DeviceInfo {
  /** Unique id within a session, e.g. `cam0`, `imu0`, `mic`. */
  readonly id: string;
  readonly kind: DeviceKind;
  /** Driver name from the driver table, e.g. `euroc-camera`, `v4l2`. */
  readonly driver: string;
  /** True for drivers that replay a recording (their samples may be read ahead of time). */
  readonly replay: boolean;
  /** Nominal sample rate, Hz (frames/s for cameras, samples/s for IMUs, chunks are not counted). */
  readonly nominalRateHz: number;
  /** Where the data comes from: a file path, `/dev/video0`, `i2c:1:0x68`, … */
  readonly source: string;
}

/** Pinhole + radial-tangential calibration, as in EuRoC/Kalibr `sensor.yaml`. */
export interface CameraCalibration {
  /** fx, fy, cx, cy in pixels. */
  readonly intrinsics: readonly [number, number, number, number];
  readonly distortionModel: 'radial-tangential' | 'equidistant' | 'none';
  readonly distortion: readonly number[];
  /** T_body_camera, row-major 4×4: maps points from the camera frame to the body (IMU) frame. */
  readonly T_body_camera: readonly number[];
}

export interface CameraInfo extends DeviceInfo {
  readonly kind: 'camera';
  readonly role: CameraRole;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly format: PixelFormat;
  readonly calibration?: CameraCalibration;
}

export interface ImuInfo extends DeviceInfo {
  readonly kind: 'imu';
  readonly hasMagnetometer: boolean;
  /** Noise model from the datasheet or calibration (continuous-time densities). */
  readonly noise?: {
    readonly gyroNoiseDensityRadpsPerSqrtHz: number;
    readonly gyroRandomWalkRadps2PerSqrtHz: number;
    readonly accelNoiseDensityMps2PerSqrtHz: number;
    readonly accelRandomWalkMps3PerSqrtHz: number;
  };
}

export interface AudioInfo extends DeviceInfo {
  readonly kind: 'audio';
  readonly sampleRateHz: number;
  readonly channels: number;
  /** Samples per chunk delivered by `read()`. */
  readonly chunkSamples: number;
}

export interface ThermalInfo extends DeviceInfo {
  readonly kind: 'thermal';
  /** Thermal zone name, e.g. `cpu-thermal`, `soc`. */
  readonly zone: string;
}

export interface PowerInfo extends DeviceInfo {
  readonly kind: 'power';
}

/** The two clocks of a sample (see the module documentation). */
export interface Stamped {
  /** Capture time on the device's own clock, ns. */
  readonly deviceTimeNs: bigint;
  /**
   * Live devices: host CLOCK_MONOTONIC when the sample reached the driver (after any transport delay), ns.
   * Absent for replayed recordings, whose device clock is the only one.
   */
  readonly hostTimeNs?: bigint;
}

/** A camera frame, row-major, `strideBytes` per row. The buffer belongs to the receiver. */
export interface CameraFrame extends Stamped {
  /** Frame number from the device, 0-based, counting frames the device produced (gaps show drops). */
  readonly seq: number;
  /** Capture time (start of exposure or kernel timestamp), device clock, ns. */
  readonly deviceTimeNs: bigint;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly format: PixelFormat;
  readonly strideBytes: number;
  readonly data: Uint8Array;
}

/** One IMU sample in the IMU's own frame (x, y, z as the datasheet draws them), SI units. */
export interface ImuSample extends Stamped {
  readonly gyroRadps: readonly [number, number, number];
  readonly accelMps2: readonly [number, number, number];
  /** Magnetic field, µT, when the device has a magnetometer. */
  readonly magUt?: readonly [number, number, number];
  /**
   * Attitude fused on the device, when it reports one (BNO055, BNO08x): unit quaternion `[w, x, y, z]`
   * rotating IMU-frame vectors into the device's own world frame (its datasheet says which).
   */
  readonly orientationWxyz?: readonly [number, number, number, number];
}

/** A chunk of PCM audio; `deviceTimeNs` is the time of the first sample. */
export interface AudioChunk extends Stamped {
  readonly sampleRateHz: number;
  /** Interleaved samples scaled to [-1, 1]. */
  readonly samples: Float32Array;
  readonly channels: number;
}

export interface ThermalReading extends Stamped {
  readonly tempC: number;
}

/** Battery / supply state; fields a gauge cannot measure are omitted. */
export interface PowerReading extends Stamped {
  /** State of charge, 0–100 %. */
  readonly batteryPercent?: number;
  readonly voltageV?: number;
  /** Power drawn from the battery, W (positive = discharging). */
  readonly powerW?: number;
  readonly charging?: boolean;
}

/**
 * A device of one kind: open, read samples in capture order, close.
 * `read()` resolves with the next sample, or `null` once the stream has ended (recording exhausted,
 * device closed). It never resolves two samples out of order.
 */
export interface Device<TInfo extends DeviceInfo, TSample> {
  readonly info: TInfo;
  open(): Promise<void>;
  read(): Promise<TSample | null>;
  close(): Promise<void>;
}

export type CameraDevice = Device<CameraInfo, CameraFrame>;
export type ImuDevice = Device<ImuInfo, ImuSample>;
export type AudioDevice = Device<AudioInfo, AudioChunk>;
export type ThermalDevice = Device<ThermalInfo, ThermalReading>;
export type PowerDevice = Device<PowerInfo, PowerReading>;
export type AnyDevice = CameraDevice | ImuDevice | AudioDevice | ThermalDevice | PowerDevice;

/** Where a bad sample was found: a file and a line, or a frame number. */
export interface SampleLocation {
  readonly file?: string;
  readonly line?: number;
  readonly frame?: number;
  readonly byteOffset?: number;
}

/** The device cannot be used (missing file or device, permission, wrong configuration). */
export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly deviceId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${deviceId}: ${message}`, options);
  }
}

/** One sample could not be decoded; the device goes on with the next one. */
export class SampleError extends Error {
  override readonly name = 'SampleError';
  constructor(
    readonly deviceId: string,
    readonly where: SampleLocation,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${deviceId}: ${formatLocation(where)}: ${message}`, options);
  }
}

/** `file:line`, `file frame N`, `frame N` or `byte N`, for error messages. */
export function formatLocation(where: SampleLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.line !== undefined ? `${where.file}:${where.line}` : where.file);
  if (where.frame !== undefined) parts.push(`frame ${where.frame}`);
  if (where.byteOffset !== undefined) parts.push(`byte ${where.byteOffset}`);
  return parts.length > 0 ? parts.join(' ') : 'unknown location';
}
