/**
 * Register-level emulator of the Maxim MAX17048 fuel gauge (datasheet 19-6171, Register Summary), fed by the
 * UPSplus battery trace. 16-bit registers, big-endian, at even addresses, auto-incrementing pointer:
 * VCELL 0x02 (78.125 µV/LSB), SOC 0x04 (1/256 %), MODE 0x06, VERSION 0x08 (0x0012), HIBRT 0x0A, CONFIG 0x0C
 * (0x971C), VALRT 0x14 (0x00FF), CRATE 0x16 (signed, 0.208 %/h; here the trace's SOC slope over ±10 min), VRESET/ID
 * 0x18 (0x96 / 0x00), STATUS 0x1A (RI set after power-on reset), CMD 0xFE (0x5400 = power-on reset: the
 * registers go back to their POR values and, as the datasheet warns, the chip does not ACK that write).
 * VCELL and SOC are the trace's voltage and remaining % interpolated linearly at the emulator time, quantised.
 */
import { TargetNack } from '../../i2c/bus.js';
import { PowerTraceClock } from './power-trace.js';
import type { PowerEmulatorOptions } from './power-trace.js';
import { RegisterChip } from './register-chip.js';

const R = { VCELL: 0x02, SOC: 0x04, MODE: 0x06, VERSION: 0x08, HIBRT: 0x0a, CONFIG: 0x0c, VALRT: 0x14, CRATE: 0x16, VRESET: 0x18, STATUS: 0x1a, CMD: 0xfe } as const;

export class Max17048Emulator extends RegisterChip {
  readonly time: PowerTraceClock;

  constructor(options: PowerEmulatorOptions) {
    super();
    this.time = new PowerTraceClock(options);
    this.#reset();
  }

  #reset(): void {
    this.regs.fill(0);
    this.setBe16(R.VERSION, 0x0012);
    this.setBe16(R.CONFIG, 0x971c);
    this.setBe16(R.VALRT, 0x00ff);
    this.setBe16(R.VRESET, 0x9600);
    this.setBe16(R.STATUS, 0x0100);
  }

  override write(bytes: Uint8Array): void {
    if (bytes[0] === R.CMD && bytes[1] === 0x54 && bytes[2] === 0x00) {
      this.#reset();
      throw new TargetNack('MAX17048 power-on reset (CMD 0x5400) is not acknowledged');
    }
    super.write(bytes);
  }

  protected override sync(): void {
    const now = this.time.now();
    this.setBe16(R.VCELL, Math.max(0, Math.min(0xffff, Math.round(now.voltageV / 78.125e-6))));
    this.setBe16(R.SOC, Math.max(0, Math.min(0xffff, Math.round(now.socPercent * 256))));
    this.setBe16(R.CRATE, Math.max(-32768, Math.min(32767, Math.round(now.socRatePctPerH / 0.208))) & 0xffff);
  }

  protected override writeRegister(register: number, value: number): void {
    const writable = [R.MODE, R.MODE + 1, R.HIBRT, R.HIBRT + 1, R.CONFIG, R.CONFIG + 1, R.VALRT, R.VALRT + 1, R.VRESET, R.VRESET + 1, R.STATUS, R.STATUS + 1];
    if (writable.includes(register)) this.regs[register] = value;
  }
}
