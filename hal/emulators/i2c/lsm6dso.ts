/**
 * Register-level emulator of the ST LSM6DSO / LSM6DSOX (DS12140 / DS13050 register description, AN5192 FIFO
 * chapter), fed by a real recording.
 *
 * Implements: WHO_AM_I 0x6C; CTRL3_C SW_RESET (registers to reset values, IF_INC set); CTRL1_XL / CTRL2_G ODR and
 * full scale (the gyro's ODR sets the sample grid, at 6666.67 Hz / 2^(10 − code): a whole number of 25 µs
 * timestamp ticks); CTRL10_C TIMESTAMP_EN (the 32-bit 25 µs counter starts at 0 when enabled);
 * INTERNAL_FREQ_FINE (0: the emulated oscillator is exact); output registers 0x22–0x2D little-endian with
 * STATUS_REG 0x1E GDA/XLDA data-ready bits (cleared when the outputs are read);
 * FIFO_CTRL3 BDR_GY/BDR_XL (which sensors are batched), FIFO_CTRL4 DEC_TS_BATCH (a timestamp word before each
 * time slot when 1) and FIFO_MODE (000 bypass: FIFO emptied, nothing stored; 001 FIFO mode: stops when full;
 * 110 continuous: newest overwrite oldest); FIFO_STATUS1/2 (DIFF_FIFO words, FIFO_OVR_IA); FIFO_DATA_OUT_TAG
 * 0x78–0x7E (reading 0x7E pops the word and the pointer wraps to 0x78). Each time slot writes [timestamp],
 * gyro, accel words with one TAG_CNT (2 bits, +1 per slot); TAG_PARITY is left 0. Capacity 512 words (3 KB of
 * 6-byte data). Values: linear interpolation of the recording, quantised to the configured LSB, saturated.
 * Not modelled: filters, embedded functions / MLC, sensor hub, temperature batching.
 */
import { RAD_TO_DEG, STANDARD_G, ImuChipEmulator } from './imu-emulator.js';
import type { ImuEmulatorOptions } from './imu-emulator.js';
import type { ImuTruth } from './resample.js';
import { quantise } from './resample.js';
import { FrameFifo } from './register-chip.js';

const R = { STATUS_REG: 0x1e, FIFO_CTRL3: 0x09, FIFO_CTRL4: 0x0a, WHO_AM_I: 0x0f, CTRL1_XL: 0x10, CTRL2_G: 0x11, CTRL3_C: 0x12, CTRL10_C: 0x19, OUTX_L_G: 0x22, FIFO_STATUS1: 0x3a, FIFO_STATUS2: 0x3b, TIMESTAMP0: 0x40, TAG: 0x78, LAST: 0x7e } as const;
const GYRO_MDPS = [8.75, 17.5, 35, 70];
const ACCEL_MG = [0.061, 0.488, 0.122, 0.244];
const TICK_NS = 25_000n;

export class Lsm6dsoEmulator extends ImuChipEmulator {
  readonly fifo = new FrameFifo(512 * 7, 'overwrite');
  #timestampStartNs: bigint | undefined;
  #tagCnt = 0;
  #word: Uint8Array | undefined;

  constructor(options: ImuEmulatorOptions) {
    super(options);
    this.#reset();
  }

