/**
 * csv-trace on the Raspberry Pi 4 thermal logs (headerless 659 rows; with header 20,986 rows, 41–72 °C) and the
 * UPSplus battery log (quoted numbers, 2,896 rows, 78 s → 14,911 s, 4138 mV/79 % → 3436 mV/1 %), see
 * traces/PROVENANCE.md, and on damaged copies.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvPowerTrace, CsvThermalTrace } from '../../hal/mock/csv-trace.js';
import type { CsvPowerTraceOptions } from '../../hal/mock/csv-trace.js';
import { DeviceError } from '../../hal/types.js';
import { RPI_TEMP_1, RPI_TEMP_2, UPS_BATTERY, drain, tmpFolder } from './data.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('trace');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

const BATTERY: Omit<CsvPowerTraceOptions, 'path'> = {
  id: 'battery',
  time: { column: 'Time (s)', unit: 's' },
  values: {
    voltageV: { column: 'Volts (mV)', scale: 0.001 },
    powerW: { column: 'Power (mW)', scale: 0.001 },
    batteryPercent: { column: 'Remaining %' },
  },
};

describe('csv-trace, thermal', () => {
  it('replays the headerless Pi 4 log by column index', async () => {
    const soc = new CsvThermalTrace({ id: 'soc', path: RPI_TEMP_1, header: false, time: { column: 0, unit: 's' }, values: { tempC: { column: 2 } } });
    await soc.open();
    expect(soc.info).toMatchObject({ kind: 'thermal', driver: 'csv-trace', zone: 'soc', nominalRateHz: 1 });
    const { samples } = await drain(soc);
    expect(samples).toHaveLength(659);
    expect(samples[0]).toEqual({ deviceTimeNs: 1_000_000_000n, tempC: 48 });
    expect(samples.at(-1)).toEqual({ deviceTimeNs: 659_000_000_000n, tempC: 55 });
  });

  it('replays the 5.8 h Pi 4 stress log by header name (41–72 °C)', async () => {
    const soc = new CsvThermalTrace({ id: 'soc', zone: 'cpu-thermal', path: RPI_TEMP_2, time: { column: 'time', unit: 's' }, values: { tempC: { column: 'temperature' } } });
    await soc.open();
    expect(soc.info.zone).toBe('cpu-thermal');
    const { samples } = await drain(soc);
    expect(samples).toHaveLength(20_986);
    expect(samples[0]).toEqual({ deviceTimeNs: 1_000_000_000n, tempC: 42 });
    expect(samples.at(-1)).toEqual({ deviceTimeNs: 20_986_000_000_000n, tempC: 44 });
    const temps = samples.map((s) => s.tempC);
    expect([Math.min(...temps), Math.max(...temps)]).toEqual([41, 72]);
  });

  it('names a column that the header lacks', async () => {
    const soc = new CsvThermalTrace({ id: 'soc', path: RPI_TEMP_2, time: { column: 'time', unit: 's' }, values: { tempC: { column: 'temp' } } });
    await expect(soc.open()).rejects.toThrow(new DeviceError('soc', `${RPI_TEMP_2}: values.tempC.column: no column "temp" (columns: time, usage, temperature, frequency)`));
  });

  it('refuses a column name in a file without a header', async () => {
    const soc = new CsvThermalTrace({ id: 'soc', path: RPI_TEMP_1, header: false, time: { column: 'time', unit: 's' }, values: { tempC: { column: 2 } } });
    await expect(soc.open()).rejects.toThrow(new DeviceError('soc', `${RPI_TEMP_1}: time.column must be a 0-based index in a file without a header, got "time"`));
  });

  it('reports a non-numeric temperature at its line and goes on', async () => {
    const path = join(tmp, 'temp.csv');
    const lines = (await readFile(RPI_TEMP_2, 'utf8')).split('\n').slice(0, 5);
    lines[2] = '2,1.4,4x,2000';
    await writeFile(path, lines.join('\n'));
    const soc = new CsvThermalTrace({ id: 'soc', path, time: { column: 'time', unit: 's' }, values: { tempC: { column: 'temperature' } } });
    await soc.open();
    const { samples, errors } = await drain(soc);
    expect(errors.map((e) => e.message)).toEqual([`soc: ${path}:3: tempC: expected a number, got "4x"`]);
    expect(samples.map((s) => s.deviceTimeNs)).toEqual([1_000_000_000n, 3_000_000_000n, 4_000_000_000n]);
  });
});

describe('csv-trace, power', () => {
  it('replays the quoted UPS battery log in SI units', async () => {
    const battery = new CsvPowerTrace({ ...BATTERY, path: UPS_BATTERY });
    await battery.open();
    expect(battery.info).toMatchObject({ kind: 'power', driver: 'csv-trace', nominalRateHz: 0.2 });
    const { samples } = await drain(battery);
    expect(samples).toHaveLength(2_896);
    expect(samples[0]).toEqual({ deviceTimeNs: 78_000_000_000n, voltageV: 4.138, powerW: 8.925, batteryPercent: 79 });
    expect(samples.at(-1)).toEqual({ deviceTimeNs: 14_911_000_000_000n, voltageV: 3.436, powerW: 7.711, batteryPercent: 1 });
  });

  it('starts at startS and re-bases the clock there', async () => {
    const battery = new CsvPowerTrace({ ...BATTERY, path: UPS_BATTERY, startS: 3600 });
    await battery.open();
    // The first row at or after 3,600 s is line 690: "3604","4014","7788","58".
    expect(await battery.read()).toEqual({ deviceTimeNs: 4_000_000_000n, voltageV: 4.014, powerW: 7.788, batteryPercent: 58 });
    const { samples } = await drain(battery);
    expect(samples.at(-1)?.deviceTimeNs).toBe((14_911n - 3_600n) * 1_000_000_000n);
  });

  it('reports a row cut inside a quoted field at its line and goes on', async () => {
    const path = join(tmp, 'battery.csv');
    const lines = (await readFile(UPS_BATTERY, 'utf8')).split('\n').slice(0, 5);
    lines[2] = '"83","41';
    lines[3] = '"88","4149"';
    await writeFile(path, lines.join('\n'));
    const battery = new CsvPowerTrace({ ...BATTERY, path });
    await battery.open();
    const { samples, errors } = await drain(battery);
    expect(errors.map((e) => e.message)).toEqual([
      `battery: ${path}:3: voltageV: expected a number, got "\\"41"`,
      `battery: ${path}:4: expected at least 3 fields ("powerW" is column 2), got 2`,
    ]);
    expect(samples.map((s) => s.deviceTimeNs)).toEqual([78_000_000_000n, 94_000_000_000n]);
  });
});
