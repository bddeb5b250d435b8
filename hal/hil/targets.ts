/**
 * Targets of the hardware-in-the-loop suites (`test/hil/`): for each device kind, the emulated devices that are
 * always tested (every live driver on its emulator, fed by the real recordings of `../shared/data`), and the
 * real device named by an environment variable on a dev kit:
 *
 *   KARANA_HIL_IMU=i2c:1:0x68            KARANA_HIL_CAMERA=/dev/video0 | gst:libcamera | gst:nvargus
 *   KARANA_HIL_AUDIO=alsa:plughw:1,0     KARANA_HIL_THERMAL=sysfs:cpu-thermal    KARANA_HIL_POWER=i2c:1:0x36
 *
 * A value is a device spec, optionally prefixed by a driver (`bno08x-rvc@serial:/dev/ttyAMA0@115200`); the
 * driver is otherwise inferred from the spec (for `i2c:` by reading the chip's ID register at that address).
 * Driver options as JSON in `KARANA_HIL_<KIND>_OPTIONS` (e.g. `{"odrHz":1000}`).
 */
import { join } from 'node:path';
import { findDriver, type DeviceConfig } from '../drivers.js';
import { openI2cBus } from '../i2c/bus.js';
import { probeI2cBus } from '../i2c/probe.js';
import { parseI2cSpec } from '../i2c/spec.js';
import { DeviceError } from '../types.js';
import type { AnyDevice, DeviceKind } from '../types.js';

export type TargetSource = 'emulator' | 'hardware';

export interface HilTarget {
  readonly kind: DeviceKind;
  /** `[emulator] mpu6050 i2c:1:0x68 ← EuRoC MH_01 imu0`, `[hardware] v4l2 /dev/video0`: the suite's name. */
  readonly label: string;
  readonly source: TargetSource;
  readonly config: DeviceConfig;
  /** Folder the config's relative paths are resolved against. */
  readonly baseDir: string;
}

export const HIL_ENV: Readonly<Record<DeviceKind, string>> = Object.freeze({
  camera: 'KARANA_HIL_CAMERA',
  imu: 'KARANA_HIL_IMU',
  audio: 'KARANA_HIL_AUDIO',
  thermal: 'KARANA_HIL_THERMAL',
  power: 'KARANA_HIL_POWER',
});

/** Creates the (unopened) device of a target through the driver table, as a session would. */
export function createTargetDevice(t: HilTarget): AnyDevice {
  const entry = findDriver(t.config.driver);
  if (entry === undefined) throw new DeviceError(t.config.id, `unknown driver ${t.config.driver}`);
  return entry.create(t.config, { baseDir: t.baseDir });
}

type Emulated = readonly [driver: string, spec: string, options: Record<string, unknown>, what: string];

