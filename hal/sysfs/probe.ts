/**
 * `karana doctor` for thermal and power: the thermal zones and power supplies under a sysfs root, each with
 * its current reading, and the `sysfs:` spec that selects it. Never throws; unreadable attributes become
 * problems in the report.
 */
import { join } from 'node:path';
import { readAttribute, readIntegerAttribute } from './attributes.js';
import { listPowerSupplies } from './power.js';
import { listThermalZones } from './thermal.js';

export interface ProbedZone {
  readonly name: string;
  readonly type: string;
  readonly tempC?: number;
  /** `sysfs:<type>` (or the directory name when the type is empty). */
  readonly spec: string;
}

export interface ProbedSupply {
  readonly name: string;
  readonly type: string;
  readonly status?: string;
  readonly capacityPercent?: number;
  readonly voltageV?: number;
  readonly spec: string;
}

export interface SysfsProbe {
  readonly root: string;
  readonly zones: readonly ProbedZone[];
  readonly supplies: readonly ProbedSupply[];
  readonly problems: readonly string[];
}

/** Lists zones and supplies under `root` (default `/sys`) with their current values. */
export async function probeSysfs(root = '/sys'): Promise<SysfsProbe> {
  const problems: string[] = [];
  const attempt = async <T>(what: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await what();
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const zones = await Promise.all(
    (await listThermalZones(root)).map(async (z) => {
      const milli = await attempt(() => readIntegerAttribute('doctor', join(z.path, 'temp')));
      return { name: z.name, type: z.type, spec: `sysfs:${z.type || z.name}`, ...(milli !== undefined ? { tempC: milli / 1000 } : {}) };
    }),
  );
  const supplies = await Promise.all(
    (await listPowerSupplies(root)).map(async (s) => {
      const status = await attempt(() => readAttribute('doctor', join(s.path, 'status')));
      const capacity = await attempt(() => readIntegerAttribute('doctor', join(s.path, 'capacity')));
      const uV = await attempt(() => readIntegerAttribute('doctor', join(s.path, 'voltage_now')));
      return {
        name: s.name,
        type: s.type,
        spec: `sysfs:${s.name}`,
        ...(status !== undefined ? { status } : {}),
        ...(capacity !== undefined ? { capacityPercent: capacity } : {}),
        ...(uV !== undefined ? { voltageV: uV / 1e6 } : {}),
      };
    }),
  );
  if (zones.length === 0) problems.push(`no thermal zones under ${join(root, 'class/thermal')}`);
  if (!supplies.some((s) => s.type === 'Battery' || s.type === 'UPS')) problems.push(`no battery under ${join(root, 'class/power_supply')} (a UPS HAT or fuel-gauge driver adds one; or use an I²C gauge driver)`);
  return { root, zones, supplies, problems };
}
