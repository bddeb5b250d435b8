/**
 * The I²C drivers as entries of the HAL driver table (`hal/drivers.ts` merges {@link I2C_DRIVERS} into
 * `DRIVERS`). A `[[devices]]` entry names the driver, its kind, and as `path` the device spec
 * `i2c:<bus>:<0xaddr>`; the entry's option fields hold the chip's rate and ranges (checked against its datasheet
 * tables) and, for laptops and CI, `emulator = { recording = "…", format = "euroc" | "broad" | "xio" | "ups-trace" }`: the
 * driver then runs unchanged on an emulated bus whose chip replays that real recording (path relative to the
 * manifest) in real time. See docs/hal-i2c.md.
 *
 * Clock: `relative` — live device clocks start near 0 at open (counters, chip timestamps, host time).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DeviceConfig, DriverContext, DriverEntry } from '../drivers.js';
import { emulatedBusFor } from '../emulators/i2c/index.js';
import type { EmulatorFormat } from '../emulators/i2c/index.js';
import { DeviceError } from '../types.js';
import type { AnyDevice } from '../types.js';
import { Bno055Imu } from './bno055.js';
import type { I2cBus } from './bus.js';
import { Icm42688pImu, ICM_ACCEL_FS, ICM_GYRO_FS, ICM_ODR_CODE } from './icm42688p.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { Ina219Monitor } from './ina219.js';
import { LSM_ACCEL_FS, LSM_GYRO_FS, LSM_ODR_CODE, Lsm6dsoImu } from './lsm6dso.js';
import { Max17048Gauge } from './max17048.js';
import { MpuImu } from './mpu6050.js';
import { Mpu9250Imu } from './mpu9250.js';
import { parseI2cSpec } from './spec.js';

const oneOf = (values: readonly number[], what: string) =>
  z
    .number()
    .refine((v) => values.includes(v), { message: `${what}: expected one of ${values.join(', ')}` })
    .optional();
const keys = (table: Readonly<Record<number, unknown>>): number[] => Object.keys(table).map(Number).sort((a, b) => a - b);

const emulator = (formats: readonly [EmulatorFormat, ...EmulatorFormat[]]) =>
  z
    .strictObject({
      recording: z.string().min(1),
      format: z.enum(formats),
      startS: z.number().nonnegative().optional(),
      end: z.enum(['loop', 'hold']).optional(),
      timeScale: z.number().positive().optional(),
    })
    .optional();
const common = { pollIntervalMs: z.number().positive().optional() };
const IMU_FORMATS = ['euroc', 'broad', 'xio'] as const;
const MAG_FORMATS = ['broad', 'xio'] as const;

const MpuOptions = (formats: readonly [EmulatorFormat, ...EmulatorFormat[]]) =>
  z.object({
    ...common,
    odrHz: z
      .number()
      .refine((v) => v > 0 && Math.abs(1000 / v - Math.round(1000 / v)) < 1e-6 && Math.round(1000 / v) <= 256, { message: 'odrHz: expected 1000 / k for an integer k in 1–256 (1000, 500, 250, 200, 100, 50, …)' })
      .optional(),
    gyroRangeDps: oneOf([250, 500, 1000, 2000], 'gyroRangeDps'),
    accelRangeG: oneOf([2, 4, 8, 16], 'accelRangeG'),
    emulator: emulator(formats),
  });
const IcmOptions = z.object({ ...common, odrHz: oneOf(keys(ICM_ODR_CODE), 'odrHz'), gyroRangeDps: oneOf(keys(ICM_GYRO_FS), 'gyroRangeDps'), accelRangeG: oneOf(keys(ICM_ACCEL_FS), 'accelRangeG'), emulator: emulator(IMU_FORMATS) });
const LsmOptions = z.object({ ...common, odrHz: oneOf(keys(LSM_ODR_CODE), 'odrHz'), gyroRangeDps: oneOf(keys(LSM_GYRO_FS), 'gyroRangeDps'), accelRangeG: oneOf(keys(LSM_ACCEL_FS), 'accelRangeG'), emulator: emulator(IMU_FORMATS) });
const BnoOptions = z.object({ ...common, odrHz: oneOf([100], 'odrHz'), emulator: emulator(MAG_FORMATS) });
const MaxOptions = z.object({ ...common, reset: z.boolean().optional(), emulator: emulator(['ups-trace']) });
const InaOptions = z.object({
  ...common,
  shuntOhms: z.number().positive().optional(),
  maxCurrentA: z.number().positive().optional(),
  busRangeV: z.union([z.literal(16), z.literal(32)]).optional(),
  emulator: emulator(['ups-trace']),
});

type EmulatorOption = z.infer<ReturnType<typeof emulator>>;

/** The bus options of a config: the spec's bus and address, and the bus opener (real or emulated). */
function busOptions(config: DeviceConfig, context: DriverContext, emu: EmulatorOption, extra: { shuntOhms?: number } = {}): I2cDeviceOptions {
  let spec;
  try {
    spec = parseI2cSpec(config.path);
  } catch (err) {
    throw new DeviceError(config.id, (err as Error).message);
  }
  const options: I2cDeviceOptions = { id: config.id, bus: spec.bus, address: spec.address };
  if (emu === undefined) return options;
  const openBus = (): Promise<I2cBus> => emulatedBusFor(config.driver, spec.bus, spec.address, { ...emu, recording: resolve(context.baseDir, emu.recording), shuntOhms: extra.shuntOhms });
  return { ...options, openBus };
}