/** The emulated targets of each kind; recordings relative to `../shared/data`. */
const EMULATED: Readonly<Record<DeviceKind, readonly Emulated[]>> = {
  imu: [
    ['mpu6050', 'i2c:1:0x68', { emulator: { recording: 'euroc_mh01_excerpt/mav0/imu0', format: 'euroc' } }, 'EuRoC MH_01 imu0'],
    ['mpu9250', 'i2c:1:0x68', { emulator: { recording: 'imu_broad/07_undisturbed_fast_rotation_B.csv', format: 'broad' } }, 'BROAD trial 07'],
    ['icm42688p', 'i2c:1:0x68', { emulator: { recording: 'euroc_v1_01_imu_gt/mav0/imu0', format: 'euroc' } }, 'EuRoC V1_01 imu0'],
    ['lsm6dso', 'i2c:1:0x6a', { emulator: { recording: 'imu_fusion_xio/sensor_data.csv', format: 'xio' } }, 'x-IMU3'],
    ['bno055', 'i2c:1:0x28', { emulator: { recording: 'imu_broad/07_undisturbed_fast_rotation_B.csv', format: 'broad' } }, 'BROAD trial 07'],
    ['bno08x-rvc', 'serial:/dev/ttyAMA0@115200', { emulator: { recording: 'imu_broad/07_undisturbed_fast_rotation_B.csv', format: 'broad', pace: 'asap' } }, 'BROAD trial 07'],
    ['serial-imu', 'serial:/dev/ttyACM0', { emulator: { recording: 'imu_fusion_xio/sensor_data.csv', format: 'xio', pace: 'asap' } }, 'x-IMU3'],
    ['xreal-air', 'hid:3318:0424', { emulator: { recording: 'aria_head_trajectory/trajectory/closed_loop_trajectory.csv', format: 'aria-trajectory', pace: 'asap' } }, 'Project Aria head trajectory'],
  ],
  camera: [
    ['v4l2', '/dev/video0', { emulator: { recording: 'euroc_mh01_excerpt/mav0/cam0', pace: 'asap' }, format: 'GRAY8' }, 'EuRoC MH_01 cam0 (GREY)'],
    ['v4l2', '/dev/video1', { emulator: { recording: 'video/one-by-one-person-detection.mp4', pace: 'asap', formats: ['YUYV'] }, format: 'RGB8' }, 'person video (YUYV)'],
    ['gstreamer', 'gst:libcamera', { emulator: { recording: 'video/one-by-one-person-detection.mp4' }, format: 'RGB8' }, 'person video through decodebin'],
  ],
  audio: [['alsa', 'alsa:hw:1,0', { emulator: { recording: 'audio/jfk.wav', pace: 'asap' } }, 'jfk.wav']],
  thermal: [['sysfs-thermal', 'sysfs:cpu-thermal', { emulator: { recording: 'traces/rpi4_thermal/rpi4b_2_temp_bench.csv', periodMs: 20 }, rateHz: 100 }, 'Raspberry Pi 4 temperature trace']],
  power: [
    ['max17048', 'i2c:1:0x36', { emulator: { recording: 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv', format: 'ups-trace' }, pollIntervalMs: 20 }, 'Pi UPS discharge log'],
    ['ina219', 'i2c:1:0x40', { emulator: { recording: 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv', format: 'ups-trace' }, pollIntervalMs: 20 }, 'Pi UPS discharge log'],
    ['sysfs-power', 'sysfs:BAT0', { emulator: { recording: 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv', periodMs: 20 }, rateHz: 100 }, 'Pi UPS discharge log'],
  ],
};

/** Every live driver of `kind` on its emulator, recordings under `sharedDataDir`. */
export function emulatedTargets(kind: DeviceKind, sharedDataDir: string): HilTarget[] {
  return EMULATED[kind].map(([driver, spec, options, what], i) => ({
    kind,
    label: `[emulator] ${driver} ${spec} ← ${what}`,
    source: 'emulator',
    config: { id: `${kind}${i}`, kind, driver, path: spec, offsetS: 0, options },
    baseDir: sharedDataDir,
  }));
}

/** The driver a spec of `kind` is served by (`i2c:` specs need a probe: {@link hardwareTarget}). */
export function inferDriver(kind: DeviceKind, spec: string): string | undefined {
  if (spec.startsWith('/dev/video') || spec.startsWith('/dev/v4l/')) return 'v4l2';
  if (spec.startsWith('gst:')) return 'gstreamer';
  if (spec.startsWith('alsa:')) return 'alsa';
  if (spec.startsWith('sysfs:')) return kind === 'thermal' ? 'sysfs-thermal' : kind === 'power' ? 'sysfs-power' : undefined;
  if (/^hid:3318:/i.test(spec)) return 'xreal-air';
  if (spec.startsWith('serial:')) return 'serial-imu';
  return undefined;
}

/**
 * The real device of `kind` named by its environment variable, or undefined when none is set.
 * @throws DeviceError when the value names no driver, or no supported chip answers at an `i2c:` spec.
 */
export async function hardwareTarget(kind: DeviceKind, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): Promise<HilTarget | undefined> {
  const value = env[HIL_ENV[kind]]?.trim();
  if (value === undefined || value === '') return undefined;
  const at = value.indexOf('@');
  const explicit = at > 0 && !value.slice(0, at).includes(':') ? value.slice(0, at) : undefined;
  const spec = explicit === undefined ? value : value.slice(at + 1);
  const driver = explicit ?? inferDriver(kind, spec) ?? (spec.startsWith('i2c:') ? await probeDriver(spec) : undefined);
  const id = `${kind}-hil`;
  if (driver === undefined) throw new DeviceError(id, `${HIL_ENV[kind]}=${value}: no driver serves this spec; prefix one, e.g. mpu6050@i2c:1:0x68`);
  const raw = env[`${HIL_ENV[kind]}_OPTIONS`];
  let options: Record<string, unknown> = {};
  if (raw !== undefined && raw !== '') {
    try {
      options = JSON.parse(raw) as Record<string, unknown>;
    } catch (err) {
      throw new DeviceError(id, `${HIL_ENV[kind]}_OPTIONS is not JSON: ${(err as Error).message}`);
    }
  }
  return { kind, label: `[hardware] ${driver} ${spec}`, source: 'hardware', config: { id, kind, driver, path: spec, offsetS: 0, options }, baseDir };
}

async function probeDriver(spec: string): Promise<string | undefined> {
  const { bus, address } = parseI2cSpec(spec);
  const handle = await openI2cBus(bus);
  try {
    return (await probeI2cBus(handle, bus)).find((r) => r.address === address && r.matched)?.driver;
  } finally {
    await handle.close();
  }
}

/** `../shared/data` beside the repository root, as the tests and benchmarks find it. */
export function sharedDataDir(rootDir: string): string {
  return join(rootDir, '..', 'shared', 'data');
}
