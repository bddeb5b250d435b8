/**
 * The device probes of `karana doctor`, one per bus or device family, over the drivers' own probe functions
 * (which only enumerate, read ID registers or open-and-close; nothing is configured).
 */
import { readdir } from 'node:fs/promises';
import { probeHid, UDEV_RULES_XREAL } from '../../hal/hid/probe.js';
import { hex, I2cBusError, openI2cBus } from '../../hal/i2c/bus.js';
import { probeI2cBus } from '../../hal/i2c/probe.js';
import { probeSerial } from '../../hal/serial/probe.js';
import { ALSA_DOCTOR_PROBE, SYSFS_DOCTOR_PROBE, V4L2_DOCTOR_PROBE } from '../../hal/v4l2/doctor-probes.js';
import type { DeviceProbe, FoundDevice } from './types.js';

const UDEV_FIX = 'karana doctor --udev (writes udev rules with TAG+="uaccess"), then re-plug';

const hid: DeviceProbe = {
  name: 'USB HID glasses',
  async probe() {
    const found = await probeHid();
    const devices: FoundDevice[] = found.map((d) => ({
      kind: 'glasses',
      spec: d.spec,
      name: `${d.name}, interface ${d.interface} (${d.role})${d.path === undefined ? '' : ` at ${d.path}`}`,
      driver: d.driver,
      status: d.access === 'ok' ? 'ok' : 'fail',
      ...(d.access === 'ok' ? {} : { problem: d.access === 'permission' ? `permission denied on ${d.path ?? 'the hidraw node'}` : (d.error ?? 'cannot open') }),
      ...(d.access === 'permission' ? { fix: `${UDEV_FIX}; rules: ${UDEV_RULES_XREAL.split('\n').find((l) => l.startsWith('SUBSYSTEM')) ?? ''}` } : {}),
    }));
    return { devices };
  },
};

const serial: DeviceProbe = {
  name: 'serial ports',
  async probe() {
    const found = await probeSerial();
    const devices: FoundDevice[] = found
      .filter((p) => p.access !== 'missing')
      .map((p) => ({
        kind: 'serial',
        spec: p.spec,
        name: [p.known, p.manufacturer].filter((x) => x !== undefined).join(', ') || p.path,
        ...(p.drivers.length > 0 ? { driver: p.drivers.join(' | ') } : {}),
        status: p.access === 'ok' ? 'ok' : 'warn',
        ...(p.access === 'permission' ? { problem: `permission denied on ${p.path}`, fix: `sudo usermod -aG dialout $USER (log in again), or ${UDEV_FIX}` } : {}),
      }));
    return { devices };
  },
};

/** `/dev/i2c-N` adapters, scanned at the known addresses of the supported chips with ID reads only. */
const i2c: DeviceProbe = {
  name: 'I2C buses',
  async probe() {
    const buses = (await readdir('/dev').catch(() => [] as string[])).flatMap((f) => (/^i2c-(\d+)$/.exec(f) === null ? [] : [Number(f.slice(4))])).sort((a, b) => a - b);
    const devices: FoundDevice[] = [];
    for (const n of buses) {
      let bus;
      try {
        bus = await openI2cBus(n);
      } catch (err) {
        const perm = err instanceof I2cBusError && err.kind === 'permission';
        devices.push({ kind: 'i2c-bus', spec: `/dev/i2c-${n}`, name: 'I2C adapter', status: perm ? 'warn' : 'fail', problem: (err as Error).message, ...(perm ? { fix: `sudo usermod -aG i2c $USER (log in again), or ${UDEV_FIX}` } : {}) });
        continue;
      }
      try {
        for (const r of await probeI2cBus(bus, n)) {
          const reads = r.reads.map((x) => `${x.registerName}=${hex(x.value)}`).join(', ');
          devices.push({
            kind: r.driver === 'max17048' || r.driver === 'ina219' ? 'power' : 'imu',
            spec: r.spec,
            name: r.matched ? `${r.chip ?? 'chip'} (${reads})` : `unknown chip answering (${reads})`,
            ...(r.driver === undefined ? {} : { driver: r.driver }),
            status: r.matched ? 'ok' : 'warn',
            ...(r.matched ? {} : { problem: 'an ID register read does not match a supported chip' }),
          });
        }
      } finally {
        await bus.close();
      }
    }
    return { devices };
  },
};

export const DEVICE_PROBES: readonly DeviceProbe[] = [V4L2_DOCTOR_PROBE, hid, serial, i2c, ALSA_DOCTOR_PROBE, SYSFS_DOCTOR_PROBE];
