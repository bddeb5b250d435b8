/**
 * The driver tables of the camera, audio and sysfs modules, as the session loader uses them: option schemas
 * (unknown keys refused), device specs (malformed ones refused with the expected form, as DeviceErrors
 * naming the device), and each driver built with its `emulator` option running on a real recording. Also
 * the V4L2 probe over the emulated backend and a file that is not a camera.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIO_DRIVERS } from '../../../hal/alsa/driver-table.js';
import type { DeviceConfig } from '../../../hal/drivers.js';
import { SYSFS_DRIVERS } from '../../../hal/sysfs/driver-table.js';
import { DeviceError } from '../../../hal/types.js';
import type { AnyDevice } from '../../../hal/types.js';
import { CAMERA_DRIVERS } from '../../../hal/v4l2/driver-table.js';
import { probeVideoDevices } from '../../../hal/v4l2/probe.js';
import { JFK_WAV, MH01_CAM0, RPI_TEMP_2, SHARED_DATA, UPS_BATTERY, tmpFolder } from '../data.js';
import { eurocBackend } from './helpers.js';

const find = (name: string) => [...CAMERA_DRIVERS, ...AUDIO_DRIVERS, ...SYSFS_DRIVERS].find((d) => d.name === name);

function build(driver: string, kind: DeviceConfig['kind'], path: string, options: Record<string, unknown>): AnyDevice {
  const entry = find(driver);
  if (entry === undefined) throw new Error(`no ${driver}`);
  return entry.create({ id: 'dev0', kind, driver, path, offsetS: 0, options }, { baseDir: SHARED_DATA });
}

describe('driver tables', () => {
  it('name the drivers and refuse unknown options', () => {
    expect(CAMERA_DRIVERS.map((d) => d.name)).toEqual(['v4l2', 'gstreamer']);
    expect(AUDIO_DRIVERS.map((d) => d.name)).toEqual(['alsa']);
    expect(SYSFS_DRIVERS.map((d) => d.name)).toEqual(['sysfs-thermal', 'sysfs-power']);
    expect(find('v4l2')?.options.camera?.safeParse({ fourcc: 'H264' }).success).toBe(false);
    expect(find('alsa')?.options.audio?.safeParse({ rate: 16000 }).success).toBe(false);
  });

  it('take emulator = { recording, … } as the I²C, serial and HID drivers do, refusing the old string form and sibling keys', () => {
    const issues = (driver: string, kind: DeviceConfig['kind'], options: Record<string, unknown>): string[] | undefined =>
      find(driver)?.options[kind]?.safeParse(options).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues('v4l2', 'camera', { emulator: { recording: 'cam0', pace: 'asap', formats: ['YUYV'] } })).toBeUndefined();
    expect(issues('gstreamer', 'camera', { emulator: { recording: 'clip.mp4' } })).toBeUndefined();
    expect(issues('alsa', 'audio', { emulator: { recording: 'jfk.wav', pace: 'realtime' } })).toBeUndefined();
    expect(issues('sysfs-thermal', 'thermal', { emulator: { recording: 'temp.csv', periodMs: 20 } })).toBeUndefined();
    expect(issues('v4l2', 'camera', { emulator: 'cam0', emulatorPace: 'asap' })).toEqual([
      'emulator: expected an inline table { recording = "<camera folder or video file>", pace = "realtime" | "asap", formats = ["GREY", "YUYV", …] }',
      ': Unrecognized key: "emulatorPace"',
    ]);
    expect(issues('alsa', 'audio', { emulator: 'jfk.wav' })).toEqual(['emulator: expected an inline table { recording = "<WAV file>", pace = "realtime" | "asap" }']);
    expect(issues('sysfs-power', 'power', { emulator: 'batt.csv' })).toEqual(['emulator: expected an inline table { recording = "<UPS battery CSV>", periodMs = <ms between trace rows> }']);
    expect(issues('sysfs-thermal', 'thermal', { emulator: { recording: 'temp.csv' }, emulatorPeriodMs: 20 })).toEqual([': Unrecognized key: "emulatorPeriodMs"']);
    expect(issues('v4l2', 'camera', { emulator: {} })).toEqual(['emulator.recording: expected the path of a recording, relative to the manifest']);
    expect(issues('v4l2', 'camera', { emulator: { recording: 'cam0', pace: 'fast', formats: ['H264'] } })).toEqual([
      'emulator.pace: expected "realtime" or "asap"',
      'emulator.formats.0: expected one of GREY, YUYV, NV12, MJPG',
    ]);
    expect(issues('gstreamer', 'camera', { emulator: { recording: 'clip.mp4', pace: 'asap' } })).toEqual(['emulator: Unrecognized key: "pace"']);
    expect(issues('sysfs-power', 'power', { emulator: { recording: 'batt.csv', periodMs: 0.5 } })).toEqual(['emulator.periodMs: expected a whole number of milliseconds']);
  });

  it('refuse malformed specs with the expected form, as DeviceErrors naming the device', () => {
    expect(() => build('v4l2', 'camera', 'video0', {})).toThrow(new DeviceError('dev0', 'bad camera spec "video0": expected /dev/videoN (e.g. /dev/video0) or /dev/v4l/by-id/<name>'));
    expect(() => build('gstreamer', 'camera', 'gst:', {})).toThrow(/^dev0: bad camera spec "gst:": expected gst:libcamera \| gst:nvargus/);
    expect(() => build('alsa', 'audio', 'hw:1,0', {})).toThrow(/^dev0: bad audio spec "hw:1,0": expected alsa:<device>/);
    expect(() => build('sysfs-thermal', 'thermal', 'sysfs:', {})).toThrow(/^dev0: bad sysfs spec "sysfs:": expected sysfs:</);
  });

  it('run each driver on its emulator over a real recording', async () => {
    const devices = [
      build('v4l2', 'camera', '/dev/video0', { emulator: { recording: 'euroc_mh01_excerpt/mav0/cam0', pace: 'asap' }, format: 'GRAY8' }),
      build('alsa', 'audio', 'alsa:hw:1,0', { emulator: { recording: 'audio/jfk.wav', pace: 'asap' } }),
      build('sysfs-thermal', 'thermal', 'sysfs:cpu-thermal', { emulator: { recording: 'traces/rpi4_thermal/rpi4b_2_temp_bench.csv' }, rateHz: 100 }),
      build('sysfs-power', 'power', 'sysfs:BAT0', { emulator: { recording: 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv' }, rateHz: 100 }),
    ];
    for (const d of devices) {
      await d.open();
      const s = await d.read();
      expect(s?.deviceTimeNs, d.info.driver).toBeTypeOf('bigint');
      await d.close();
    }
    expect(devices.map((d) => d.info.driver)).toEqual(['v4l2', 'alsa', 'sysfs-thermal', 'sysfs-power']);
    expect([MH01_CAM0, JFK_WAV, RPI_TEMP_2, UPS_BATTERY].every((p) => p.startsWith(SHARED_DATA))).toBe(true);
  });
});

describe('probeVideoDevices', () => {
  it('reports capture nodes with formats, and what is wrong with the others', async () => {
    const { dir, remove } = await tmpFolder('dev');
    await writeFile(join(dir, 'video0'), '');
    await writeFile(join(dir, 'video1'), '');
    const backend = eurocBackend();
    const emulated = { name: 'emulator', open: (p: string) => backend.open(p === join(dir, 'video0') ? '/dev/video0' : p) };
    const found = await probeVideoDevices({ devDir: dir, backend: emulated });
    expect(found[0]).toMatchObject({ path: join(dir, 'video0'), driver: 'uvcvideo', usable: true });
    expect(found[0]?.formats.map((f) => f.fourcc)).toEqual(['GREY', 'YUYV', 'NV12', 'MJPG']);
    expect(found[0]?.formats[0]?.sizes).toEqual(['752×480@20/10']);
    expect(found[1]).toMatchObject({ path: join(dir, 'video1'), usable: false });
    expect(found[1]?.problem).toMatch(/\(ENOENT\)/);
    await remove();
  });
});
