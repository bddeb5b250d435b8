/**
 * TI INA219 high-side current/power monitor on I²C (addresses 0x40–0x4F by A0/A1).
 *
 * Source: INA219 datasheet SBOS448G: §8.5.1 programming (Current_LSB = max expected current / 2^15;
 * CALIBRATION = trunc(0.04096 / (Current_LSB × R_SHUNT)) (eq. 1); Power_LSB = 20 × Current_LSB (eq. 3));
 * §8.6 registers: CONFIGURATION 0x00 (RST bit 15; BRNG bit 13: 16/32 V; PG bits 12:11: ±40/80/160/320 mV;
 * BADC bits 10:7 and SADC bits 6:3 = 0011: 12-bit, 532 µs; MODE bits 2:0 = 111: shunt and bus continuous;
 * power-on value 0x399F), SHUNT_VOLTAGE 0x01 (10 µV/LSB), BUS_VOLTAGE 0x02 (bits 15:3 × 4 mV; CNVR bit 1;
 * OVF bit 0: math overflow), POWER 0x03, CURRENT 0x04 (signed), CALIBRATION 0x05 (bit 0 void).
 * The INA219 has no ID register: the driver resets it and checks that CONFIGURATION reads its power-on value.
 *
 * Options: `shuntOhms` (default 0.1 Ω) and `maxCurrentA` (default 3.2 A) set the calibration and the smallest
 * PGA range that holds maxCurrentA × shuntOhms (≤ 320 mV, else a DeviceError); `busRangeV` 16 or 32 (default 32).
 * The current LSB actually used is 0.04096 / (CALIBRATION × R_SHUNT), i.e. after the truncation.
 *
 * Readings: `voltageV` = bus voltage (load side), `powerW` = POWER × Power_LSB with the sign of CURRENT
 * (positive: current flows IN+ → IN−, into the load, i.e. discharging a battery on that side), `charging` =
 * current < 0. OVF → SampleError naming BUS_VOLTAGE (0x02). Device clock: none on the chip; `deviceTimeNs` =
 * `hostTimeNs` = host time of the read, every `pollIntervalMs` (default 1000 ms).
 */
import { DeviceError, SampleError } from '../types.js';
import type { PowerInfo, PowerReading } from '../types.js';
import type { I2cBus } from './bus.js';
import { I2cDevice, be16, ube16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { powerInfo } from './power-common.js';

export const INA_REG = Object.freeze({ CONFIGURATION: 0x00, SHUNT_VOLTAGE: 0x01, BUS_VOLTAGE: 0x02, POWER: 0x03, CURRENT: 0x04, CALIBRATION: 0x05 });
export const INA219_POR_CONFIG = 0x399f;
/** Shunt full-scale ranges by PG code, V. */
export const INA219_PGA_V = Object.freeze([0.04, 0.08, 0.16, 0.32]);

export interface Ina219Options extends I2cDeviceOptions {
  readonly shuntOhms?: number;
  readonly maxCurrentA?: number;
  readonly busRangeV?: 16 | 32;
}

/** Calibration of a shunt and a maximum current (§8.5.1): register values and the LSBs they give. */
export function ina219Calibration(id: string, shuntOhms: number, maxCurrentA: number, busRangeV: 16 | 32): { calibration: number; config: number; currentLsbA: number; powerLsbW: number } {
  if (!(shuntOhms > 0) || !(maxCurrentA > 0)) throw new DeviceError(id, `"shuntOhms" and "maxCurrentA" must be positive, got ${shuntOhms} Ω and ${maxCurrentA} A`);
  const pg = INA219_PGA_V.findIndex((v) => maxCurrentA * shuntOhms <= v + 1e-12);
  if (pg < 0) throw new DeviceError(id, `maxCurrentA × shuntOhms = ${(maxCurrentA * shuntOhms).toFixed(3)} V exceeds the INA219's ±0.32 V shunt range: use a smaller shunt`);
  const calibration = Math.trunc(0.04096 / ((maxCurrentA / 32768) * shuntOhms)) & 0xfffe;
  if (calibration < 2 || calibration > 0xfffe) {
    throw new DeviceError(id, `CALIBRATION (0x05) for ${shuntOhms} Ω and ${maxCurrentA} A would be ${calibration}, outside 2–65534: change maxCurrentA`);
  }
  const currentLsbA = 0.04096 / (calibration * shuntOhms);
  const config = ((busRangeV === 32 ? 1 : 0) << 13) | (pg << 11) | (0b0011 << 7) | (0b0011 << 3) | 0b111;
  return { calibration, config, currentLsbA, powerLsbW: 20 * currentLsbA };
}

/** Decodes BUS_VOLTAGE, CURRENT and POWER register values (2 bytes each). */
export function decodeIna219(deviceId: string, bus: Uint8Array, current: Uint8Array, power: Uint8Array, cal: { currentLsbA: number; powerLsbW: number }): { voltageV: number; currentA: number; powerW: number } {
  const busRaw = ube16(bus, 0);
  if ((busRaw & 0x01) !== 0) throw new SampleError(deviceId, { byteOffset: 1 }, 'math overflow (BUS_VOLTAGE 0x02 OVF): current or power beyond the calibrated range; raise maxCurrentA');
  const currentA = be16(current, 0) * cal.currentLsbA;
  const powerW = ube16(power, 0) * cal.powerLsbW * (currentA < 0 ? -1 : 1);
  return { voltageV: (busRaw >> 3) * 0.004, currentA, powerW };
}

export class Ina219Monitor extends I2cDevice<PowerInfo, PowerReading> {
  readonly calibration: ReturnType<typeof ina219Calibration>;
  #lastNs = -1n;

  constructor(options: Ina219Options) {
    super(powerInfo(options.id, 'ina219', options.bus, options.address, options.pollIntervalMs), options);
    this.calibration = ina219Calibration(options.id, options.shuntOhms ?? 0.1, options.maxCurrentA ?? 3.2, options.busRangeV ?? 32);
  }

  protected async setup(bus: I2cBus): Promise<PowerInfo> {
    const a = this.address;
    const word = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
    await bus.writeRegister(a, INA_REG.CONFIGURATION, word(0x8000)); // RST
    await bus.delay(1);
    await this.expectId(bus, INA_REG.CONFIGURATION, 'CONFIGURATION after reset', [INA219_POR_CONFIG], 'INA219', 2);
    await bus.writeRegister(a, INA_REG.CONFIGURATION, word(this.calibration.config));
    await bus.writeRegister(a, INA_REG.CALIBRATION, word(this.calibration.calibration));
    await bus.delay(2);
    this.#lastNs = -1n;
    return this.info;
  }

  protected defaultPollMs(): number {
    return 1000;
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const a = this.address;
    const busV = await bus.readRegister(a, INA_REG.BUS_VOLTAGE, 2);
    const current = await bus.readRegister(a, INA_REG.CURRENT, 2);
    const power = await bus.readRegister(a, INA_REG.POWER, 2);
    const now = this.hostNow();
    if (now <= this.#lastNs) return;
    this.#lastNs = now;
    const r = decodeIna219(this.info.id, busV, current, power, this.calibration);
    this.push({ deviceTimeNs: now, hostTimeNs: now, voltageV: r.voltageV, powerW: r.powerW, charging: r.currentA < 0 });
  }

  protected override async shutdown(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, INA_REG.CONFIGURATION, [(this.calibration.config >> 8) & 0xff, this.calibration.config & 0xf8]); // MODE 000: power-down
  }
}
