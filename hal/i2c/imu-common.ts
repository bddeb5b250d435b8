/**
 * Pieces shared by the I²C IMU drivers: option checks against a datasheet table, unit conversions, and the
 * FIFO stream position used in error locations (`byte N` = N-th byte read from the chip's FIFO since open).
 */
import { DeviceError } from '../types.js';
import type { ImuInfo } from '../types.js';
import { i2cSource } from './i2c-device.js';

/** Standard gravity, m/s² (the g of the datasheets' mg/LSB and LSB/g figures). */
export const G_MPS2 = 9.80665;
export const DEG_TO_RAD = Math.PI / 180;

/** `value` if it is one of `allowed` (or undefined → `fallback`), else a DeviceError naming option and table. */
export function pick<T extends number>(id: string, option: string, value: number | undefined, allowed: readonly T[], fallback: T, table: string): T {
  if (value === undefined) return fallback;
  const hit = allowed.find((a) => Math.abs(a - value) < 1e-9);
  if (hit === undefined) throw new DeviceError(id, `"${option}" must be one of ${allowed.join(', ')} (${table}), got ${value}`);
  return hit;
}

/** The info of an I²C IMU before open. */
export function imuInfo(id: string, driver: string, bus: number, address: number, rateHz: number, hasMagnetometer: boolean): ImuInfo {
  return { id, kind: 'imu', driver, replay: false, nominalRateHz: rateHz, source: i2cSource(bus, address), hasMagnetometer };
}

/** Triple of numbers. */
export type Vec3 = [number, number, number];
