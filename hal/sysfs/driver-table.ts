/**
 * The sysfs drivers of this module for the HAL driver table (`hal/drivers.ts`): `sysfs-thermal` and
 * `sysfs-power` (spec `sysfs:<zone type | thermal_zoneN | supply name>`). With
 * `emulator = { recording = "…", periodMs = … }` naming a REAL trace (relative to the manifest: a Raspberry Pi
 * temperature CSV or a tegrastats log for thermal, the UPSplus battery CSV for power), the same driver reads an
 * emulated sysfs tree (`hal/emulators/sysfs/`) stepped through the trace every `periodMs` (default 1000 ms
 * thermal, 5000 ms power: the traces' own periods).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DriverEntry } from '../drivers.js';
import { loadPiThermalTrace, loadTegrastatsZones, loadUpsBatteryTrace } from '../emulators/sysfs/traces.js';
import { EmulatedSysfs } from '../emulators/sysfs/tree.js';
import { emulatorOption, specOrThrow } from '../v4l2/driver-table.js';
import { SysfsPower } from './power.js';
import { parseSysfsSpec } from './spec.js';
import { SysfsThermal } from './thermal.js';
import type { SysfsTreeSource } from './thermal.js';

const emulator = (example: string) =>
  emulatorOption(`{ recording = "${example}", periodMs = <ms between trace rows> }`, {
    /** Time between two steps of the emulated tree through the trace, ms. */
    periodMs: z.number({ error: 'expected a whole number of milliseconds' }).int('expected a whole number of milliseconds').positive('expected a positive number of milliseconds').optional(),
  });
const common = { rateHz: z.number().positive().max(1000).optional(), sysfsRoot: z.string().min(1).optional() };
export const SysfsThermalOptions = z.strictObject({ ...common, emulator: emulator('<temperature CSV or tegrastats log>') });
export const SysfsPowerOptions = z.strictObject({ ...common, emulator: emulator('<UPS battery CSV>') });

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
    clock: 'relative',
    windowed: false,
    options: { thermal: SysfsThermalOptions },
    create(config, context) {
      const { emulator: emu, ...o } = SysfsThermalOptions.parse(config.options);
      const spec = specOrThrow(config.id, config.path, parseSysfsSpec);
      const trace = emu !== undefined ? resolve(context.baseDir, emu.recording) : undefined;
      const source =
        trace !== undefined
          ? treeSource(async () => EmulatedSysfs.create({ thermal: trace.endsWith('.txt') ? await loadTegrastatsZones(trace) : [await loadPiThermalTrace(trace, spec.name)] }), emu?.periodMs ?? 1000)
          : undefined;
      return new SysfsThermal({ id: config.id, zone: spec.name, ...o, ...(spec.sysfsRoot !== undefined ? { sysfsRoot: spec.sysfsRoot } : {}), ...(source !== undefined ? { emulator: source } : {}) });
    },
  },
  {
    name: 'sysfs-power',
    description: 'battery / supply sysfs:<name> polled from /sys/class/power_supply (µV, µA, µW, %)',
    clock: 'relative',
    windowed: false,
    options: { power: SysfsPowerOptions },
    create(config, context) {
      const { emulator: emu, ...o } = SysfsPowerOptions.parse(config.options);
      const spec = specOrThrow(config.id, config.path, parseSysfsSpec);
      const trace = emu !== undefined ? resolve(context.baseDir, emu.recording) : undefined;
      const source = trace !== undefined ? treeSource(async () => EmulatedSysfs.create({ batteries: [await loadUpsBatteryTrace(trace, spec.name)] }), emu?.periodMs ?? 5000) : undefined;
      return new SysfsPower({ id: config.id, supply: spec.name, ...o, ...(spec.sysfsRoot !== undefined ? { sysfsRoot: spec.sysfsRoot } : {}), ...(source !== undefined ? { emulator: source } : {}) });
    },
  },
] satisfies DriverEntry[]);
