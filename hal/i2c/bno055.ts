/**
 * Bosch BNO055 on I²C: raw accel/gyro/mag and the chip's fused attitude (NDOF mode, 100 Hz).
 *
 * Source: BNO055 datasheet BST-BNO055-DS000 (§3.3 operation modes: NDOF fusion at 100 Hz, accel range fixed at
 * ±4 g by the fusion; §3.6.1 / UNIT_SEL: m/s² = 100 LSB, rad/s = 900 LSB, µT = 16 LSB, quaternion = 2^14 LSB;
 * §4.3 register map page 0: CHIP_ID 0x00 = 0xA0, PAGE_ID 0x07, ACC_DATA 0x08, MAG_DATA 0x0E, GYR_DATA 0x14,
 * QUA_DATA 0x20 (w, x, y, z), all little-endian; UNIT_SEL 0x3B, OPR_MODE 0x3D (CONFIGMODE 0x00, NDOF 0x0C),
 * PWR_MODE 0x3E, SYS_TRIGGER 0x3F RST_SYS (bit 5); table 3-6 mode switching times: 7 ms from CONFIGMODE, 19 ms
 * to it; power-on reset to normal mode: 650 ms).
 *
 * Each poll reads 0x08–0x27 in one 32-byte burst. The fused quaternion goes to `orientationWxyz` (Hamilton,
 * w first, rotating sensor-frame vectors into the BNO055's fusion frame — see the datasheet's fusion output
 * data section); an all-zero quaternion (fusion not running yet) is left out; one whose norm is off by more than
 * 5 % is a SampleError naming QUA_DATA (0x20).
 *
 * Device clock: the BNO055 has no FIFO, sample counter or readable timestamp. The driver snaps the host time of
 * each read to the 100 Hz fusion grid since open (`deviceTimeNs` = k × 10 ms) and emits one sample per grid
 * step; it polls every 5 ms so that a step is rarely missed (a missed step is a gap in k, visible downstream).
 */
import { DeviceError, SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import type { I2cBus } from './bus.js';
import { I2cDevice, le16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { imuInfo } from './imu-common.js';
import type { Vec3 } from './imu-common.js';

export const BNO_REG = Object.freeze({ CHIP_ID: 0x00, PAGE_ID: 0x07, ACC_DATA: 0x08, QUA_DATA: 0x20, UNIT_SEL: 0x3b, OPR_MODE: 0x3d, PWR_MODE: 0x3e, SYS_TRIGGER: 0x3f });
export const BNO055_CHIP_ID = 0xa0;
export const BNO_OPR_NDOF = 0x0c;
/** UNIT_SEL: accel m/s², gyro rad/s, Euler radians, temperature °C, Windows orientation. */
export const BNO_UNIT_SEL = 0x06;
export const BNO_LSB = Object.freeze({ accelPerMps2: 100, gyroPerRadps: 900, magPerUt: 16, quatPerUnit: 2 ** 14 });
const PERIOD_NS = 10_000_000n;

export interface Bno055Options extends I2cDeviceOptions {
  /** Fusion output rate: NDOF runs at 100 Hz only (the option exists so a wrong value is refused). */
  readonly odrHz?: number;
}

export interface Bno055Reading {
  readonly accelMps2: Vec3;
  readonly magUt: Vec3;
  readonly gyroRadps: Vec3;
  readonly orientationWxyz?: readonly [number, number, number, number];
}

/** Decodes the 32 bytes read from ACC_DATA (0x08) in the driver's UNIT_SEL. */
export function decodeBno055(deviceId: string, bytes: Uint8Array): Bno055Reading {
  if (bytes.length < 32) throw new SampleError(deviceId, { byteOffset: bytes.length }, `short read: ${bytes.length} of 32 bytes from ACC_DATA (0x08)`);
  const v = (reg: number, k: number): number => le16(bytes, reg - BNO_REG.ACC_DATA + 2 * k);
  const vec = (reg: number, lsb: number): Vec3 => [v(reg, 0) / lsb, v(reg, 1) / lsb, v(reg, 2) / lsb];
  const q = [0, 1, 2, 3].map((k) => v(BNO_REG.QUA_DATA, k) / BNO_LSB.quatPerUnit) as [number, number, number, number];
  const norm = Math.hypot(...q);
  const reading = { accelMps2: vec(0x08, BNO_LSB.accelPerMps2), magUt: vec(0x0e, BNO_LSB.magPerUt), gyroRadps: vec(0x14, BNO_LSB.gyroPerRadps) };
  if (norm === 0) return reading;
  if (Math.abs(norm - 1) > 0.05) {
    throw new SampleError(deviceId, { byteOffset: BNO_REG.QUA_DATA - BNO_REG.ACC_DATA }, `QUA_DATA (0x20) quaternion norm ${norm.toFixed(3)} is not 1; sample dropped`);
  }
  return { ...reading, orientationWxyz: q };
}

export class Bno055Imu extends I2cDevice<ImuInfo, ImuSample> {
  #openHostNs = 0n;
  #lastStep = -1n;

  constructor(options: Bno055Options) {
    super(imuInfo(options.id, 'bno055', options.bus, options.address, 100, true), options);
    if (options.odrHz !== undefined && options.odrHz !== 100) {
      throw new DeviceError(options.id, `"odrHz" must be 100 (BNO055 NDOF fusion output rate, datasheet §3.3), got ${options.odrHz}`);
    }
  }

  protected async setup(bus: I2cBus): Promise<ImuInfo> {
    const a = this.address;
    const w = (reg: number, v: number): Promise<void> => bus.writeRegister(a, reg, [v]);
    await w(BNO_REG.PAGE_ID, 0);
    await this.expectId(bus, BNO_REG.CHIP_ID, 'CHIP_ID', [BNO055_CHIP_ID], 'BNO055');
    await w(BNO_REG.OPR_MODE, 0x00); // CONFIGMODE
    await bus.delay(19);
    await w(BNO_REG.SYS_TRIGGER, 0x20); // RST_SYS
    await bus.delay(650);
    await this.expectId(bus, BNO_REG.CHIP_ID, 'CHIP_ID after reset', [BNO055_CHIP_ID], 'BNO055');
    await w(BNO_REG.PWR_MODE, 0x00); // normal
    await w(BNO_REG.PAGE_ID, 0);
    await w(BNO_REG.UNIT_SEL, BNO_UNIT_SEL);
    await w(BNO_REG.OPR_MODE, BNO_OPR_NDOF);
    await bus.delay(7);
    this.#openHostNs = this.hostNow();
    this.#lastStep = -1n;
    return this.info;
  }

  protected defaultPollMs(): number {
    return 5;
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const bytes = await bus.readRegister(this.address, BNO_REG.ACC_DATA, 32);
    const hostTimeNs = this.hostNow();
    const step = (hostTimeNs - this.#openHostNs) / PERIOD_NS;
    if (step <= this.#lastStep) return;
    this.#lastStep = step;
    const r = decodeBno055(this.info.id, bytes);
    this.push({ deviceTimeNs: step * PERIOD_NS, hostTimeNs, ...r });
  }

  protected override async shutdown(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, BNO_REG.OPR_MODE, [0x00]);
  }
}
