/**
 * Hardware-in-the-loop: the same contract suites against real I²C chips on a dev kit, when an environment
 * variable names one (skipped otherwise):
 *   KARANA_HIL_IMU=i2c:1:0x68      [KARANA_HIL_IMU_DRIVER=mpu6050]    an IMU
 *   KARANA_HIL_POWER=i2c:1:0x36    [KARANA_HIL_POWER_DRIVER=max17048] a fuel gauge or power monitor
 * Without a *_DRIVER variable the driver is the one `probeI2cBus` finds at that address. Specs of other kinds
 * (serial:, hid:, …) are left to their own suites. Options can be passed as JSON in KARANA_HIL_IMU_OPTIONS /
 * KARANA_HIL_POWER_OPTIONS (e.g. `{"odrHz":1000}`).
 */
import { describe, it } from 'vitest';
import { openI2cBus } from '../../../hal/i2c/bus.js';
import { I2C_DRIVERS } from '../../../hal/i2c/drivers.js';
import { probeI2cBus } from '../../../hal/i2c/probe.js';
import { parseI2cSpec } from '../../../hal/i2c/spec.js';
import type { ImuDevice, PowerDevice } from '../../../hal/types.js';
import { imuContract } from '../contract/imu.js';
import { powerContract } from '../contract/power.js';
import { ROOT } from '../data.js';

async function driverFor(spec: string, override: string | undefined): Promise<string> {
  if (override !== undefined && override !== '') return override;
  const { bus, address } = parseI2cSpec(spec);
  const handle = await openI2cBus(bus);
  try {
    const hit = (await probeI2cBus(handle, bus)).find((r) => r.address === address && r.matched);
    if (hit?.driver === undefined) throw new Error(`no supported chip answers at ${spec}; set the *_DRIVER variable`);
    return hit.driver;
  } finally {
    await handle.close();
  }
}

function device(kind: 'imu' | 'power', spec: string, driver: string, options: string | undefined): ImuDevice | PowerDevice {
  const entry = I2C_DRIVERS.find((d) => d.name === driver);
  if (entry === undefined) throw new Error(`unknown I²C driver ${driver}`);
  const config = { id: kind === 'imu' ? 'imu0' : 'power0', kind, driver, path: spec, offsetS: 0, options: options === undefined ? {} : (JSON.parse(options) as Record<string, unknown>) };
  return entry.create(config, { baseDir: ROOT }) as ImuDevice | PowerDevice;
}

const imuSpec = process.env.KARANA_HIL_IMU;
const powerSpec = process.env.KARANA_HIL_POWER;

if (imuSpec?.startsWith('i2c:') === true) {
  const driver = await driverFor(imuSpec, process.env.KARANA_HIL_IMU_DRIVER);
  imuContract(`${driver} at ${imuSpec} (hardware)`, { create: () => device('imu', imuSpec, driver, process.env.KARANA_HIL_IMU_OPTIONS) as ImuDevice, maxSamples: 500 });
} else {
  describe('I²C IMU on hardware', () => it.skip('set KARANA_HIL_IMU=i2c:<bus>:<0xaddr> to run the IMU contract on a real chip', () => undefined));
}

if (powerSpec?.startsWith('i2c:') === true) {
  const driver = await driverFor(powerSpec, process.env.KARANA_HIL_POWER_DRIVER);
  powerContract(`${driver} at ${powerSpec} (hardware)`, {
    create: () => device('power', powerSpec, driver, process.env.KARANA_HIL_POWER_OPTIONS ?? '{"pollIntervalMs":200}') as PowerDevice,
    maxSamples: 5,
  });
} else {
  describe('I²C power chip on hardware', () => it.skip('set KARANA_HIL_POWER=i2c:<bus>:<0xaddr> to run the power contract on a real chip', () => undefined));
}
