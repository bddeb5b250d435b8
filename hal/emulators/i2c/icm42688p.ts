/**
 * Register-level emulator of the TDK ICM-42688-P (DS-000347 rev 1.8, user bank 0), fed by a real recording.
 *
 * Implements: WHO_AM_I 0x47; DEVICE_CONFIG soft reset (registers to reset values, INT_STATUS RESET_DONE_INT);
 * PWR_MGMT0 (sampling while the gyro or accel is on); GYRO_CONFIG0 / ACCEL_CONFIG0 full scale and ODR (the
 * gyro's ODR sets the sample grid; the driver sets both alike); FIFO_CONFIG FIFO_MODE (bypass: nothing stored;
 * stream: newest overwrite oldest; STOP-on-FULL); FIFO_CONFIG1 enables; 2048-byte FIFO of 16-byte packet-3
 * records (header 0x68, accel and gyro big-endian, temperature int8 at 25 °C, 16-bit timestamp of the sample
 * instant in µs since reset, or 16 µs with TMST_CONFIG TMST_RES); FIFO_COUNT big-endian in bytes; FIFO_DATA
 * (reads pop, the pointer stays); SIGNAL_PATH_RESET FIFO_FLUSH; INT_STATUS (bit 1 FIFO_FULL_INT, bit 3
 * DATA_RDY_INT, bit 4 RESET_DONE_INT), cleared on read. Data registers 0x1D–0x2A mirror the latest sample.
 * Values: linear interpolation of the recording at each sample instant, quantised to the configured LSB,
 * saturated to int16 (−32768 is avoided: it means "invalid" on this chip). Not modelled: the UI filters,
 * APEX, bank 1–4 registers, 20-bit packets, FSYNC.
 */
import { RAD_TO_DEG, STANDARD_G, ImuChipEmulator } from './imu-emulator.js';
import type { ImuEmulatorOptions } from './imu-emulator.js';
import type { ImuTruth } from './resample.js';
import { quantise } from './resample.js';
import { FrameFifo } from './register-chip.js';

const R = { DEVICE_CONFIG: 0x11, FIFO_CONFIG: 0x16, TEMP_DATA1: 0x1d, INT_STATUS: 0x2d, FIFO_COUNTH: 0x2e, FIFO_COUNTL: 0x2f, FIFO_DATA: 0x30, SIGNAL_PATH_RESET: 0x4b, INTF_CONFIG0: 0x4c, PWR_MGMT0: 0x4e, GYRO_CONFIG0: 0x4f, ACCEL_CONFIG0: 0x50, TMST_CONFIG: 0x54, FIFO_CONFIG1: 0x5f, WHO_AM_I: 0x75 } as const;
/** ODR code → Hz (DS-000347 GYRO_CONFIG0 table). */
const ODR_HZ: Readonly<Record<number, number>> = { 1: 32000, 2: 16000, 3: 8000, 4: 4000, 5: 2000, 6: 1000, 7: 200, 8: 100, 9: 50, 10: 25, 11: 12.5, 15: 500 };
const GYRO_LSB_PER_DPS = [16.4, 32.8, 65.5, 131, 262, 524.3, 1048.6, 2097.2];
const ACCEL_LSB_PER_G = [2048, 4096, 8192, 16384];

export class Icm42688pEmulator extends ImuChipEmulator {
  readonly fifo = new FrameFifo(2048, 'stop');
  #resetNs = 0n;
  #status = 0;

  constructor(options: ImuEmulatorOptions) {
    super(options);
    this.#reset();
  }

