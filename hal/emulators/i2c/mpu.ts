/**
 * Register-level emulator of the InvenSense MPU-6050 and MPU-9250 (accel/gyro die), fed by a real recording.
 *
 * Implements what the driver uses (RM-MPU-6000A-00 rev 4.2 / RM-MPU-9250A-00 rev 1.6): WHO_AM_I; PWR_MGMT_1
 * DEVICE_RESET (registers to their reset values, SLEEP set) and SLEEP (no sampling while asleep); SMPLRT_DIV
 * and CONFIG DLPF_CFG setting the sample rate (8 kHz gyro output rate with DLPF_CFG 0 or 7, else 1 kHz, divided
 * by 1 + SMPLRT_DIV); GYRO_CONFIG / ACCEL_CONFIG full scale; data registers 0x3B–0x48 (big-endian); FIFO_EN
 * selecting what enters the FIFO, in register order; USER_CTRL FIFO_EN / FIFO_RESET; FIFO_COUNT and FIFO_R_W
 * (reading pops; the pointer stays on FIFO_R_W); INT_STATUS DATA_RDY_INT / FIFO_OFLOW_INT, cleared on read;
 * INT_PIN_CFG BYPASS_EN (MPU-9250: makes the AK8963 at 0x0C reachable). FIFO: 1024 bytes (MPU-6050, newest
 * overwrite oldest) or 512 (MPU-9250; CONFIG FIFO_MODE = 1 stops writing when full).
 * Values: the recording resampled at the configured rate (linear interpolation, `resample.ts`), quantised to
 * the configured LSB and saturated to int16. Not modelled: the DLPF's filtering and delay, self-test, the
 * on-chip DMP and the auxiliary I²C master. Temperature reads a constant 25 °C (the recordings have none).
 */
import { STANDARD_G, RAD_TO_DEG, ImuChipEmulator } from './imu-emulator.js';
import type { ImuEmulatorOptions } from './imu-emulator.js';
import type { ImuTruth } from './resample.js';
import { quantise } from './resample.js';
import { FrameFifo } from './register-chip.js';

const R = { SMPLRT_DIV: 0x19, CONFIG: 0x1a, GYRO_CONFIG: 0x1b, ACCEL_CONFIG: 0x1c, FIFO_EN: 0x23, INT_PIN_CFG: 0x37, INT_STATUS: 0x3a, DATA: 0x3b, USER_CTRL: 0x6a, PWR_MGMT_1: 0x6b, FIFO_COUNTH: 0x72, FIFO_COUNTL: 0x73, FIFO_R_W: 0x74, WHO_AM_I: 0x75 } as const;
const GYRO_LSB_PER_DPS = [131, 65.5, 32.8, 16.4];
const ACCEL_LSB_PER_G = [16384, 8192, 4096, 2048];

export interface MpuEmulatorOptions extends ImuEmulatorOptions {
  /** Which chip: `mpu6050` (default) or `mpu9250`. */
  readonly chip?: 'mpu6050' | 'mpu9250';
}

export class MpuEmulator extends ImuChipEmulator {
  readonly chip: 'mpu6050' | 'mpu9250';
  readonly fifo: FrameFifo;
  #dataReady = false;

  constructor(options: MpuEmulatorOptions) {
    super(options);
    this.chip = options.chip ?? 'mpu6050';
    this.fifo = new FrameFifo(this.chip === 'mpu9250' ? 512 : 1024, 'overwrite');
    this.#reset();
  }

  /** True while INT_PIN_CFG BYPASS_EN is set (the AK8963 is on the main bus). */
  get bypass(): boolean {
    return ((this.regs[R.INT_PIN_CFG] ?? 0) & 0x02) !== 0;
  }

