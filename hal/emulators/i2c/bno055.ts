/**
 * Register-level emulator of the Bosch BNO055 (BST-BNO055-DS000 §4.3 register map, page 0), fed by a real
 * recording with a magnetometer (BROAD: with its optical reference quaternion as the "fused" attitude; xio:
 * no reference, so QUA_DATA stays zero — fusion not running).
 *
 * Implements: CHIP_ID 0xA0, ACC_ID 0xFB, MAG_ID 0x32, GYR_ID 0x0F; PAGE_ID; SYS_TRIGGER RST_SYS (registers to
 * reset values: CONFIGMODE, UNIT_SEL 0x80); OPR_MODE (data registers update only in a fusion or sensor mode);
 * UNIT_SEL bit 0 (accel m/s² = 100 LSB or mg = 1 LSB) and bit 1 (gyro °/s = 16 LSB or rad/s = 900 LSB);
 * ACC/MAG/GYR/QUA data little-endian (mag 16 LSB/µT, quaternion 2^14 LSB). The data registers hold the
 * fusion output of the latest 10 ms step of the emulator clock (sample-and-hold at 100 Hz of the linearly
 * interpolated recording); accel saturates at ±4 g (the NDOF range). Not modelled: calibration status,
 * Euler/linear-acceleration/gravity outputs, interrupts, page 1, the boot time (reads answer at once).
 */
import { ImuChipEmulator, STANDARD_G, RAD_TO_DEG } from './imu-emulator.js';
import type { ImuEmulatorOptions } from './imu-emulator.js';
import type { ImuTruth } from './resample.js';
import { quantise } from './resample.js';

const R = { CHIP_ID: 0x00, ACC: 0x08, MAG: 0x0e, GYR: 0x14, QUA: 0x20, UNIT_SEL: 0x3b, OPR_MODE: 0x3d, SYS_TRIGGER: 0x3f } as const;

export class Bno055Emulator extends ImuChipEmulator {
  constructor(options: ImuEmulatorOptions) {
    super(options);
    if (options.recording.magUt === undefined) throw new Error(`BNO055 emulator: ${options.recording.path} has no magnetometer columns (use a broad or xio recording)`);
    this.#reset();
  }

  #reset(): void {
    this.regs.fill(0);
    this.regs.set([0xa0, 0xfb, 0x32, 0x0f], R.CHIP_ID);
    this.regs[R.UNIT_SEL] = 0x80;
    this.startSampling(0n);
  }

  protected override writeRegister(register: number, value: number): void {
    if (register <= 0x06 || (register >= R.ACC && register < 0x3b)) return; // IDs and data are read-only
    if (register === R.SYS_TRIGGER && (value & 0x20) !== 0) return this.#reset();
    this.regs[register] = value;
    if (register === R.OPR_MODE) this.startSampling((value & 0x0f) === 0 ? 0n : 10_000_000n);
  }

  protected onSample(truth: ImuTruth): void {
    const unit = this.regs[R.UNIT_SEL] ?? 0;
    const accelLsbPerMps2 = (unit & 1) !== 0 ? 1000 / STANDARD_G : 100;
    const gyroLsbPerRadps = (unit & 2) !== 0 ? 900 : 16 * RAD_TO_DEG;
    const fourG = 4 * STANDARD_G;
    const put = (reg: number, values: readonly number[], lsbPerUnit: number): void => values.forEach((v, k) => this.setLe16(reg + 2 * k, quantise(v, 1 / lsbPerUnit)));
    put(R.ACC, truth.accelMps2.map((a) => Math.max(-fourG, Math.min(fourG, a))), accelLsbPerMps2);
    put(R.MAG, truth.magUt ?? [0, 0, 0], 16);
    put(R.GYR, truth.gyroRadps, gyroLsbPerRadps);
    put(R.QUA, truth.quatWxyz ?? [0, 0, 0, 0], 2 ** 14);
  }

  protected catchUpFrames(): number {
    return 1;
  }

  protected onSkipped(): void {}
}
