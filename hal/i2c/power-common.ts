/** Pieces shared by the I²C power drivers. */
import type { PowerInfo } from '../types.js';
import { i2cSource } from './i2c-device.js';

/** The info of an I²C power device before open. */
export function powerInfo(id: string, driver: string, bus: number, address: number, pollIntervalMs: number | 'manual' | undefined): PowerInfo {
  const ms = typeof pollIntervalMs === 'number' ? pollIntervalMs : 1000;
  return { id, kind: 'power', driver, replay: false, nominalRateHz: 1000 / ms, source: i2cSource(bus, address) };
}
