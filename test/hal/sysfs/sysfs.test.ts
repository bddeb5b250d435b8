/**
 * The sysfs thermal and power drivers on an emulated sysfs tree updated from REAL traces: the Raspberry Pi 4
 * SoC temperature under CPU stress, the UPSplus battery discharge, and Jetson AGX tegrastats temperatures.
 * Contract suites; every reading equals its trace row (m°C / 1000, µV / 10⁶, µW / 10⁶ — exact for the
 * traces' integer units); zone and supply selection; bad values as SampleErrors naming file and byte; the
 * probe and the spec parser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedSysfs } from '../../../hal/emulators/sysfs/tree.js';
import { loadPiThermalTrace, loadTegrastatsZones, loadUpsBatteryTrace } from '../../../hal/emulators/sysfs/traces.js';
import type { BatteryTrace, ThermalTrace } from '../../../hal/emulators/sysfs/traces.js';
import { SysfsPower } from '../../../hal/sysfs/power.js';
import { probeSysfs } from '../../../hal/sysfs/probe.js';
import { parseSysfsSpec } from '../../../hal/sysfs/spec.js';
import { SysfsThermal } from '../../../hal/sysfs/thermal.js';
import { SampleError } from '../../../hal/types.js';
import { powerContract } from '../contract/power.js';
import { thermalContract } from '../contract/thermal.js';
import { RPI_TEMP_2, SHARED_DATA, UPS_BATTERY } from '../data.js';

const TEGRASTATS = `${SHARED_DATA}/traces/jetson_agx_tegrastats/ssd_keras_gpu_base_ssd7_keras_2605_3.txt`;

let pi: ThermalTrace;
let jetson: ThermalTrace[];
let ups: BatteryTrace;
let tree: EmulatedSysfs;

beforeAll(async () => {
  pi = await loadPiThermalTrace(RPI_TEMP_2);
  jetson = await loadTegrastatsZones(TEGRASTATS);
  ups = await loadUpsBatteryTrace(UPS_BATTERY);
  tree = await EmulatedSysfs.create({ thermal: [pi, ...jetson], batteries: [ups] });
});
afterAll(async () => {
  await tree.remove();
});

thermalContract('sysfs-thermal on the emulated tree (Pi 4 under stress)', { maxSamples: 5, create: () => new SysfsThermal({ id: 'soc', zone: 'cpu-thermal', sysfsRoot: tree.root, rateHz: 200 }) });
powerContract('sysfs-power on the emulated tree (UPSplus discharge)', { maxSamples: 5, create: () => new SysfsPower({ id: 'battery', sysfsRoot: tree.root, rateHz: 200 }) });

describe('sysfs readings equal the traces', () => {
  it('thermal: Pi 4 cpu-thermal and Jetson GPU-therm, row by row', async () => {
    const soc = new SysfsThermal({ id: 'soc', zone: 'cpu-thermal', sysfsRoot: tree.root });
    const gpu = new SysfsThermal({ id: 'gpu', zone: 'GPU-therm', sysfsRoot: tree.root });
    await soc.open();
    await gpu.open();
    expect(soc.info.zone).toBe('cpu-thermal');
    const start = tree.row;
    for (let k = 0; k < 40; k++) {
      const row = start + k;
      expect((await soc.sample()).tempC).toBe(pi.tempC[row]);
      const g = jetson.find((z) => z.type === 'GPU-therm')?.tempC ?? [];
      expect((await gpu.sample()).tempC).toBe(g[Math.min(row, g.length - 1)]);
      await tree.step();
    }
    await soc.close();
    await gpu.close();
    expect(jetson.map((z) => z.type)).toEqual(['AO-therm', 'GPU-therm', 'Tdiode-therm', 'PMIC-therm', 'AUX-therm', 'CPU-therm', 'thermal-therm', 'Tboard-therm']);
  });

  it('power: the battery (chosen over the Mains supply) gives V, W, % and charging from the UPS log', async () => {
    const bat = new SysfsPower({ id: 'battery', sysfsRoot: tree.root });
    await bat.open();
    expect(bat.info.source).toBe(`sysfs:${tree.root}/class/power_supply/BAT0`);
    const start = tree.row;
    for (let k = 0; k < 30; k++) {
      const row = ups.rows[start + k];
      const r = await bat.sample();
      expect(r).toMatchObject({ batteryPercent: row?.percent, voltageV: (row?.voltageMv ?? 0) / 1000, powerW: (row?.powerMw ?? 0) / 1000, charging: false });
      await tree.step();
    }
    await bat.close();
  });
});

describe('sysfs errors', () => {
  it('a missing zone or supply is a DeviceError listing what exists', async () => {
    await expect(new SysfsThermal({ id: 'soc', zone: 'soc-thermal', sysfsRoot: tree.root }).open()).rejects.toThrow(
      new RegExp(`^soc: no thermal zone "soc-thermal" under ${tree.root}/class/thermal; zones: thermal_zone0 \\(cpu-thermal\\), thermal_zone1 \\(AO-therm\\)`),
    );
    await expect(new SysfsPower({ id: 'battery', supply: 'BAT1', sysfsRoot: tree.root }).open()).rejects.toThrow(`battery: no power supply "BAT1" under ${tree.root}/class/power_supply; supplies: AC (Mains), BAT0 (Battery)`);
    await expect(new SysfsThermal({ id: 'soc', sysfsRoot: `${tree.root}/nothing` }).open()).rejects.toThrow(/\(no thermal zones: the kernel has no thermal driver for this board\)$/);
  });

  it('a value that is not an integer is a SampleError naming file and byte, and polling goes on', async () => {
    const own = await EmulatedSysfs.create({ thermal: [pi] });
    const soc = new SysfsThermal({ id: 'soc', sysfsRoot: own.root, rateHz: 100 });
    await soc.open();
    await own.corrupt('class/thermal/thermal_zone0/temp', '42x17');
    const file = `${own.root}/class/thermal/thermal_zone0/temp`;
    const err = await soc.sample().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SampleError);
    expect((err as Error).message).toBe(`soc: ${file} byte 2: not a decimal integer: "42x17"`);
    // Polling queues the same error in stream order, then goes on once the value is good again.
    let seen: unknown;
    for (let i = 0; i < 50 && seen === undefined; i++) await soc.read().catch((e: unknown) => (seen = e));
    expect(seen).toBeInstanceOf(SampleError);
    await own.step();
    let good: number | undefined;
    for (let i = 0; i < 1000 && good === undefined; i++) {
      const r = await soc.read().catch(() => undefined);
      if (r === null) break;
      good = r?.tempC;
    }
    expect(good).toBe(pi.tempC[1]);
    await soc.close();
    await own.remove();
  });
});

describe('sysfs probe and specs', () => {
  it('lists zones and supplies with their values and specs', async () => {
    const probe = await probeSysfs(tree.root);
    expect(probe.zones[0]).toMatchObject({ name: 'thermal_zone0', type: 'cpu-thermal', spec: 'sysfs:cpu-thermal' });
    expect(probe.supplies.map((s) => s.spec)).toEqual(['sysfs:AC', 'sysfs:BAT0']);
    expect(probe.supplies[1]).toMatchObject({ type: 'Battery', status: 'Discharging' });
    expect(probe.problems).toEqual([]);
    const empty = await probeSysfs(`${tree.root}/nothing`);
    expect(empty.problems.length).toBe(2);
  });

  it('parses sysfs: specs and rejects malformed ones with the expected form', () => {
    expect(parseSysfsSpec('sysfs:cpu-thermal')).toEqual({ name: 'cpu-thermal' });
    expect(parseSysfsSpec('sysfs:/sys/class/power_supply/BAT0')).toEqual({ name: 'BAT0', sysfsRoot: '/sys' });
    for (const bad of ['sysfs:', 'thermal:cpu', 'sysfs:a b']) {
      expect(() => parseSysfsSpec(bad)).toThrow(`bad sysfs spec ${JSON.stringify(bad)}: expected sysfs:<zone type | thermal_zoneN | supply name | /sys/class/…/<name>>, e.g. sysfs:cpu-thermal, sysfs:BAT0`);
    }
  });
});
