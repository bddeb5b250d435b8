/**
 * The sysfs drivers of this module for the HAL driver table (`hal/drivers.ts`): `sysfs-thermal` and
 * `sysfs-power` (spec `sysfs:<zone type | thermal_zoneN | supply name>`). With the `emulator` option naming a
 * REAL trace (relative to the manifest: a Raspberry Pi temperature CSV or a tegrastats log for thermal, the
 * UPSplus battery CSV for power), the same driver reads an emulated sysfs tree (`hal/emulators/sysfs/`)
 * stepped through the trace every `emulatorPeriodMs` (default 1000 ms thermal, 5000 ms power: the traces'
 * own periods).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DriverEntry } from '../drivers.js';
import { loadPiThermalTrace, loadTegrastatsZones, loadUpsBatteryTrace } from '../emulators/sysfs/traces.js';
import { EmulatedSysfs } from '../emulators/sysfs/tree.js';
import { specOrThrow } from '../v4l2/driver-table.js';
import { SysfsPower } from './power.js';
import { parseSysfsSpec } from './spec.js';
import { SysfsThermal } from './thermal.js';
import type { SysfsTreeSource } from './thermal.js';

const common = {
  rateHz: z.number().positive().max(1000).optional(),
  sysfsRoot: z.string().min(1).optional(),
  emulator: z.string().min(1).optional(),
  emulatorPeriodMs: z.number().int().positive().optional(),
};
export const SysfsThermalOptions = z.strictObject(common);
export const SysfsPowerOptions = z.strictObject(common);

/** An emulated tree built from `make` at open, stepped every `periodMs`, removed at close. */
function treeSource(make: () => Promise<EmulatedSysfs>, periodMs: number): SysfsTreeSource {
  let tree: EmulatedSysfs | undefined;
  return {
    async open() {
      tree = await make();
      tree.start(periodMs);
      return tree.root;
    },
    async close() {
      await tree?.remove();
      tree = undefined;
    },
  };
}

/** The sysfs drivers: `sysfs-thermal`, `sysfs-power`. */
export const SYSFS_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'sysfs-thermal',
    description: 'thermal zone sysfs:<type | thermal_zoneN> polled from /sys/class/thermal (m°C)',
    clock: 'absolute',
    windowed: false,
    options: { thermal: SysfsThermalOptions },
    create(config, context) {
      const { emulator, emulatorPeriodMs, ...o } = SysfsThermalOptions.parse(config.options);
      const spec = specOrThrow(config.id, config.path, parseSysfsSpec);
      const trace = emulator !== undefined ? resolve(context.baseDir, emulator) : undefined;
      const source =
        trace !== undefined
          ? treeSource(async () => EmulatedSysfs.create({ thermal: trace.endsWith('.txt') ? await loadTegrastatsZones(trace) : [await loadPiThermalTrace(trace, spec.name)] }), emulatorPeriodMs ?? 1000)
          : undefined;
      return new SysfsThermal({ id: config.id, zone: spec.name, ...o, ...(spec.sysfsRoot !== undefined ? { sysfsRoot: spec.sysfsRoot } : {}), ...(source !== undefined ? { emulator: source } : {}) });
    },
  },
  {
    name: 'sysfs-power',
    description: 'battery / supply sysfs:<name> polled from /sys/class/power_supply (µV, µA, µW, %)',
    clock: 'absolute',
    windowed: false,
    options: { power: SysfsPowerOptions },
    create(config, context) {
      const { emulator, emulatorPeriodMs, ...o } = SysfsPowerOptions.parse(config.options);
      const spec = specOrThrow(config.id, config.path, parseSysfsSpec);
      const trace = emulator !== undefined ? resolve(context.baseDir, emulator) : undefined;
      const source = trace !== undefined ? treeSource(async () => EmulatedSysfs.create({ batteries: [await loadUpsBatteryTrace(trace, spec.name)] }), emulatorPeriodMs ?? 5000) : undefined;
      return new SysfsPower({ id: config.id, supply: spec.name, ...o, ...(spec.sysfsRoot !== undefined ? { sysfsRoot: spec.sysfsRoot } : {}), ...(source !== undefined ? { emulator: source } : {}) });
    },
  },
] satisfies DriverEntry[]);
