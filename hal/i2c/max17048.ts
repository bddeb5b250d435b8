/**
 * Maxim MAX17048 single-cell fuel gauge (ModelGauge) on I²C, address 0x36.
 *
 * Source: MAX17048/MAX17049 datasheet 19-6171 (Register Summary and register descriptions): VCELL 0x02,
 * 78.125 µV/LSB per cell; SOC 0x04, 1/256 % per LSB; VERSION 0x08, 0x001_ (the driver's ID check: value &
 * 0xFFF0 = 0x0010); CRATE 0x16, signed, 0.208 %/h per LSB (positive = charging); CMD 0xFE, 0x5400 = power-on
 * reset, which the chip does not acknowledge. All registers 16-bit big-endian.
 *
 * Readings: `voltageV` (cell), `batteryPercent` (SOC clamped to 0–100: the gauge may report slightly over
 * 100 % at full charge), `charging` (CRATE > 0). The gauge measures no current, so no `powerW`.
 * `reset: true` sends the power-on reset at open (off by default: it throws away the gauge's learned state).
 *
 * Device clock: the gauge has none (it updates VCELL every 250 ms and SOC/CRATE from its model); each reading
 * is stamped with the host time of its read (`deviceTimeNs` = `hostTimeNs`), polled every `pollIntervalMs`
 * (default 1000 ms).
 */
import type { PowerInfo, PowerReading } from '../types.js';
import { I2cBusError } from './bus.js';
import type { I2cBus } from './bus.js';
import { I2cDevice, be16, ube16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { powerInfo } from './power-common.js';

export const MAX17048_ADDRESS = 0x36;
export const MAX_REG = Object.freeze({ VCELL: 0x02, SOC: 0x04, VERSION: 0x08, CRATE: 0x16, CMD: 0xfe });
export const MAX17048_VCELL_V_PER_LSB = 78.125e-6;
export const MAX17048_CRATE_PCT_PER_H_PER_LSB = 0.208;

export interface Max17048Options extends I2cDeviceOptions {
  /** Send the power-on-reset command at open (default false). */
  readonly reset?: boolean;
}

/** Decodes VCELL..SOC (4 bytes from 0x02) and CRATE (2 bytes from 0x16). */
export function decodeMax17048(vcellSoc: Uint8Array, crate: Uint8Array): { voltageV: number; socPercent: number; cratePctPerH: number } {
  return {
    voltageV: ube16(vcellSoc, 0) * MAX17048_VCELL_V_PER_LSB,
    socPercent: ube16(vcellSoc, 2) / 256,
    cratePctPerH: be16(crate, 0) * MAX17048_CRATE_PCT_PER_H_PER_LSB,
  };
}

export class Max17048Gauge extends I2cDevice<PowerInfo, PowerReading> {
  readonly #reset: boolean;
  #lastNs = -1n;

  constructor(options: Max17048Options) {
    super(powerInfo(options.id, 'max17048', options.bus, options.address, options.pollIntervalMs), options);
    this.#reset = options.reset ?? false;
  }

  protected async setup(bus: I2cBus): Promise<PowerInfo> {
    await this.expectId(bus, MAX_REG.VERSION, 'VERSION', [0x0010], 'MAX17048', 2, 0xfff0);
    if (this.#reset) {
      try {
        await bus.writeRegister(this.address, MAX_REG.CMD, [0x54, 0x00]);
      } catch (err) {
        if (!(err instanceof I2cBusError && err.kind === 'nack')) throw err; // the datasheet says it will not ACK
      }
      await bus.delay(10);
      await this.expectId(bus, MAX_REG.VERSION, 'VERSION after reset', [0x0010], 'MAX17048', 2, 0xfff0);
    }
    this.#lastNs = -1n;
    return this.info;
  }

  protected defaultPollMs(): number {
    return 1000;
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const vcellSoc = await bus.readRegister(this.address, MAX_REG.VCELL, 4);
    const crate = await bus.readRegister(this.address, MAX_REG.CRATE, 2);
    const now = this.hostNow();
    if (now <= this.#lastNs) return;
    this.#lastNs = now;
    const r = decodeMax17048(vcellSoc, crate);
    this.push({ deviceTimeNs: now, hostTimeNs: now, voltageV: r.voltageV, batteryPercent: Math.max(0, Math.min(100, r.socPercent)), charging: r.cratePctPerH > 0 });
  }
}
