/** Device specs, the doctor probes (HID and serial), the udev rules and the driver-table entries with the emulator option. */
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HID_DRIVERS } from '../../../hal/hid/drivers.js';
import { HID_DEVICE_TABLE, UDEV_RULES_XREAL, probeHid } from '../../../hal/hid/probe.js';
import { parseHidSpec } from '../../../hal/hid/spec.js';
import { SERIAL_DRIVERS } from '../../../hal/serial/drivers.js';
import { probeSerial } from '../../../hal/serial/probe.js';
import { parseSerialSpec } from '../../../hal/serial/spec.js';
import { EmulatedXrealGlasses } from '../../../hal/emulators/hid/xreal-emulator.js';
import { readAriaHeadImu } from '../../../hal/emulators/hid/aria-motion.js';
import type { ImuDevice, ImuSample } from '../../../hal/types.js';
import { readLive } from '../serial/helpers.js';
import { ARIA_TRAJECTORY } from './helpers.js';
import { BROAD_07, XIO_CSV } from '../serial/helpers.js';

describe('device specs', () => {
  it('parses serial and hid specs and rejects malformed ones with the expected form', () => {
    expect(parseSerialSpec('serial:/dev/ttyUSB0@115200')).toEqual({ path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(parseSerialSpec('serial:/dev/ttyAMA0')).toEqual({ path: '/dev/ttyAMA0' });
    expect(() => parseSerialSpec('/dev/ttyUSB0')).toThrow('bad serial device spec "/dev/ttyUSB0": expected serial:<path>[@baud], e.g. serial:/dev/ttyUSB0@115200');
    expect(() => parseSerialSpec('serial:/dev/ttyUSB0@115201')).toThrow(/baud rate "115201" is not one of 1200, .*; expected serial:<path>\[@baud\]/);
    expect(() => parseSerialSpec('serial:ttyUSB0')).toThrow(/the path must be absolute/);
    expect(parseHidSpec('hid:3318:0424')).toEqual({ vendorId: 0x3318, productId: 0x0424 });
    expect(parseHidSpec('hid:3318:0432:ABC123')).toEqual({ vendorId: 0x3318, productId: 0x0432, serialNumber: 'ABC123' });
    expect(() => parseHidSpec('hid:3318')).toThrow('bad HID device spec "hid:3318": expected hid:<vid hex>:<pid hex>[:<serial>], e.g. hid:3318:0424');
  });
});

describe('doctor probes', () => {
  it('probeHid matches the table and reports permission problems', async () => {
    const track = await readAriaHeadImu(ARIA_TRAJECTORY);
    const glasses = new EmulatedXrealGlasses({ track, productId: 0x0432 });
    const ok = await probeHid(glasses);
    expect(ok.map((p) => [p.name, p.interface, p.access, p.spec])).toEqual([
      ['XREAL Air 2 Pro', 3, 'ok', 'hid:3318:0432:EMU0000000001'],
      ['XREAL Air 2 Pro', 4, 'ok', 'hid:3318:0432:EMU0000000001'],
    ]);
    const denied = await probeHid({ devices: () => glasses.devices(), open: () => Promise.reject(new Error('cannot open device with path /dev/hidraw3')) });
    expect(denied.every((p) => p.access === 'permission')).toBe(true);
    expect(HID_DEVICE_TABLE.map((e) => e.productId)).toEqual([0x0424, 0x0428, 0x0432]);
    expect(UDEV_RULES_XREAL).toContain('KERNEL=="hidraw*", SUBSYSTEM=="hidraw", ATTRS{idVendor}=="3318", ATTRS{idProduct}=="0424", MODE="0660", TAG+="uaccess"');
  });

  it('probeSerial names known USB-serial bridges and access', async () => {
    const ports = await probeSerial(async () => [{ path: '/dev/ttyKARANA-NOPE', vendorId: '10C4', productId: 'EA60', manufacturer: 'Silicon Labs' }]);
    expect(ports[0]).toMatchObject({ path: '/dev/ttyKARANA-NOPE', spec: 'serial:/dev/ttyKARANA-NOPE@115200', known: 'Silicon Labs CP210x USB-UART', access: 'missing', drivers: ['bno08x-rvc', 'serial-imu'] });
  });
});

describe('driver-table entries with the emulator option', () => {
  const cases: [string, string, string, Record<string, unknown>][] = [
    ['bno08x-rvc', 'serial:/dev/ttyUSB0@115200', BROAD_07, { emulator: { recording: BROAD_07.split('/').pop(), format: 'broad', pace: 'asap' } }],
    ['serial-imu', 'serial:/dev/ttyACM0', XIO_CSV, { emulator: { recording: XIO_CSV.split('/').pop(), format: 'xio', pace: 'asap' } }],
    ['xreal-air', 'hid:3318:0428', ARIA_TRAJECTORY, { emulator: { recording: ARIA_TRAJECTORY.split('/').pop(), format: 'aria-trajectory', pace: 'asap', skewPpm: 50 } }],
  ];
  for (const [name, path, recording, options] of cases) {
    it(`${name}: creates a device that reads its emulated recording`, async () => {
      const entry = [...SERIAL_DRIVERS, ...HID_DRIVERS].find((d) => d.name === name);
      expect(entry?.options.imu?.safeParse(options).success).toBe(true);
      const device = entry?.create({ id: 'imu0', kind: 'imu', driver: name, path, offsetS: 0, options }, { baseDir: dirname(recording) }) as ImuDevice;
      await device.open();
      const { samples } = await readLive<ImuSample>(device, 50);
      await device.close();
      expect(samples.length).toBe(50);
    });
  }

  it('rejects a bad path spec naming the device', () => {
    const entry = SERIAL_DRIVERS.find((d) => d.name === 'serial-imu');
    expect(() => entry?.create({ id: 'imu9', kind: 'imu', driver: 'serial-imu', path: 'COM3', offsetS: 0, options: {} }, { baseDir: '/' })).toThrow('device imu9: bad serial device spec "COM3": expected serial:<path>[@baud], e.g. serial:/dev/ttyUSB0@115200');
  });
});
