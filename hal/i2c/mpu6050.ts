/**
 * InvenSense MPU-6050 (and the MPU-9250's accel/gyro die, see `mpu9250.ts`) on I²C: FIFO driver.
 *
 * Sources: MPU-6000/6050 Product Specification PS-MPU-6000A-00 rev 3.4 (§6.1 gyroscope and §6.2 accelerometer
 * specifications: sensitivity per FS_SEL/AFS_SEL; the FIFO is 1024 bytes) and Register Map RM-MPU-6000A-00
 * rev 4.2 (registers 25 SMPLRT_DIV, 26 CONFIG/DLPF_CFG, 27 GYRO_CONFIG, 28 ACCEL_CONFIG, 35 FIFO_EN, 58
 * INT_STATUS FIFO_OFLOW_INT, 106 USER_CTRL FIFO_EN/FIFO_RESET, 107 PWR_MGMT_1 DEVICE_RESET/SLEEP/CLKSEL,
 * 114–115 FIFO_COUNT, 116 FIFO_R_W, 117 WHO_AM_I = 0x68). MPU-9250: PS-MPU-9250A-01 rev 1.1 / RM-MPU-9250A-00
 * rev 1.6 (same registers; WHO_AM_I 0x71; 512-byte FIFO; CONFIG bit 6 FIFO_MODE = 1 stops writing when full).
 *
 * Configuration: sample rate = 1 kHz / (1 + SMPLRT_DIV) with the DLPF on (RM register 25), so `odrHz` must
 * divide 1000 by an integer 1–256; DLPF_CFG is the widest bandwidth below odrHz/2 (RM register 26 table:
 * 1 → 184/188 Hz, 2 → 94/98, 3 → 44/42, 4 → 21/20, 5 → 10, 6 → 5 Hz). Ranges: gyro ±250/500/1000/2000 °/s =
 * 131/65.5/32.8/16.4 LSB/(°/s); accel ±2/4/8/16 g = 16384/8192/4096/2048 LSB/g (PS §6.1, §6.2).
 *
 * FIFO frame (14 bytes, FIFO_EN = 0xF8, register order, big-endian): ACCEL_X/Y/Z, TEMP, GYRO_X/Y/Z.
 * Each poll: INT_STATUS (overflow?) → FIFO_COUNT → whole frames from FIFO_R_W. Overflow or an impossible
 * FIFO_COUNT → a SampleError naming the register, the FIFO is reset and the stream goes on.
 *
 * Device clock: the FIFO holds no time, so `deviceTimeNs` = frame counter × the nominal period (frame 0 =
 * first frame after the FIFO was enabled). After a FIFO reset the counter skips the periods elapsed on the host
 * clock. Output: gyro rad/s, accel m/s² in the chip's axes (the PS "orientation of axes of sensitivity" figure:
 * x and y in the package plane, z out of its top).
 */
