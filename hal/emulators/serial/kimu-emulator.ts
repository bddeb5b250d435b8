/**
 * KIMU v1 frame generator fed by real IMU recordings (`recordings.ts`): what a microcontroller streaming that
 * IMU with `hal/serial/firmware/karana_imu_frame.h` sends. An INFO frame first (and again every second of
 * the recording, as the firmware does), then one SAMPLE per recording row, device timestamp = the row's time
 * in ticks of `tickHz` (default 1 MHz) from `startTicks` (to exercise the u32 wrap, start near 2³²).
 *
 * Values are quantised to the format with the INFO's scales (float32, as sent): `raw = round(SI / scale)`,
 * so decoding is exact to ±0.5 LSB. Default scales are those of common MEMS parts at their widest ranges:
 * int16 gyro ±2000 °/s (16.4 LSB per °/s, InvenSense ICM-42688-P data sheet DS-000347 §3.1), accel ±16 g
 * (2048 LSB/g, ibid.), magnetometer 0.15 µT/LSB (AK09916, AKM data sheet §9.3); int32 scales are finer
 * (1 µrad/s, 1 µm/s², 1 nT) for recordings already in SI units (EuRoC).
 */
import { KIMU_TYPE, encodeFrame, encodeInfo, encodeSample } from '../../../hal/serial/kimu-protocol.js';
import type { KimuInfo, KimuRawSample } from '../../../hal/serial/kimu-protocol.js';
import type { TimedBlock } from './mock-serial.js';
import type { ImuRecording } from './recordings.js';

const DEG = Math.PI / 180;

/** Default INFO for int16 samples (see the module documentation). */
export function int16Info(rec: ImuRecording, name = 'ICM42688'): KimuInfo {
  return {
    tickHz: 1_000_000,
    rateHz: Math.round(rec.rateHz * 1000) / 1000,
    format: 'int16',
    hasMagnetometer: rec.magUt !== undefined,
    gyroScale: Math.fround(DEG / 16.4),
    accelScale: Math.fround(9.80665 / 2048),
    magScale: rec.magUt !== undefined ? Math.fround(0.15) : 0,
    name,
  };
}

/** Default INFO for int32 samples. */
export function int32Info(rec: ImuRecording, name = 'ADIS1644'): KimuInfo {
  return {
    tickHz: 1_000_000,
    rateHz: Math.round(rec.rateHz * 1000) / 1000,
    format: 'int32',
    hasMagnetometer: rec.magUt !== undefined,
    gyroScale: Math.fround(1e-6),
    accelScale: Math.fround(1e-6),
    magScale: rec.magUt !== undefined ? Math.fround(1e-3) : 0,
    name,
  };
}

export interface KimuStream {
  readonly info: KimuInfo;
  readonly blocks: TimedBlock[];
  /** The raw samples sent, in order, with their recording row. */
  readonly samples: (KimuRawSample & { readonly row: number })[];
  /** The INFO frame (to answer an INFO_REQUEST). */
  readonly infoFrame: () => Buffer;
}

/** The frames of `rec` (first `maxRows` rows). @throws RangeError when a value does not fit the format. */
export function kimuStreamFromRecording(rec: ImuRecording, info: KimuInfo, options: { maxRows?: number; startTicks?: number } = {}): KimuStream {
  const rows = Math.min(rec.n, options.maxRows ?? rec.n);
  const limit = info.format === 'int16' ? 32767 : 2147483647;
  const q = (v: number, scale: number, what: string, row: number): number => {
    const raw = Math.round(v / scale) + 0; // + 0: no negative zero
    if (!Number.isFinite(raw) || Math.abs(raw) > limit) throw new RangeError(`${rec.path} row ${row}: ${what} ${v} does not fit ${info.format} at scale ${scale}`);
    return raw;
  };
  let seq = 0;
  const blocks: TimedBlock[] = [];
  const samples: (KimuRawSample & { row: number })[] = [];
  const t0 = rec.tS[0] as number;
  const startTicks = options.startTicks ?? 0;
  let nextInfoS = 0;
  for (let row = 0; row < rows; row++) {
    const tS = (rec.tS[row] as number) - t0;
    if (tS >= nextInfoS) {
      blocks.push({ tS, bytes: encodeFrame(KIMU_TYPE.info, seq++, encodeInfo(info)) });
      nextInfoS += 1;
    }
    const v3 = (arr: Float64Array, scale: number, what: string) => [0, 1, 2].map((i) => q(arr[3 * row + i] as number, scale, what, row)) as [number, number, number];
    const sample: KimuRawSample & { row: number } = {
      row,
      ticks: (startTicks + Math.round(tS * info.tickHz)) % 4294967296,
      gyro: v3(rec.gyroRadps, info.gyroScale, 'gyro'),
      accel: v3(rec.accelMps2, info.accelScale, 'accel'),
      ...(info.hasMagnetometer && rec.magUt !== undefined ? { mag: v3(rec.magUt, info.magScale, 'mag') } : {}),
    };
    samples.push(sample);
    blocks.push({ tS, bytes: encodeFrame(KIMU_TYPE.sample, seq++, encodeSample(info, sample)) });
  }
  return { info, blocks, samples, infoFrame: () => encodeFrame(KIMU_TYPE.info, seq++ & 0xffff, encodeInfo(info)) };
}
