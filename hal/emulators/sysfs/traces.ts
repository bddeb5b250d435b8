/**
 * REAL traces for the emulated sysfs tree (`../shared/data/traces`, PROVENANCE.md there):
 * - Raspberry Pi 4 SoC temperature under `stress --cpu 4`, 1 Hz, integer °C (`rpi4_thermal/*.csv`,
 *   columns time, usage, temperature[, frequency]; the first file has no header);
 * - Raspberry Pi 4 on a GeeekPi UPSplus v5 running its battery down, every 5 s (`rpi4_ups_battery`,
 *   "Time (s)","Volts (mV)","Power (mW)","Remaining %");
 * - Jetson AGX Xavier `tegrastats` lines, 1 Hz (`jetson_agx_tegrastats/*.txt`), temperatures per sensor.
 */
import { readFile } from 'node:fs/promises';
import { parseTegrastatsTemps } from '../../sysfs/tegrastats.js';

/** Temperatures of one zone, one per step, °C. */
export interface ThermalTrace {
  /** Zone `type`, e.g. `cpu-thermal`. */
  readonly type: string;
  readonly tempC: readonly number[];
}

/** A battery, one row per step. */
export interface BatteryTrace {
  /** Supply name, e.g. `BAT0`. */
  readonly name: string;
  readonly rows: readonly { readonly voltageMv: number; readonly powerMw: number; readonly percent: number }[];
  /** `status` written with every row (the UPS trace is a discharge). */
  readonly status: 'Discharging' | 'Charging';
}

function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1')));
}

/** A Raspberry Pi 4 temperature trace (third column, °C), as zone `cpu-thermal`. */
export async function loadPiThermalTrace(path: string, type = 'cpu-thermal'): Promise<ThermalTrace> {
  const rows = csvRows(await readFile(path, 'utf8')).filter((r) => /^\d/.test(r[0] ?? ''));
  return { type, tempC: rows.map((r) => Number(r[2])).filter(Number.isFinite) };
}

/** The UPSplus battery log, as supply `name`. */
export async function loadUpsBatteryTrace(path: string, name = 'BAT0'): Promise<BatteryTrace> {
  const rows = csvRows(await readFile(path, 'utf8')).filter((r) => /^\d/.test(r[0] ?? ''));
  return { name, status: 'Discharging', rows: rows.map((r) => ({ voltageMv: Number(r[1]), powerMw: Number(r[2]), percent: Number(r[3]) })) };
}

/** Every sensor of a tegrastats log, as zones `<sensor>-therm`. */
export async function loadTegrastatsZones(path: string): Promise<ThermalTrace[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.includes('@'));
  const zones = new Map<string, number[]>();
  for (const line of lines) for (const [sensor, c] of parseTegrastatsTemps(line)) zones.set(sensor, [...(zones.get(sensor) ?? []), c]);
  return [...zones].map(([sensor, tempC]) => ({ type: `${sensor}-therm`, tempC }));
}