import { DeviceError, SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import type { I2cBus } from './bus.js';
import { CounterClock } from './device-clock.js';
import { I2cDevice, be16, fifoPollMs, ube16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { DEG_TO_RAD, G_MPS2, imuInfo, pick } from './imu-common.js';
import type { Vec3 } from './imu-common.js';

/** Register addresses (RM-MPU-6000A-00 / RM-MPU-9250A-00). */
export const MPU_REG = Object.freeze({
  SMPLRT_DIV: 0x19,
  CONFIG: 0x1a,
  GYRO_CONFIG: 0x1b,
  ACCEL_CONFIG: 0x1c,
  FIFO_EN: 0x23,
  INT_PIN_CFG: 0x37,
  INT_STATUS: 0x3a,
  ACCEL_XOUT_H: 0x3b,
  USER_CTRL: 0x6a,
  PWR_MGMT_1: 0x6b,
  FIFO_COUNTH: 0x72,
  FIFO_R_W: 0x74,
  WHO_AM_I: 0x75,
});

export type MpuGyroRangeDps = 250 | 500 | 1000 | 2000;
export type MpuAccelRangeG = 2 | 4 | 8 | 16;
/** LSB per °/s by full scale (PS §6.1). Index = FS_SEL. */
export const MPU_GYRO_LSB_PER_DPS: Readonly<Record<MpuGyroRangeDps, number>> = Object.freeze({ 250: 131, 500: 65.5, 1000: 32.8, 2000: 16.4 });
/** LSB per g by full scale (PS §6.2). Index = AFS_SEL. */
export const MPU_ACCEL_LSB_PER_G: Readonly<Record<MpuAccelRangeG, number>> = Object.freeze({ 2: 16384, 4: 8192, 8: 4096, 16: 2048 });
const GYRO_RANGES: readonly MpuGyroRangeDps[] = [250, 500, 1000, 2000];
const ACCEL_RANGES: readonly MpuAccelRangeG[] = [2, 4, 8, 16];
/** INT_STATUS bits. */
export const MPU_FIFO_OFLOW_INT = 0x10;
/** FIFO_EN: TEMP, XG, YG, ZG, ACCEL. */
export const MPU_FIFO_EN_ALL = 0xf8;
export const MPU_FRAME_BYTES = 14;

export interface MpuVariant {
  readonly chip: string;
  readonly driver: string;
  readonly whoAmI: readonly number[];
  readonly fifoBytes: number;
  /** CONFIG bit 6 FIFO_MODE exists (MPU-9250): set it so a full FIFO stops rather than overwrites. */
  readonly stopOnFull: boolean;
}

export const MPU6050: MpuVariant = Object.freeze({ chip: 'MPU-6050', driver: 'mpu6050', whoAmI: [0x68], fifoBytes: 1024, stopOnFull: false });
export const MPU9250: MpuVariant = Object.freeze({ chip: 'MPU-9250', driver: 'mpu9250', whoAmI: [0x71], fifoBytes: 512, stopOnFull: true });

export interface MpuOptions extends I2cDeviceOptions {
  /** Output data rate, Hz: 1000 / k for an integer k in 1–256. Default 200. */
  readonly odrHz?: number;
  /** Gyro full scale, °/s. Default 2000. */
  readonly gyroRangeDps?: number;
  /** Accel full scale, g. Default 16. */
  readonly accelRangeG?: number;
}

/** SMPLRT_DIV and DLPF_CFG for `odrHz` (see the module documentation); throws on a rate the chip cannot make. */
export function mpuRateConfig(id: string, odrHz: number): { smplrtDiv: number; dlpfCfg: number } {
  const k = 1000 / odrHz;
  const div = Math.round(k) - 1;
  if (!(odrHz > 0) || Math.abs(k - Math.round(k)) > 1e-6 || div < 0 || div > 255) {
    throw new DeviceError(id, `"odrHz" must be 1000 / (1 + SMPLRT_DIV) for SMPLRT_DIV 0–255 (e.g. 1000, 500, 250, 200, 100, 50), got ${odrHz}`);
  }
  const bandwidths: readonly [number, number][] = [[1, 188], [2, 98], [3, 42], [4, 20], [5, 10], [6, 5]];
  const dlpfCfg = bandwidths.find(([, bw]) => bw < odrHz / 2)?.[0] ?? 6;
  return { smplrtDiv: div, dlpfCfg };
}

/** Scale factors of a configuration: rad/s and m/s² per LSB. */
export interface ImuScale {
  readonly gyroRadpsPerLsb: number;
  readonly accelMps2PerLsb: number;
}

/**
 * Decodes MPU FIFO bytes (whole 14-byte frames: accel, temp, gyro, big-endian) into SI triples.
 * A trailing partial frame is a SampleError at its stream byte offset (`streamOffset` + its index).
 */
export function decodeMpuFrames(deviceId: string, bytes: Uint8Array, scale: ImuScale, streamOffset: number): { frames: { gyroRadps: Vec3; accelMps2: Vec3 }[]; error?: SampleError } {
  const whole = Math.floor(bytes.length / MPU_FRAME_BYTES);
  const frames = [];
  for (let f = 0; f < whole; f++) {
    const o = f * MPU_FRAME_BYTES;
    const v = (k: number): number => be16(bytes, o + 2 * k);
    frames.push({
      accelMps2: [v(0) * scale.accelMps2PerLsb, v(1) * scale.accelMps2PerLsb, v(2) * scale.accelMps2PerLsb] as Vec3,
      gyroRadps: [v(4) * scale.gyroRadpsPerLsb, v(5) * scale.gyroRadpsPerLsb, v(6) * scale.gyroRadpsPerLsb] as Vec3,
    });
  }
  const rest = bytes.length - whole * MPU_FRAME_BYTES;
  const error = rest === 0 ? undefined : new SampleError(deviceId, { byteOffset: streamOffset + whole * MPU_FRAME_BYTES }, `${rest} bytes of a partial ${MPU_FRAME_BYTES}-byte FIFO frame`);
  return { frames, error };
}

/** MPU-6050 FIFO driver (and base of the MPU-9250 driver). */
export class MpuImu extends I2cDevice<ImuInfo, ImuSample> {
  readonly variant: MpuVariant;
  readonly odrHz: number;
  readonly gyroRangeDps: MpuGyroRangeDps;
  readonly accelRangeG: MpuAccelRangeG;
  readonly scale: ImuScale;
  readonly #rate: { smplrtDiv: number; dlpfCfg: number };
  #clock = new CounterClock(1n);
  #fifoOffset = 0;
  #lastPollHostNs = 0n;

  constructor(options: MpuOptions, variant: MpuVariant = MPU6050, hasMagnetometer = false) {
    const odrHz = options.odrHz ?? 200;
    super(imuInfo(options.id, variant.driver, options.bus, options.address, odrHz, hasMagnetometer), options);
    this.variant = variant;
    this.odrHz = odrHz;
    this.#rate = mpuRateConfig(options.id, odrHz);
    this.gyroRangeDps = pick(options.id, 'gyroRangeDps', options.gyroRangeDps, GYRO_RANGES, 2000, `${variant.chip} FS_SEL`);
    this.accelRangeG = pick(options.id, 'accelRangeG', options.accelRangeG, ACCEL_RANGES, 16, `${variant.chip} AFS_SEL`);
    this.scale = {
      gyroRadpsPerLsb: DEG_TO_RAD / MPU_GYRO_LSB_PER_DPS[this.gyroRangeDps],
      accelMps2PerLsb: G_MPS2 / MPU_ACCEL_LSB_PER_G[this.accelRangeG],
    };
  }

  protected async setup(bus: I2cBus): Promise<ImuInfo> {
    const a = this.address;
    await this.expectId(bus, MPU_REG.WHO_AM_I, 'WHO_AM_I', this.variant.whoAmI, this.variant.chip);
    await bus.writeRegister(a, MPU_REG.PWR_MGMT_1, [0x80]); // DEVICE_RESET
    await bus.delay(100);
    await bus.writeRegister(a, MPU_REG.PWR_MGMT_1, [0x01]); // wake, CLKSEL = PLL with X gyro
    await bus.delay(10);
    await bus.writeRegister(a, MPU_REG.CONFIG, [this.#rate.dlpfCfg | (this.variant.stopOnFull ? 0x40 : 0)]);
    await bus.writeRegister(a, MPU_REG.SMPLRT_DIV, [this.#rate.smplrtDiv]);
    await bus.writeRegister(a, MPU_REG.GYRO_CONFIG, [GYRO_RANGES.indexOf(this.gyroRangeDps) << 3]);
    await bus.writeRegister(a, MPU_REG.ACCEL_CONFIG, [ACCEL_RANGES.indexOf(this.accelRangeG) << 3]);
    await this.setupExtra(bus);
    await bus.writeRegister(a, MPU_REG.FIFO_EN, [MPU_FIFO_EN_ALL]);
    await this.#resetFifo(bus);
    await bus.readRegister(a, MPU_REG.INT_STATUS, 1); // clear stale flags
    this.#clock = new CounterClock(BigInt(Math.round(1e9 / this.odrHz)));
    this.#fifoOffset = 0;
    this.#lastPollHostNs = this.hostNow();
    return this.info;
  }

  /** Hook for the MPU-9250 (bypass to the AK8963) between configuration and FIFO start. */
  protected async setupExtra(_bus: I2cBus): Promise<void> {}

  /** Hook: the magnetometer reading to attach to this poll's samples (MPU-9250). */
  protected async readMagnetometer(_bus: I2cBus): Promise<Vec3 | undefined> {
    return undefined;
  }

  protected defaultPollMs(): number {
    return fifoPollMs(this.variant.fifoBytes / MPU_FRAME_BYTES, this.odrHz);
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const a = this.address;
    const magUt = await this.readMagnetometer(bus);
    const status = (await bus.readRegister(a, MPU_REG.INT_STATUS, 1))[0] ?? 0;
    const pollStart = this.hostNow();
    if ((status & MPU_FIFO_OFLOW_INT) !== 0) {
      await this.#fifoFault(bus, pollStart, `FIFO overflow: INT_STATUS (0x3a) FIFO_OFLOW_INT set, samples lost; FIFO reset`);
      return;
    }
    const count = ube16(await bus.readRegister(a, MPU_REG.FIFO_COUNTH, 2), 0);
    if (count > this.variant.fifoBytes) {
      await this.#fifoFault(bus, pollStart, `FIFO_COUNT (0x72) reads ${count}, more than the ${this.variant.fifoBytes}-byte FIFO holds; FIFO reset`);
      return;
    }
    const frames = Math.floor(count / MPU_FRAME_BYTES);
    if (frames === 0) return;
    const bytes = await bus.readRegister(a, MPU_REG.FIFO_R_W, frames * MPU_FRAME_BYTES);
    const hostTimeNs = this.hostNow();
    this.#lastPollHostNs = hostTimeNs;
    const decoded = decodeMpuFrames(this.info.id, bytes, this.scale, this.#fifoOffset);
    this.#fifoOffset += bytes.length;
    for (const f of decoded.frames) {
      const sample: ImuSample = { deviceTimeNs: this.#clock.next(), hostTimeNs, gyroRadps: f.gyroRadps, accelMps2: f.accelMps2 };
      this.push(magUt === undefined ? sample : { ...sample, magUt });
    }
    if (decoded.error !== undefined) this.pushSampleError(decoded.error);
  }

  async #fifoFault(bus: I2cBus, nowNs: bigint, message: string): Promise<void> {
    this.pushSampleError(new SampleError(this.info.id, { byteOffset: this.#fifoOffset }, message));
    await this.#resetFifo(bus);
    this.#clock.skip(nowNs - this.#lastPollHostNs);
    this.#lastPollHostNs = nowNs;
  }

  async #resetFifo(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, MPU_REG.USER_CTRL, [0x04]); // FIFO_RESET (FIFO_EN off)
    await bus.writeRegister(this.address, MPU_REG.USER_CTRL, [0x40]); // FIFO_EN
  }

  protected override async shutdown(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, MPU_REG.PWR_MGMT_1, [0x40]); // SLEEP
  }
}