  #reset(): void {
    this.regs.fill(0);
    this.regs[R.WHO_AM_I] = 0x6c;
    this.regs[R.CTRL3_C] = 0x04;
    this.fifo.clear();
    this.firstFifoSampleNs = undefined;
    this.#timestampStartNs = undefined;
    this.#tagCnt = 0;
    this.#word = undefined;
    this.#restart();
  }

  #restart(): void {
    const code = (this.regs[R.CTRL2_G] ?? 0) >> 4;
    this.startSampling(code >= 1 && code <= 10 ? BigInt(6 * 2 ** (10 - code)) * TICK_NS : 0n);
  }

  protected override writeRegister(register: number, value: number): void {
    if (register === R.WHO_AM_I || (register >= R.FIFO_STATUS1 && register <= 0x43) || register >= R.TAG) return;
    if (register === R.CTRL3_C && (value & 1) !== 0) return this.#reset();
    this.regs[register] = value;
    if (register === R.CTRL2_G) this.#restart();
    if (register === R.CTRL10_C) this.#timestampStartNs = (value & 0x20) !== 0 ? this.clock.nowNs() : undefined;
    if (register === R.FIFO_CTRL4) {
      const mode = value & 0x07;
      if (mode === 0) {
        this.fifo.clear();
        this.firstFifoSampleNs = undefined;
        this.#word = undefined;
      }
      this.fifo.mode = mode === 1 ? 'stop' : 'overwrite';
    }
  }

  protected override readRegister(register: number): number {
    if (register === R.STATUS_REG) return this.regs[R.STATUS_REG] ?? 0;
    if (register >= R.OUTX_L_G && register < R.OUTX_L_G + 12) {
      // Reading an output register clears its data-ready bit (GDA for gyro, XLDA for accel).
      this.regs[R.STATUS_REG] = (this.regs[R.STATUS_REG] ?? 0) & ~(register < R.OUTX_L_G + 6 ? 0x02 : 0x01);
    }
    if (register === R.FIFO_STATUS1) return this.#words() & 0xff;
    if (register === R.FIFO_STATUS2) return ((this.#words() >> 8) & 0x03) | (this.fifo.overflowed ? 0x48 : 0);
    if (register >= R.TIMESTAMP0 && register <= 0x43) return Number((this.#ticks(this.clock.nowNs()) >> BigInt(8 * (register - R.TIMESTAMP0))) & 0xffn);
    if (register >= R.TAG && register <= R.LAST) {
      if (register === R.TAG || this.#word === undefined) this.#word = Uint8Array.from({ length: 7 }, () => this.fifo.popByte());
      return this.#word[register - R.TAG] ?? 0;
    }
    return this.regs[register] ?? 0;
  }

  protected override nextPointer(register: number): number {
    if (register === R.LAST) return R.TAG;
    return (register + 1) & 0xff;
  }

  #words(): number {
    return Math.floor(this.fifo.countBytes / 7);
  }

  #ticks(instantNs: bigint): bigint {
    return this.#timestampStartNs === undefined ? 0n : ((instantNs - this.#timestampStartNs) / TICK_NS) & 0xffffffffn;
  }

  protected onSample(truth: ImuTruth, instantNs: bigint): void {
    const g2 = this.regs[R.CTRL2_G] ?? 0;
    const mdps = (g2 & 0x02) !== 0 ? 4.375 : (GYRO_MDPS[(g2 >> 2) & 3] ?? 70);
    const mg = ACCEL_MG[((this.regs[R.CTRL1_XL] ?? 0) >> 2) & 3] ?? 0.488;
    const gyro = truth.gyroRadps.map((v) => quantise(v * RAD_TO_DEG, mdps / 1000));
    const accel = truth.accelMps2.map((v) => quantise(v / STANDARD_G, mg / 1000));
    [...gyro, ...accel].forEach((v, k) => this.setLe16(R.OUTX_L_G + 2 * k, v));
    this.regs[R.STATUS_REG] = (this.regs[R.STATUS_REG] ?? 0) | 0x03; // GDA | XLDA
    const mode = (this.regs[R.FIFO_CTRL4] ?? 0) & 0x07;
    const bdr = this.regs[R.FIFO_CTRL3] ?? 0;
    if (mode === 0 || bdr === 0) return;
    const cnt = this.#tagCnt;
    this.#tagCnt = (this.#tagCnt + 1) & 3;
    const word = (tag: number, data: number[]): Uint8Array => Uint8Array.from([(tag << 3) | (cnt << 1), ...data, ...new Array<number>(6 - data.length).fill(0)]);
    const le = (vs: number[]): number[] => vs.flatMap((v) => [v & 0xff, (v >> 8) & 0xff]);
    const slot: Uint8Array[] = [];
    if (((this.regs[R.FIFO_CTRL4] ?? 0) >> 6) === 1) {
      const t = Number(this.#ticks(instantNs));
      slot.push(word(0x04, [t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff]));
    }
    if ((bdr >> 4) !== 0) slot.push(word(0x01, le(gyro)));
    if ((bdr & 0x0f) !== 0) slot.push(word(0x02, le(accel)));
    const fits = this.fifo.fits(7 * slot.length) || this.fifo.mode === 'overwrite';
    for (const w of slot) this.fifo.push(w);
    if (this.firstFifoSampleNs === undefined && fits) this.firstFifoSampleNs = instantNs;
  }

  protected catchUpFrames(): number {
    return Math.ceil(512 / 3) + 2;
  }

  protected onSkipped(): void {
    this.fifo.overflowed = true;
  }
}
