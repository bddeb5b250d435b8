/**
 * `karana doctor` for I²C: which supported chips answer on a bus. For every address of {@link I2C_PROBE_TABLE}
 * the ID registers are read (a register-pointer write then a read: no configuration register is ever written);
 * an address that NACKs is absent. Each address that answers gives one {@link ProbeResult}: the chip whose ID
 * matched, or `matched: false` with the values read (an unknown chip, or an INA219 already configured, whose
 * CONFIGURATION no longer shows its power-on value). The AK8963 inside an MPU-9250 (0x0C) only appears once a
 * driver has enabled the bypass, so it is not probed.
 */
import { I2cBusError, hex } from './bus.js';
import type { I2cBus } from './bus.js';
import { I2C_PROBE_TABLE } from './probe-table.js';
import type { I2cProbeEntry } from './probe-table.js';

export { I2C_PROBE_TABLE } from './probe-table.js';
export type { I2cProbeEntry } from './probe-table.js';

export interface ProbeRead {
  readonly register: number;
  readonly registerName: string;
  readonly value: number;
}

export interface ProbeResult {
  /** `i2c:<bus>:<0xaddr>`: the `path` of a `[[devices]]` entry for it. */
  readonly spec: string;
  readonly bus: number;
  readonly address: number;
  readonly matched: boolean;
  readonly chip?: string;
  readonly driver?: string;
  readonly reads: readonly ProbeRead[];
}

/**
 * Probes the known addresses of `bus` (Linux adapter `busNumber`) with ID reads only.
 * @throws I2cBusError for bus-level failures other than a NACK (the bus itself is unusable).
 */
export async function probeI2cBus(bus: I2cBus, busNumber: number, table: readonly I2cProbeEntry[] = I2C_PROBE_TABLE): Promise<ProbeResult[]> {
  const addresses = [...new Set(table.flatMap((e) => e.addresses))].sort((a, b) => a - b);
  const results: ProbeResult[] = [];
  for (const address of addresses) {
    const entries = table.filter((e) => e.addresses.includes(address));
    const reads: ProbeRead[] = [];
    let absent = false;
    for (const e of entries) {
      if (absent || reads.some((r) => r.register === e.register)) continue;
      try {
        const bytes = await bus.readRegister(address, e.register, e.width);
        const value = e.width === 1 ? (bytes[0] ?? 0) : ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
        reads.push({ register: e.register, registerName: e.registerName, value });
      } catch (err) {
        if (err instanceof I2cBusError && err.kind === 'nack') absent = true;
        else throw err;
      }
    }
    if (absent || reads.length === 0) continue;
    const hit = entries.find((e) => reads.some((r) => r.register === e.register && e.expected.includes(r.value & e.mask)));
    const spec = `i2c:${busNumber}:${hex(address)}`;
    results.push(hit === undefined ? { spec, bus: busNumber, address, matched: false, reads } : { spec, bus: busNumber, address, matched: true, chip: hit.chip, driver: hit.driver, reads });
  }
  return results;
}
