/**
 * Wiring pieces: device specs, the `karana doctor` probe (ID reads only), the driver-table entries (options
 * checked against the datasheet tables; the `emulator` option running the real driver on recorded data) and
 * the Linux bus adapter's errors on a machine without I²C.
 */
import { describe, expect, it } from 'vitest';
import { Icm42688pEmulator } from '../../../hal/emulators/i2c/icm42688p.js';
import { Ina219Emulator } from '../../../hal/emulators/i2c/ina219.js';
import { Lsm6dsoEmulator } from '../../../hal/emulators/i2c/lsm6dso.js';
import { Max17048Emulator } from '../../../hal/emulators/i2c/max17048.js';
import { MpuEmulator } from '../../../hal/emulators/i2c/mpu.js';
import { Bno055Emulator } from '../../../hal/emulators/i2c/bno055.js';
import { loadUpsTrace } from '../../../hal/emulators/i2c/recording.js';
import { I2cBusError, openI2cBus } from '../../../hal/i2c/bus.js';
import type { I2cTarget } from '../../../hal/i2c/bus.js';
import { I2C_DRIVERS } from '../../../hal/i2c/drivers.js';
import { MpuImu } from '../../../hal/i2c/mpu6050.js';
import { I2C_PROBE_TABLE, probeI2cBus } from '../../../hal/i2c/probe.js';
import { parseI2cSpec } from '../../../hal/i2c/spec.js';
import { DeviceError } from '../../../hal/types.js';
import type { ImuDevice, PowerDevice } from '../../../hal/types.js';
import { SHARED_DATA } from '../data.js';
import { BROAD_07, MH01_IMU0, UPS_BATTERY, XIO, loadRecording, makeBus } from './rig.js';

describe('device specs', () => {
  it('parses i2c:<bus>:<0xaddr>', () => {
    expect(parseI2cSpec('i2c:1:0x68')).toEqual({ bus: 1, address: 0x68 });
    expect(parseI2cSpec('i2c:7:0x6B')).toEqual({ bus: 7, address: 0x6b });
  });

  it.each([
    ['i2c:1:68', 'bad I²C device spec "i2c:1:68": expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68'],
    ['i2c:one:0x68', 'bad I²C device spec "i2c:one:0x68": expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68'],
    ['/dev/i2c-1', 'bad I²C device spec "/dev/i2c-1": expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68'],
    ['i2c:1:0x7f', 'bad I²C device spec "i2c:1:0x7f": address 0x7f is reserved (use 0x03–0x77); expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68'],
  ])('rejects %s with the expected form', (spec, message) => {
    expect(() => parseI2cSpec(spec)).toThrow(message);
  });
});

/** Records the transactions a target sees (to prove the probe never writes a register value). */
class Spy implements I2cTarget {
  writes: number[][] = [];
  constructor(readonly inner: I2cTarget) {}
  write(bytes: Uint8Array): void {
    this.writes.push([...bytes]);
    this.inner.write(bytes);
  }
  read(length: number): Uint8Array {
    return this.inner.read(length);
  }
}

describe('probeI2cBus', () => {
  it('finds each supported chip by its ID register, with ID reads only', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const mag = await loadRecording(BROAD_07, 'broad');
    const ups = await loadUpsTrace(UPS_BATTERY);
    const { clock, bus } = makeBus(0x68, (c) => new MpuEmulator({ clock: c, recording: rec }));
    const spies = new Map<number, Spy>();
    const put = (address: number, target: I2cTarget): void => {
      const spy = new Spy(target);
      spies.set(address, spy);
      bus.attach(address, spy);
    };
    put(0x68, new MpuEmulator({ clock, recording: rec }));
    put(0x69, new Icm42688pEmulator({ clock, recording: rec }));
    put(0x6b, new Lsm6dsoEmulator({ clock, recording: rec }));
    put(0x28, new Bno055Emulator({ clock, recording: mag }));
    put(0x36, new Max17048Emulator({ clock, recording: ups }));
    put(0x40, new Ina219Emulator({ clock, recording: ups }));
    const configured = new Ina219Emulator({ clock, recording: ups });
    configured.write(Uint8Array.of(0x00, 0x01, 0x9f)); // no longer at its power-on value
    put(0x45, configured);
    const found = await probeI2cBus(bus, 1);
    expect(found.map((r) => [r.spec, r.chip ?? '?', r.driver ?? '?'])).toEqual([
      ['i2c:1:0x28', 'BNO055', 'bno055'],
      ['i2c:1:0x36', 'MAX17048', 'max17048'],
      ['i2c:1:0x40', 'INA219', 'ina219'],
      ['i2c:1:0x45', '?', '?'],
      ['i2c:1:0x68', 'MPU-6050', 'mpu6050'],
      ['i2c:1:0x69', 'ICM-42688-P', 'icm42688p'],
      ['i2c:1:0x6b', 'LSM6DSO/LSM6DSOX', 'lsm6dso'],
    ]);
    expect(found.find((r) => r.address === 0x45)).toMatchObject({ matched: false, reads: [{ register: 0x00, registerName: 'CONFIGURATION', value: 0x019f }] });
    for (const spy of spies.values()) for (const w of spy.writes) expect(w).toHaveLength(1); // register pointer only
    expect(I2C_PROBE_TABLE.map((e) => e.driver)).toEqual(['mpu6050', 'mpu9250', 'icm42688p', 'lsm6dso', 'bno055', 'max17048', 'ina219']);
  });
});

