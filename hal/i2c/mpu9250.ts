/**
 * InvenSense MPU-9250: the MPU-6050-style accel/gyro FIFO driver (`mpu6050.ts`, variant MPU9250: WHO_AM_I
 * 0x71, 512-byte FIFO, FIFO_MODE stop-when-full) plus its AK8963 magnetometer read directly through the I²C
 * bypass (RM-MPU-9250A-00 register 55 INT_PIN_CFG BYPASS_EN; USER_CTRL I2C_MST_EN stays 0 after reset).
 * The magnetometer runs at 100 Hz (AK8963 continuous mode 2); each IMU sample carries the latest field, µT,
 * in the accel/gyro axes (sample-and-hold: `magUt` is the most recent AK8963 reading at the poll).
 */
import { DeviceError } from '../types.js';
import type { I2cBus } from './bus.js';
import { AK8963_ADDRESS, AK_REG, decodeAk8963, setupAk8963 } from './ak8963.js';
import type { Vec3 } from './imu-common.js';
import { MPU9250, MPU_REG, MpuImu } from './mpu6050.js';
import type { MpuOptions } from './mpu6050.js';

export class Mpu9250Imu extends MpuImu {
  #adjust: Vec3 = [1, 1, 1];
  #magUt: Vec3 | undefined;

  constructor(options: MpuOptions) {
    super(options, MPU9250, true);
  }

  protected override async setupExtra(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, MPU_REG.INT_PIN_CFG, [0x02]); // BYPASS_EN
    this.#adjust = await setupAk8963(bus, this.info.id);
    this.#magUt = undefined;
    for (let tries = 0; tries < 5 && this.#magUt === undefined; tries++) {
      await bus.delay(10);
      this.#magUt = decodeAk8963(this.info.id, await bus.readRegister(AK8963_ADDRESS, AK_REG.ST1, 8), this.#adjust);
    }
    if (this.#magUt === undefined) throw new DeviceError(this.info.id, 'AK8963 (i2c 0x0c) gave no data (ST1 DRDY) within 50 ms of starting continuous mode 2');
  }

  protected override async readMagnetometer(bus: I2cBus): Promise<Vec3 | undefined> {
    const bytes = await bus.readRegister(AK8963_ADDRESS, AK_REG.ST1, 8);
    this.#magUt = decodeAk8963(this.info.id, bytes, this.#adjust) ?? this.#magUt;
    return this.#magUt;
  }
}