function entry(name: string, description: string, kind: 'imu' | 'power', schema: z.ZodObject, make: (options: I2cDeviceOptions, parsed: Record<string, unknown>) => AnyDevice): DriverEntry {
  return {
    name,
    description,
    clock: 'relative',
    windowed: false,
    options: { [kind]: schema },
    create(config, context) {
      const parsed = schema.parse(config.options) as Record<string, unknown> & { emulator?: EmulatorOption; shuntOhms?: number };
      const { emulator: emu, ...rest } = parsed;
      return make({ ...busOptions(config, context, emu, { shuntOhms: parsed.shuntOhms }), ...rest }, rest);
    },
  };
}

/** The I²C device drivers (merge into `DRIVERS`). */
export const I2C_DRIVERS: readonly DriverEntry[] = Object.freeze([
  entry('mpu6050', 'InvenSense MPU-6050 accel/gyro over I²C (FIFO); path i2c:<bus>:<0xaddr>', 'imu', MpuOptions(IMU_FORMATS), (o) => new MpuImu(o)),
  entry('mpu9250', 'InvenSense MPU-9250 accel/gyro (FIFO) + AK8963 magnetometer via bypass over I²C', 'imu', MpuOptions(MAG_FORMATS), (o) => new Mpu9250Imu(o)),
  entry('icm42688p', 'TDK ICM-42688-P accel/gyro over I²C (FIFO with chip timestamps)', 'imu', IcmOptions, (o) => new Icm42688pImu(o)),
  entry('lsm6dso', 'ST LSM6DSO/LSM6DSOX accel/gyro over I²C (tagged FIFO with chip timestamps)', 'imu', LsmOptions, (o) => new Lsm6dsoImu(o)),
  entry('bno055', 'Bosch BNO055 accel/gyro/mag + fused quaternion (NDOF, 100 Hz) over I²C', 'imu', BnoOptions, (o) => new Bno055Imu(o)),
  entry('max17048', 'Maxim MAX17048 fuel gauge over I²C (cell voltage, SOC, charge rate)', 'power', MaxOptions, (o) => new Max17048Gauge(o)),
  entry('ina219', 'TI INA219 current/power monitor over I²C (bus voltage, power)', 'power', InaOptions, (o) => new Ina219Monitor(o)),
]);
