/**
 * Register-level emulator of the TI INA219 power monitor (datasheet SBOS448G §8.5–8.6), fed by the UPSplus
 * battery trace (bus voltage = battery volts, current = logged power / volts through a shunt of
 * `shuntOhms`, default 0.1 Ω as on most INA219 boards).
 *
 * Registers (16-bit, big-endian; the pointer stays where it was written — no auto-increment): CONFIGURATION
 * 0x00 (POR 0x399F; RST bit 15 resets all registers; PG bits 12:11 set the shunt range ±40/80/160/320 mV),
 * SHUNT_VOLTAGE 0x01 (10 µV/LSB, signed, saturating at the PGA range), BUS_VOLTAGE 0x02 (bits 15:3 × 4 mV,
 * CNVR bit 1 set when a conversion is ready and cleared by reading POWER, OVF bit 0 when CURRENT or POWER
 * overflow), POWER 0x03 = |CURRENT| × BUS / 5000 (eq. 5; the sign is left to the current), CURRENT 0x04 =
 * SHUNT × CALIBRATION / 4096 (eq. 4), CALIBRATION 0x05 (bit 0 void). CURRENT and POWER stay 0 until
 * CALIBRATION is programmed, as on the chip.
 */
import type { I2cTarget } from '../../i2c/bus.js';
import { PowerTraceClock } from './power-trace.js';
import type { PowerEmulatorOptions } from './power-trace.js';

export interface Ina219EmulatorOptions extends PowerEmulatorOptions {
  /** The shunt resistor on the emulated board, Ω (default 0.1). */
  readonly shuntOhms?: number;
}

export class Ina219Emulator implements I2cTarget {
  readonly time: PowerTraceClock;
  readonly shuntOhms: number;
  #pointer = 0;
  #config = 0x399f;
  #calibration = 0;
  /** Clock time of the last POWER read (CNVR is set again once a conversion, 532 µs × 2 at 12 bits, has passed). */
  #powerReadNs: bigint | undefined;

  constructor(options: Ina219EmulatorOptions) {
    this.time = new PowerTraceClock(options);
    this.shuntOhms = options.shuntOhms ?? 0.1;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#pointer = (bytes[0] ?? 0) & 0x07;
    if (bytes.length < 3) return;
    const value = ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
    if (this.#pointer === 0) {
      if ((value & 0x8000) !== 0) {
        this.#config = 0x399f;
        this.#calibration = 0;
      } else this.#config = value;
    } else if (this.#pointer === 5) this.#calibration = value & 0xfffe;
  }

  read(length: number): Uint8Array {
    const value = this.#register(this.#pointer);
    return Uint8Array.from({ length }, (_, i) => (i % 2 === 0 ? (value >> 8) & 0xff : value & 0xff));
  }

  /** The register values now: shunt, bus, current, power (raw). */
  registers(): { shunt: number; bus: number; current: number; power: number; overflow: boolean } {
    const now = this.time.now();
    const range = 4000 * 2 ** ((this.#config >> 11) & 3);
    const amps = now.voltageV > 0 ? now.powerW / now.voltageV : 0;
    const shunt = Math.max(-range, Math.min(range, Math.round((amps * this.shuntOhms) / 10e-6)));
    const bus = Math.max(0, Math.min(8191, Math.round(now.voltageV / 0.004)));
    const current = Math.trunc((shunt * this.#calibration) / 4096);
    const power = Math.trunc((Math.abs(current) * bus) / 5000);
    return { shunt, bus, current, power, overflow: Math.abs(current) > 32767 || power > 65535 };
  }

  #converted(): boolean {
    return this.#powerReadNs === undefined || this.time.options.clock.nowNs() - this.#powerReadNs >= 1_064_000n;
  }

  #register(pointer: number): number {
    const r = this.registers();
    switch (pointer) {
      case 0:
        return this.#config;
      case 1:
        return r.shunt & 0xffff;
      case 2:
        return (r.bus << 3) | (this.#converted() ? 0x02 : 0) | (r.overflow ? 0x01 : 0);
      case 3:
        this.#powerReadNs = this.time.options.clock.nowNs();
        return Math.min(0xffff, r.power);
      case 4:
        return Math.max(-32768, Math.min(32767, r.current)) & 0xffff;
      case 5:
        return this.#calibration;
      default:
        return 0;
    }
  }
}