  #reset(): void {
    this.regs.fill(0);
    this.regs[R.WHO_AM_I] = 0x47;
    this.regs[R.GYRO_CONFIG0] = 0x06;
    this.regs[R.ACCEL_CONFIG0] = 0x06;
    this.regs[R.INTF_CONFIG0] = 0x30;
    this.regs[R.TMST_CONFIG] = 0x23;
    this.regs[R.FIFO_CONFIG1] = 0x00;
    this.fifo.clear();
    this.firstFifoSampleNs = undefined;
    this.#resetNs = this.clock.nowNs();
    this.#status = 0x10; // RESET_DONE_INT
    this.#restart();
  }

  #restart(): void {
    const on = ((this.regs[R.PWR_MGMT0] ?? 0) & 0x0f) !== 0;
    const hz = ODR_HZ[(this.regs[R.GYRO_CONFIG0] ?? 0) & 0x0f] ?? 1000;
    this.startSampling(on ? BigInt(Math.round(1e9 / hz)) : 0n);
    const mode = ((this.regs[R.FIFO_CONFIG] ?? 0) >> 6) & 3;
    this.fifo.mode = mode === 1 ? 'overwrite' : 'stop';
  }

  protected override writeRegister(register: number, value: number): void {
    if (register === R.WHO_AM_I || register === R.INT_STATUS) return;
    if (register === R.DEVICE_CONFIG && (value & 1) !== 0) return this.#reset();
    if (register === R.SIGNAL_PATH_RESET) {
      if ((value & 0x02) !== 0) {
        this.fifo.clear();
        this.firstFifoSampleNs = undefined;
      }
      return;
    }
    this.regs[register] = value;
    if (register === R.PWR_MGMT0 || register === R.GYRO_CONFIG0 || register === R.FIFO_CONFIG) this.#restart();
  }

  protected override readRegister(register: number): number {
    switch (register) {
      case R.INT_STATUS: {
        const v = this.#status | (this.fifo.overflowed ? 0x02 : 0);
        this.#status = 0;
        this.fifo.overflowed = false;
        return v;
      }
      case R.FIFO_COUNTH:
        return (this.fifo.countBytes >> 8) & 0xff;
      case R.FIFO_COUNTL:
        return this.fifo.countBytes & 0xff;
      case R.FIFO_DATA:
        return this.fifo.popByte();
      default:
        return this.regs[register] ?? 0;
    }
  }

  protected override nextPointer(register: number): number {
    return register === R.FIFO_DATA ? register : (register + 1) & 0xff;
  }

  protected onSample(truth: ImuTruth, instantNs: bigint): void {
    const gyroLsb = RAD_TO_DEG * (GYRO_LSB_PER_DPS[(this.regs[R.GYRO_CONFIG0] ?? 0) >> 5] ?? 16.4);
    const accelLsb = (ACCEL_LSB_PER_G[((this.regs[R.ACCEL_CONFIG0] ?? 0) >> 5) & 3] ?? 2048) / STANDARD_G;
    const q = (v: number, lsbPerUnit: number): number => Math.max(-32767, quantise(v, 1 / lsbPerUnit));
    const accel = truth.accelMps2.map((v) => q(v, accelLsb));
    const gyro = truth.gyroRadps.map((v) => q(v, gyroLsb));
    const tempRaw16 = Math.round((25 - 25) * 132.48);
    this.setBe16(R.TEMP_DATA1, tempRaw16);
    [...accel, ...gyro].forEach((v, k) => this.setBe16(R.TEMP_DATA1 + 2 + 2 * k, v));
    this.#status |= 0x08; // DATA_RDY_INT
    const fifoMode = ((this.regs[R.FIFO_CONFIG] ?? 0) >> 6) & 3;
    const enables = (this.regs[R.FIFO_CONFIG1] ?? 0) & 0x03;
    if (fifoMode === 0 || enables === 0) return;
    const tickUs = ((this.regs[R.TMST_CONFIG] ?? 0) & 0x08) !== 0 ? 16n : 1n;
    const tmst = Number(((instantNs - this.#resetNs) / 1000n / tickUs) & 0xffffn);
    const packet = new Uint8Array(16);
    packet[0] = 0x68;
    [...accel, ...gyro].forEach((v, k) => {
      packet[1 + 2 * k] = (v >> 8) & 0xff;
      packet[2 + 2 * k] = v & 0xff;
    });
    packet[13] = 0; // (25 °C − 25) × 2.07
    packet[14] = tmst >> 8;
    packet[15] = tmst & 0xff;
    const fits = this.fifo.fits(16) || this.fifo.mode === 'overwrite';
    this.fifo.push(packet);
    if (this.firstFifoSampleNs === undefined && fits) this.firstFifoSampleNs = instantNs;
  }

  protected catchUpFrames(): number {
    return 2048 / 16 + 2;
  }

  protected onSkipped(): void {
    this.fifo.overflowed = true;
  }
}
