/**
 * The device contract (test/hal/contract/) for every I²C driver, each on its register-level emulator fed by a
 * real recording, in real time (host clock, the driver's own poll timer) — exactly what the driver table's
 * `emulator` option builds on a laptop. Live devices never end: each pass reads a bounded number of samples.
 */
import { emulatedBusFor } from '../../../hal/emulators/i2c/index.js';
import type { EmulatorSetup } from '../../../hal/emulators/i2c/index.js';
import { Bno055Imu } from '../../../hal/i2c/bno055.js';
import { Icm42688pImu } from '../../../hal/i2c/icm42688p.js';
import type { I2cDeviceOptions } from '../../../hal/i2c/i2c-device.js';
import { Ina219Monitor } from '../../../hal/i2c/ina219.js';
import { Lsm6dsoImu } from '../../../hal/i2c/lsm6dso.js';
import { Max17048Gauge } from '../../../hal/i2c/max17048.js';
import { MpuImu } from '../../../hal/i2c/mpu6050.js';
import { Mpu9250Imu } from '../../../hal/i2c/mpu9250.js';
import { imuContract } from '../contract/imu.js';
import { powerContract } from '../contract/power.js';
import { BROAD_07, MH01_IMU0, UPS_BATTERY, V101_IMU0, XIO } from './rig.js';

function onEmulator(driver: string, address: number, setup: EmulatorSetup, id = 'imu0'): I2cDeviceOptions {
  return { id, bus: 1, address, openBus: () => emulatedBusFor(driver, 1, address, setup) };
}

imuContract('mpu6050 on its emulator, EuRoC MH_01 imu0, 200 Hz', {
  create: () => new MpuImu({ ...onEmulator('mpu6050', 0x68, { recording: MH01_IMU0, format: 'euroc' }), odrHz: 200 }),
  maxSamples: 40,
});
imuContract('mpu9250 + AK8963 on its emulator, BROAD trial 07', {
  create: () => new Mpu9250Imu({ ...onEmulator('mpu9250', 0x69, { recording: BROAD_07, format: 'broad' }), odrHz: 500 }),
  maxSamples: 40,
});
imuContract('icm42688p on its emulator, EuRoC V1_01 imu0, 1 kHz', {
  create: () => new Icm42688pImu({ ...onEmulator('icm42688p', 0x68, { recording: V101_IMU0, format: 'euroc' }), odrHz: 1000 }),
  maxSamples: 100,
});
imuContract('lsm6dso on its emulator, x-IMU3 sensor_data, 416 Hz', {
  create: () => new Lsm6dsoImu({ ...onEmulator('lsm6dso', 0x6b, { recording: XIO, format: 'xio' }), odrHz: 416 }),
  maxSamples: 60,
});
imuContract('bno055 on its emulator, BROAD trial 07 (NDOF 100 Hz, quaternion)', {
  create: () => new Bno055Imu(onEmulator('bno055', 0x28, { recording: BROAD_07, format: 'broad' })),
  maxSamples: 15,
});
powerContract('max17048 on its emulator, UPSplus battery log', {
  create: () => new Max17048Gauge({ ...onEmulator('max17048', 0x36, { recording: UPS_BATTERY, format: 'ups-trace', timeScale: 600 }, 'battery'), pollIntervalMs: 10 }),
  maxSamples: 8,
});
powerContract('ina219 on its emulator, UPSplus battery log', {
  create: () => new Ina219Monitor({ ...onEmulator('ina219', 0x40, { recording: UPS_BATTERY, format: 'ups-trace', timeScale: 600 }, 'rail'), pollIntervalMs: 10 }),
  maxSamples: 8,
});
