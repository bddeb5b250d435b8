/**
 * Register-level emulator of the AK8963 magnetometer inside an emulated MPU-9250 (AK8963 datasheet MS1356-E-02
 * register description): WIA 0x48; CNTL2 SRST; CNTL1 MODE (power-down, single, continuous 1 = 8 Hz,
 * continuous 2 = 100 Hz, fuse ROM access) and BIT (14/16-bit output); ST1 DRDY (new data) and DOR (a sample was
 * skipped); HXL–HZH little-endian in the AK8963's axes (x = y_imu, y = x_imu, z = −z_imu); ST2 BITM and HOFL
 * (|H| sum over 4912 µT); reading ST2 ends the data read and clears DRDY; ASAX–ASAZ fuse ROM (set per
 * emulator, default 176, 177, 165 as on a typical part) — raw values are divided by the adjustment so that the
 * driver's correction gives back the recording. Reachable only while the MPU-9250's BYPASS_EN is set (else
 * every transfer to 0x0C NACKs, as on the real module). Needs a recording with a magnetometer (broad, xio).
 */
import { TargetNack } from '../../i2c/bus.js';
import { ImuChipEmulator } from './imu-emulator.js';
import type { ImuEmulatorOptions } from './imu-emulator.js';
import type { ImuTruth } from './resample.js';
import { quantise } from './resample.js';

const R = { WIA: 0x00, ST1: 0x02, HXL: 0x03, ST2: 0x09, CNTL1: 0x0a, CNTL2: 0x0b, ASAX: 0x10 } as const;

export interface Ak8963EmulatorOptions extends ImuEmulatorOptions {
  /** Whether the MPU-9250's bypass is on (the AK8963 answers only then). */
  readonly reachable: () => boolean;
  /** Fuse ROM sensitivity adjustment bytes. */
  readonly asa?: readonly [number, number, number];
}

export class Ak8963Emulator extends ImuChipEmulator {
  readonly #reachable: () => boolean;
  readonly #asa: readonly [number, number, number];

  constructor(options: Ak8963EmulatorOptions) {
    super(options);
    if (options.recording.magUt === undefined) throw new Error(`AK8963 emulator: ${options.recording.path} has no magnetometer columns (use a broad or xio recording)`);
    this.#reachable = options.reachable;
    this.#asa = options.asa ?? [176, 177, 165];
    this.#reset();
  }

  override write(bytes: Uint8Array): void {
    if (!this.#reachable()) throw new TargetNack('AK8963 behind the MPU-9250 (BYPASS_EN off)');
    super.write(bytes);
  }

  override read(length: number): Uint8Array {
    if (!this.#reachable()) throw new TargetNack('AK8963 behind the MPU-9250 (BYPASS_EN off)');
    return super.read(length);
  }

  #reset(): void {
    this.regs.fill(0);
    this.regs[R.WIA] = 0x48;
    this.regs[R.ASAX] = this.#asa[0];
    this.regs[R.ASAX + 1] = this.#asa[1];
    this.regs[R.ASAX + 2] = this.#asa[2];
    this.startSampling(0n);
  }

  protected override writeRegister(register: number, value: number): void {
    if (register === R.CNTL2 && (value & 1) !== 0) return this.#reset();
    if (register !== R.CNTL1) return;
    this.regs[R.CNTL1] = value;
    const mode = value & 0x0f;
    this.startSampling(mode === 0x02 ? 125_000_000n : mode === 0x06 ? 10_000_000n : 0n);
  }

  protected override readRegister(register: number): number {
    const v = this.regs[register] ?? 0;
    if (register === R.ST2) this.regs[R.ST1] = 0; // end of the data read: DRDY and DOR cleared
    return v;
  }

  protected onSample(truth: ImuTruth, _instantNs: bigint): void {
    const m = truth.magUt ?? [0, 0, 0];
    const chipAxes = [m[1], m[0], -m[2]];
    const sixteen = ((this.regs[R.CNTL1] ?? 0) & 0x10) !== 0;
    const lsbUt = sixteen ? 0.15 : 0.6;
    const raw = chipAxes.map((b, k) => quantise(b / (((this.#asa[k] ?? 128) - 128) * 0.5 / 128 + 1), lsbUt, sixteen ? 16 : 14));
    raw.forEach((v, k) => this.setLe16(R.HXL + 2 * k, v));
    const overflow = Math.abs(m[0]) + Math.abs(m[1]) + Math.abs(m[2]) >= 4912;
    const unread = ((this.regs[R.ST1] ?? 0) & 0x01) !== 0;
    this.regs[R.ST1] = 0x01 | (unread ? 0x02 : 0); // DOR: the previous sample was never read
    this.regs[R.ST2] = (sixteen ? 0x10 : 0) | (overflow ? 0x08 : 0);
  }

  protected catchUpFrames(): number {
    return 2;
  }

  protected onSkipped(): void {
    this.regs[R.ST1] = (this.regs[R.ST1] ?? 0) | 0x02;
  }
}
