/**
 * The XREAL Air IMU sensor report (interface 3, ~1 kHz, 64 bytes), parsed without allocation into a
 * reusable {@link XrealReport}.
 *
 * Layout (Monado `xreal_air_parse_sensor_packet` / `read_sample`, xrealAirLinuxDriver `device_imu_packet_t`):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | signature (byte 0 = 0x01) |
 * | 2 | 2 | temperature, i16 LE (ICM-42688-P: °C = raw / 132.48 + 25, Monado) |
 * | 4 | 8 | timestamp, u64 LE, ns on the glasses' clock (ar-drivers divides by 1000 for µs; XRLinuxDriver by 10⁶ for ms) |
 * | 12 | 2 | gyro multiplier, i16 LE |
 * | 14 | 4 | gyro divisor, i32 LE |
 * | 18 | 9 | gyro x, y, z, i24 LE; °/s = raw × multiplier / divisor |
 * | 27 | 2 | accel multiplier, i16 LE |
 * | 29 | 4 | accel divisor, i32 LE |
 * | 33 | 9 | accel x, y, z, i24 LE; g = raw × multiplier / divisor |
 * | 42 | 2 | mag multiplier, i16 **BE** |
 * | 44 | 4 | mag divisor, i32 **BE** |
 * | 48 | 6 | mag x, y, z, 16-bit (Monado: LE with the sign bit flipped, i.e. offset binary; the older C driver reads BE) |
 * | 54 | 4 | checksum (coverage not documented publicly; no open driver checks it, nor does this one) |
 * | 58 | 6 | unknown |
 *
 * Axes: as the report gives them, the IMU chip's own frame; ar-drivers maps them to its RUB glasses frame
 * (x right, y up, z back) as `(−x, z, y)`, i.e. chip x = left, y = back, z = up.
 */
import { SENSOR_REPORT_HEAD, XREAL_REPORT_BYTES } from './xreal-protocol.js';

export const STANDARD_GRAVITY = 9.80665;
const DEG = Math.PI / 180;

/** A parsed report: raw fields and SI values (chip frame). Reused between calls by {@link parseXrealReport}. */
export interface XrealReport {
  timestampNs: bigint;
  temperatureRaw: number;
  gyroMultiplier: number;
  gyroDivisor: number;
  accelMultiplier: number;
  accelDivisor: number;
  magMultiplier: number;
  magDivisor: number;
  readonly gyroRaw: Int32Array;
  readonly accelRaw: Int32Array;
  readonly magRaw: Int32Array;
  /** rad/s, chip frame. */
  readonly gyroRadps: Float64Array;
  /** m/s², chip frame, gravity included. */
  readonly accelMps2: Float64Array;
  /** mag × multiplier / divisor, in the report's (undocumented) unit. */
  readonly magScaled: Float64Array;
}

export function newXrealReport(): XrealReport {
  return {
    timestampNs: 0n,
    temperatureRaw: 0,
    gyroMultiplier: 0,
    gyroDivisor: 0,
    accelMultiplier: 0,
    accelDivisor: 0,
    magMultiplier: 0,
    magDivisor: 0,
    gyroRaw: new Int32Array(3),
    accelRaw: new Int32Array(3),
    magRaw: new Int32Array(3),
    gyroRadps: new Float64Array(3),
    accelMps2: new Float64Array(3),
    magScaled: new Float64Array(3),
  };
}

function i24(b: Uint8Array, o: number): number {
  const v = (b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16);
  return (v << 8) >> 8;
}

function i16le(b: Uint8Array, o: number): number {
  return (((b[o] as number) | ((b[o + 1] as number) << 8)) << 16) >> 16;
}

function i32le(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24);
}

/** Is this report a sensor report (not a command reply)? */
export function isSensorReport(report: Uint8Array): boolean {
  return report.length >= XREAL_REPORT_BYTES && report[0] === SENSOR_REPORT_HEAD;
}

/**
 * Parses a sensor report into `out`.
 * @returns undefined when it is valid, else what is wrong and the report byte offset where (a short report,
 *   a wrong signature, a zero divisor or multiplier, a non-finite scale).
 */
export function parseXrealReport(report: Uint8Array, out: XrealReport): { byteOffset: number; message: string } | undefined {
  if (report.length < XREAL_REPORT_BYTES) return { byteOffset: report.length, message: `sensor report of ${report.length} bytes is truncated (needs ${XREAL_REPORT_BYTES})` };
  if (report[0] !== SENSOR_REPORT_HEAD) return { byteOffset: 0, message: `signature 0x${(report[0] as number).toString(16)} is not a sensor report (0x01)` };
  const lo = i32le(report, 4) >>> 0;
  const hi = i32le(report, 8) >>> 0;
  out.timestampNs = (BigInt(hi) << 32n) | BigInt(lo);
  out.temperatureRaw = i16le(report, 2);
  out.gyroMultiplier = i16le(report, 12);
  out.gyroDivisor = i32le(report, 14);
  out.accelMultiplier = i16le(report, 27);
  out.accelDivisor = i32le(report, 29);
  out.magMultiplier = (((report[42] as number) << 24) | ((report[43] as number) << 16)) >> 16;
  out.magDivisor = ((report[44] as number) << 24) | ((report[45] as number) << 16) | ((report[46] as number) << 8) | (report[47] as number);
  if (out.gyroMultiplier === 0 || out.gyroDivisor === 0) return { byteOffset: out.gyroDivisor === 0 ? 14 : 12, message: `gyro scale ${out.gyroMultiplier}/${out.gyroDivisor} has a zero` };
  if (out.accelMultiplier === 0 || out.accelDivisor === 0) return { byteOffset: out.accelDivisor === 0 ? 29 : 27, message: `accel scale ${out.accelMultiplier}/${out.accelDivisor} has a zero` };
  const gyroScale = (out.gyroMultiplier / out.gyroDivisor) * DEG;
  const accelScale = (out.accelMultiplier / out.accelDivisor) * STANDARD_GRAVITY;
  const magScale = out.magDivisor === 0 ? 0 : out.magMultiplier / out.magDivisor;
  for (let k = 0; k < 3; k++) {
    const g = i24(report, 18 + 3 * k);
    const a = i24(report, 33 + 3 * k);
    const m = ((((report[48 + 2 * k] as number) | ((report[49 + 2 * k] as number) << 8)) ^ 0x8000) << 16) >> 16; // offset binary
    out.gyroRaw[k] = g;
    out.accelRaw[k] = a;
    out.magRaw[k] = m;
    out.gyroRadps[k] = g * gyroScale;
    out.accelMps2[k] = a * accelScale;
    out.magScaled[k] = m * magScale;
  }
  return undefined;
}
