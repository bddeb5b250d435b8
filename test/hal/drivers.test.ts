/** The driver table: names, kinds and clocks, and that each entry builds the device it announces. */
import { describe, expect, it } from 'vitest';
import { DRIVERS, GROUNDTRUTH_DRIVERS, driverKinds, findDriver, unknownDriverMessage } from '../../hal/drivers.js';
import type { DeviceConfig } from '../../hal/drivers.js';

/** The drivers that replay recordings (the live ones are tested with their emulators in test/hal/<bus>/). */
const REPLAY_DRIVERS = ['csv-trace', 'euroc-camera', 'euroc-imu', 'video-camera', 'wav-audio', 'mcap'];

describe('driver table', () => {
  it('lists each driver once, with the kinds and clock of its recordings', () => {
    expect(DRIVERS.map((d) => [d.name, driverKinds(d), d.clock, d.windowed])).toEqual([
      ['csv-trace', ['thermal', 'power'], 'relative', false],
      ['euroc-camera', ['camera'], 'absolute', true],
      ['euroc-imu', ['imu'], 'absolute', true],
      ['video-camera', ['camera'], 'relative', false],
      ['wav-audio', ['audio'], 'relative', false],
      ['mcap', ['camera', 'imu', 'audio', 'thermal', 'power'], 'absolute', true],
      ['bno08x-rvc', ['imu'], 'relative', false],
      ['serial-imu', ['imu'], 'relative', false],
      ['xreal-air', ['imu'], 'relative', false],
      ['mpu6050', ['imu'], 'relative', false],
      ['mpu9250', ['imu'], 'relative', false],
      ['icm42688p', ['imu'], 'relative', false],
      ['lsm6dso', ['imu'], 'relative', false],
      ['bno055', ['imu'], 'relative', false],
      ['max17048', ['power'], 'relative', false],
      ['ina219', ['power'], 'relative', false],
      ['v4l2', ['camera'], 'relative', false],
      ['gstreamer', ['camera'], 'relative', false],
      ['alsa', ['audio'], 'relative', false],
      ['sysfs-thermal', ['thermal'], 'relative', false],
      ['sysfs-power', ['power'], 'relative', false],
    ]);
    expect(GROUNDTRUTH_DRIVERS.map((d) => [d.name, d.clock])).toEqual([['euroc-groundtruth', 'absolute']]);
  });

  it('creates, for every replay driver and kind, an unopened device of that kind and driver', () => {
    const options: Readonly<Record<string, Record<string, unknown>>> = {
      thermal: { time: { column: 0, unit: 's' }, values: { tempC: { column: 2 } } },
      power: { time: { column: 0, unit: 's' }, values: { voltageV: { column: 1, scale: 0.001 } } },
    };
    for (const entry of DRIVERS.filter((d) => REPLAY_DRIVERS.includes(d.name))) {
      for (const kind of driverKinds(entry)) {
        const config: DeviceConfig = { id: 'd', kind, driver: entry.name, path: 'x', offsetS: 0, options: options[kind] ?? {} };
        const device = entry.create(config, { baseDir: '/recordings' });
        expect(device.info).toMatchObject({ id: 'd', kind, driver: entry.name, replay: true, source: '/recordings/x' });
      }
    }
  });

  it('names an unknown driver and lists the known ones', () => {
    expect(findDriver('v4l3')).toBeUndefined();
    expect(unknownDriverMessage('v4l3')).toBe(`unknown driver "v4l3" (known: ${DRIVERS.map((d) => d.name).join(', ')})`);
  });
});
