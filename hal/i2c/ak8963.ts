/**
 * AsahiKASEI AK8963 3-axis magnetometer, the second die of the MPU-9250, reached at 0x0C through the MPU's
 * I²C bypass (INT_PIN_CFG BYPASS_EN). Source: AK8963 datasheet MS1356-E-02 (§8.3 registers: WIA 0x00 = 0x48,
 * ST1 0x02 DRDY/DOR, HXL–HZH 0x03–0x08 little-endian, ST2 0x09 HOFL/BITM, CNTL1 0x0A MODE/BIT, CNTL2 0x0B SRST,
 * ASAX–ASAZ 0x10–0x12 fuse ROM and the sensitivity adjustment Hadj = H × ((ASA − 128) × 0.5 / 128 + 1);
 * magnetic sensor specifications: 0.15 µT/LSB at 16-bit output, 0.6 µT/LSB at 14-bit, range ±4912 µT).
 * Axes: the AK8963 axes differ from the accel/gyro axes (PS-MPU-9250A-01, "Orientation of Axes of Sensitivity" figure): x_mag = y_imu,
 * y_mag = x_imu, z_mag = −z_imu. {@link ak8963ToImu} returns the field in the IMU's axes.
 */
import { DeviceError, SampleError } from '../types.js';
import type { I2cBus } from './bus.js';
import { le16 } from './i2c-device.js';
import type { Vec3 } from './imu-common.js';

export const AK8963_ADDRESS = 0x0c;
export const AK_REG = Object.freeze({ WIA: 0x00, ST1: 0x02, HXL: 0x03, ST2: 0x09, CNTL1: 0x0a, CNTL2: 0x0b, ASAX: 0x10 });
export const AK8963_WIA = 0x48;
/** µT per LSB with CNTL1 BIT = 1 (16-bit output). */
export const AK8963_UT_PER_LSB_16BIT = 0.15;
/** CNTL1: BIT = 16-bit, MODE = continuous measurement mode 2 (100 Hz). */
export const AK8963_CNTL1_CONT2_16BIT = 0x16;
export const AK8963_ST2_HOFL = 0x08;

/** The field in the IMU's axes from the AK8963's. */
export function ak8963ToImu(m: Vec3): Vec3 {
  return [m[1], m[0], -m[2]];
}

/** Sensitivity adjustment factors from the fuse ROM bytes (register description of ASAX–ASAZ). */
export function ak8963Adjust(asa: Uint8Array): Vec3 {
  return [0, 1, 2].map((k) => ((asa[k] ?? 128) - 128) * 0.5 / 128 + 1) as Vec3;
}

/**
 * Decodes ST1..ST2 (8 bytes from 0x02): undefined when no new data (DRDY clear), the field in µT (IMU axes)
 * otherwise; a magnetic overflow (ST2 HOFL) is a SampleError naming the register.
 */
export function decodeAk8963(deviceId: string, bytes: Uint8Array, adjust: Vec3): Vec3 | undefined {
  if (((bytes[0] ?? 0) & 0x01) === 0) return undefined;
  if (((bytes[7] ?? 0) & AK8963_ST2_HOFL) !== 0) {
    throw new SampleError(deviceId, { byteOffset: 7 }, 'AK8963 magnetic sensor overflow (ST2 0x09 HOFL): |B| beyond ±4912 µT, reading dropped');
  }
  const raw: Vec3 = [le16(bytes, 1), le16(bytes, 3), le16(bytes, 5)];
  return ak8963ToImu(raw.map((v, k) => v * AK8963_UT_PER_LSB_16BIT * adjust[k as 0 | 1 | 2]) as Vec3);
}

/** Resets the AK8963, checks WIA, reads the fuse ROM and starts 100 Hz 16-bit measurement. Returns ASA factors. */
export async function setupAk8963(bus: I2cBus, deviceId: string): Promise<Vec3> {
  const a = AK8963_ADDRESS;
  await bus.writeRegister(a, AK_REG.CNTL2, [0x01]); // SRST
  await bus.delay(1);
  const wia = (await bus.readRegister(a, AK_REG.WIA, 1))[0] ?? 0;
  if (wia !== AK8963_WIA) throw new DeviceError(deviceId, `AK8963 WIA (0x00) at i2c:${bus.busNumber}:0x0c reads 0x${wia.toString(16).padStart(2, '0')}, expected 0x48`);
  await bus.writeRegister(a, AK_REG.CNTL1, [0x0f]); // fuse ROM access mode
  await bus.delay(1);
  const asa = await bus.readRegister(a, AK_REG.ASAX, 3);
  await bus.writeRegister(a, AK_REG.CNTL1, [0x00]); // power-down between two modes (datasheet: then ≥ 100 µs)
  await bus.delay(1);
  await bus.writeRegister(a, AK_REG.CNTL1, [AK8963_CNTL1_CONT2_16BIT]);
  return ak8963Adjust(asa);
}