describe('I2C_DRIVERS', () => {
  const find = (name: string) => I2C_DRIVERS.find((d) => d.name === name)!;
  const config = (driver: string, kind: 'imu' | 'power', options: Record<string, unknown>, path = 'i2c:1:0x68') => ({ id: kind === 'imu' ? 'imu0' : 'battery', kind, driver, path, offsetS: 0, options });

  it('lists the seven drivers with their kinds', () => {
    expect(I2C_DRIVERS.map((d) => `${d.name}:${Object.keys(d.options).join()}`)).toEqual(['mpu6050:imu', 'mpu9250:imu', 'icm42688p:imu', 'lsm6dso:imu', 'bno055:imu', 'max17048:power', 'ina219:power']);
  });

  it('runs the real driver on an emulator fed by a recording (paths relative to the manifest)', async () => {
    const imu = find('icm42688p').create(config('icm42688p', 'imu', { odrHz: 500, emulator: { recording: 'euroc_mh01_excerpt/mav0/imu0', format: 'euroc' } }), { baseDir: SHARED_DATA }) as ImuDevice;
    await imu.open();
    const s = await imu.read();
    expect(s?.hostTimeNs).toBeTypeOf('bigint');
    expect(imu.info).toMatchObject({ driver: 'icm42688p', source: 'i2c:1:0x68', nominalRateHz: 500, replay: false });
    await imu.close();
    const gauge = find('max17048').create(config('max17048', 'power', { pollIntervalMs: 5, emulator: { recording: 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv', format: 'ups-trace' } }, 'i2c:1:0x36'), { baseDir: SHARED_DATA }) as PowerDevice;
    await gauge.open();
    expect((await gauge.read())?.voltageV).toBeCloseTo(4.138, 3);
    await gauge.close();
    const lsm = find('lsm6dso').create(config('lsm6dso', 'imu', { emulator: { recording: XIO, format: 'xio' } }, 'i2c:1:0x6a'), { baseDir: '/' }) as ImuDevice;
    await lsm.open();
    const a = (await lsm.read())?.accelMps2 ?? [0, 0, 0];
    expect(Math.hypot(...a)).toBeGreaterThan(9); // gravity (the x-IMU3 lies still at the start); real time: which sample is first varies
    expect(Math.hypot(...a)).toBeLessThan(10.6);
    await lsm.close();
  });

  it('refuses options outside the datasheet tables, wrong formats and malformed specs', () => {
    expect(() => find('mpu6050').create(config('mpu6050', 'imu', { gyroRangeDps: 300 }), { baseDir: '.' })).toThrow('gyroRangeDps: expected one of 250, 500, 1000, 2000');
    expect(() => find('bno055').create(config('bno055', 'imu', { emulator: { recording: 'x', format: 'euroc' } }), { baseDir: '.' })).toThrow(/broad|xio/);
    expect(() => find('ina219').create(config('ina219', 'power', {}, 'i2c:1:64'), { baseDir: '.' })).toThrow(new DeviceError('battery', 'bad I²C device spec "i2c:1:64": expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68'));
  });
});

describe('Linux bus adapter on a machine without that adapter', () => {
  it('says what is missing and how to enable I²C', async () => {
    const err = await openI2cBus(99).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(I2cBusError);
    expect((err as I2cBusError).kind).toBe(process.platform === 'linux' ? 'no-bus' : 'no-bus');
    expect((err as Error).message).toMatch(/^i2c-99: \/dev\/i2c-99 (does not exist: enable I²C: Raspberry Pi `sudo raspi-config`|: I²C devices need Linux)/);
    const device = new MpuImu({ id: 'imu0', bus: 99, address: 0x68 });
    await expect(device.open()).rejects.toThrow(/^imu0: cannot open i2c:99:0x68: i2c-99: \/dev\/i2c-99 does not exist: enable I²C/);
  });
});