  #reset(): void {
    this.regs.fill(0);
    this.regs[R.PWR_MGMT_1] = 0x40;
    this.regs[R.WHO_AM_I] = this.chip === 'mpu9250' ? 0x71 : 0x68;
    this.fifo.clear();
    this.firstFifoSampleNs = undefined;
    this.#dataReady = false;
    this.#restart();
  }

  #restart(): void {
    const asleep = ((this.regs[R.PWR_MGMT_1] ?? 0) & 0x40) !== 0;
    const dlpf = (this.regs[R.CONFIG] ?? 0) & 0x07;
    const gyroRateHz = dlpf === 0 || dlpf === 7 ? 8000 : 1000;
    const rateHz = gyroRateHz / (1 + (this.regs[R.SMPLRT_DIV] ?? 0));
    this.startSampling(asleep ? 0n : BigInt(Math.round(1e9 / rateHz)));
    this.fifo.mode = this.chip === 'mpu9250' && ((this.regs[R.CONFIG] ?? 0) & 0x40) !== 0 ? 'stop' : 'overwrite';
  }

  protected override writeRegister(register: number, value: number): void {
    if (register === R.WHO_AM_I || register === R.INT_STATUS || (register >= R.DATA && register <= 0x48)) return; // read-only
    if (register === R.PWR_MGMT_1 && (value & 0x80) !== 0) {
      this.#reset();
      return;
    }
    if (register === R.USER_CTRL && (value & 0x04) !== 0) {
      this.fifo.clear();
      this.firstFifoSampleNs = undefined;
      value &= ~0x04; // FIFO_RESET clears itself
    }
    this.regs[register] = value;
    if (register === R.PWR_MGMT_1 || register === R.SMPLRT_DIV || register === R.CONFIG) this.#restart();
  }

  protected override readRegister(register: number): number {
    switch (register) {
      case R.INT_STATUS: {
        const v = (this.fifo.overflowed ? 0x10 : 0) | (this.#dataReady ? 0x01 : 0);
        this.fifo.overflowed = false;
        this.#dataReady = false;
        return v;
      }
      case R.FIFO_COUNTH:
        return (this.fifo.countBytes >> 8) & 0xff;
      case R.FIFO_COUNTL:
        return this.fifo.countBytes & 0xff;
      case R.FIFO_R_W:
        return this.fifo.popByte();
      default:
        return this.regs[register] ?? 0;
    }
  }

  protected override nextPointer(register: number): number {
    return register === R.FIFO_R_W ? register : (register + 1) & 0xff;
  }

  protected onSample(truth: ImuTruth, instantNs: bigint): void {
    const gyroLsb = (RAD_TO_DEG * (GYRO_LSB_PER_DPS[((this.regs[R.GYRO_CONFIG] ?? 0) >> 3) & 3] ?? 131));
    const accelLsb = (ACCEL_LSB_PER_G[((this.regs[R.ACCEL_CONFIG] ?? 0) >> 3) & 3] ?? 16384) / STANDARD_G;
    const accel = truth.accelMps2.map((v) => quantise(v, 1 / accelLsb));
    const gyro = truth.gyroRadps.map((v) => quantise(v, 1 / gyroLsb));
    const temp = this.chip === 'mpu9250' ? Math.round((25 - 21) * 333.87) : Math.round((25 - 36.53) * 340);
    [...accel, temp, ...gyro].forEach((v, k) => this.setBe16(R.DATA + 2 * k, v));
    this.#dataReady = true;
    const fifoEnabled = ((this.regs[R.USER_CTRL] ?? 0) & 0x40) !== 0;
    const sel = this.regs[R.FIFO_EN] ?? 0;
    if (!fifoEnabled || sel === 0) return;
    const bytes: number[] = [];
    const reg = (k: number): number[] => [this.regs[R.DATA + 2 * k] ?? 0, this.regs[R.DATA + 2 * k + 1] ?? 0];
    if (sel & 0x08) bytes.push(...reg(0), ...reg(1), ...reg(2));
    if (sel & 0x80) bytes.push(...reg(3));
    if (sel & 0x40) bytes.push(...reg(4));
    if (sel & 0x20) bytes.push(...reg(5));
    if (sel & 0x10) bytes.push(...reg(6));
    const stoppedFull = this.fifo.mode === 'stop' && !this.fifo.fits(bytes.length);
    this.fifo.push(Uint8Array.from(bytes));
    if (this.firstFifoSampleNs === undefined && !stoppedFull) this.firstFifoSampleNs = instantNs;
  }

  protected catchUpFrames(): number {
    return Math.ceil(this.fifo.capacityBytes / 14) + 2;
  }

  protected onSkipped(): void {
    this.fifo.overflowed = true;
  }
}
