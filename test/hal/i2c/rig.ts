/**
 * Test rigs for the I²C drivers: a driver on an {@link EmulatedI2cBus} whose chip emulator replays a real
 * recording on a {@link ManualClock}, polled by hand (`pollIntervalMs: 'manual'`, `hostClock` = the manual
 * clock), so every run gives the same bytes. Also an independent reader of the recordings (the tests' own
 * CSV split and linear interpolation, not the emulator's) to compute the values the driver must decode.
 */
import { ManualClock } from '../../../hal/emulators/i2c/clock.js';
import { loadImuRecording } from '../../../hal/emulators/i2c/recording.js';
import type { ImuRecording, ImuRecordingFormat } from '../../../hal/emulators/i2c/recording.js';
import { EmulatedI2cBus } from '../../../hal/i2c/bus.js';
import type { I2cTarget } from '../../../hal/i2c/bus.js';
import type { I2cDeviceOptions } from '../../../hal/i2c/i2c-device.js';
import type { ImuSample } from '../../../hal/types.js';
import { join } from 'node:path';
import { SHARED_DATA, V101_IMU0, MH01_IMU0, UPS_BATTERY, plainCsv } from '../data.js';

export const BROAD_07 = join(SHARED_DATA, 'imu_broad/07_undisturbed_fast_rotation_B.csv');
export const XIO = join(SHARED_DATA, 'imu_fusion_xio/sensor_data.csv');
export { MH01_IMU0, V101_IMU0, UPS_BATTERY };

export interface Rig<TDevice, TEmu> {
  readonly clock: ManualClock;
  readonly bus: EmulatedI2cBus;
  readonly emulator: TEmu;
  readonly device: TDevice;
}

/** Bus options of a manual-clock rig at `address`. */
export function rigOptions(clock: ManualClock, bus: EmulatedI2cBus, address: number, id = 'imu0'): I2cDeviceOptions {
  return { id, bus: bus.busNumber, address, openBus: async () => bus, pollIntervalMs: 'manual', hostClock: () => clock.nowNs() };
}

/** A manual clock and an emulated bus with `target(clock)` attached at `address`. */
export function makeBus<T extends I2cTarget>(address: number, target: (clock: ManualClock) => T): { clock: ManualClock; bus: EmulatedI2cBus; emulator: T } {
  const clock = new ManualClock(1_000_000_000n);
  const bus = new EmulatedI2cBus({ busNumber: 1, clock });
  const emulator = target(clock);
  bus.attach(address, emulator);
  return { clock, bus, emulator };
}

/** Advances the clock by `stepMs` and polls, `steps` times; returns everything read (samples and errors). */
export async function run<T>(rig: { clock: ManualClock; device: Pollable<T> }, steps: number, stepMs: number): Promise<{ samples: T[]; errors: Error[] }> {
  const samples: T[] = [];
  const errors: Error[] = [];
  for (let i = 0; i < steps; i++) {
    rig.clock.advanceMs(stepMs);
    const got = await pollOnce(rig.device);
    samples.push(...got.samples);
    errors.push(...got.errors);
  }
  return { samples, errors };
}

export interface Pollable<T> {
  poll(): Promise<void>;
  read(): Promise<T | null>;
  readonly stats: { received: number; sampleErrors: number; dropped: number };
}

/** Polls once and reads exactly what that poll queued (never blocks on an empty queue). */
export async function pollOnce<T>(device: Pollable<T>): Promise<{ samples: T[]; errors: Error[] }> {
  const before = device.stats.received + device.stats.sampleErrors - device.stats.dropped;
  await device.poll();
  const queued = device.stats.received + device.stats.sampleErrors - device.stats.dropped - before;
  const samples: T[] = [];
  const errors: Error[] = [];
  for (let i = 0; i < queued; i++) {
    try {
      const s = await device.read();
      if (s === null) break;
      samples.push(s);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  return { samples, errors };
}

export function loadRecording(path: string, format: ImuRecordingFormat): Promise<ImuRecording> {
  return loadImuRecording(path, format);
}

/** The tests' own reading of a recording: time (ns from the first row) and SI columns. */
export interface PlainImu {
  readonly tNs: number[];
  readonly gyro: number[][];
  readonly accel: number[][];
  readonly mag?: number[][];
  readonly quat?: number[][];
}

export async function plainImu(path: string, format: ImuRecordingFormat): Promise<PlainImu> {
  const file = format === 'euroc' ? join(path, 'data.csv') : path;
  const rows = (await plainCsv(file)).filter((r) => r.fields[0] !== undefined && /^[0-9.]/.test(r.fields[0]));
  const first = BigInt(format === 'euroc' ? (rows[0]?.fields[0] ?? '0') : '0');
  const num = (r: { fields: string[] }, k: number): number => Number(r.fields[k]);
  const deg = format === 'xio' ? Math.PI / 180 : 1;
  const g = format === 'xio' ? 9.80665 : 1;
  return {
    tNs: rows.map((r) => (format === 'euroc' ? Number(BigInt(r.fields[0] ?? '0') - first) : num(r, 0) * 1e9 - num(rows[0] ?? r, 0) * 1e9)),
    gyro: rows.map((r) => [1, 2, 3].map((k) => num(r, k) * deg)),
    accel: rows.map((r) => [4, 5, 6].map((k) => num(r, k) * g)),
    mag: format === 'euroc' ? undefined : rows.map((r) => [7, 8, 9].map((k) => num(r, k))),
    quat: format === 'broad' ? rows.map((r) => [10, 11, 12, 13].map((k) => num(r, k))) : undefined,
  };
}

/** Linear interpolation of `column` at `tNs` (clamped to the recording). */
export function interp(rec: PlainImu, column: number[][], tNs: number): number[] {
  let lo = 0;
  let hi = rec.tNs.length - 1;
  if (tNs <= (rec.tNs[0] ?? 0)) return column[0] ?? [];
  if (tNs >= (rec.tNs[hi] ?? 0)) return column[hi] ?? [];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((rec.tNs[mid] ?? 0) <= tNs) lo = mid;
    else hi = mid;
  }
  const f = (tNs - (rec.tNs[lo] ?? 0)) / ((rec.tNs[hi] ?? 0) - (rec.tNs[lo] ?? 0));
  const a = column[lo] ?? [];
  const b = column[hi] ?? [];
  return a.map((v, k) => v + ((b[k] ?? v) - v) * f);
}

/** Max |decoded − expected| / lsb per axis over samples. */
export function maxErrorLsb(pairs: readonly { got: readonly number[]; want: readonly number[] }[], lsb: number): number[] {
  const worst = [0, 0, 0, 0];
  for (const { got, want } of pairs) got.forEach((v, k) => (worst[k] = Math.max(worst[k] ?? 0, Math.abs(v - (want[k] ?? 0)) / lsb)));
  return worst.slice(0, pairs[0]?.got.length ?? 3);
}

/** Saturation of a value to the chip's range (±32767 LSB). */
export function saturate(v: number, lsb: number): number {
  return Math.max(-32768 * lsb, Math.min(32767 * lsb, v));
}

export type { ImuSample };
