/**
 * Hardware-in-the-loop: the same contract suites against the real devices of this module on a dev kit,
 * when an environment variable names one (skipped otherwise):
 *   KARANA_HIL_CAMERA=/dev/video0 | gst:libcamera | gst:nvargus   [KARANA_HIL_CAMERA_OPTIONS='{"widthPx":640,"heightPx":480}']
 *   KARANA_HIL_AUDIO=alsa:plughw:1,0                                [KARANA_HIL_AUDIO_OPTIONS]
 *   KARANA_HIL_THERMAL=sysfs:cpu-thermal
 *   KARANA_HIL_POWER=sysfs:BAT0   (i2c: specs are the I²C suite's)
 * A V4L2 camera must also stamp its frames on CLOCK_MONOTONIC, before they reach the driver.
 */
import { describe, expect, it } from 'vitest';
import { AUDIO_DRIVERS } from '../../../hal/alsa/driver-table.js';
import type { DriverEntry } from '../../../hal/drivers.js';
import { SYSFS_DRIVERS } from '../../../hal/sysfs/driver-table.js';
import type { AnyDevice, AudioDevice, CameraDevice, DeviceKind, PowerDevice, ThermalDevice } from '../../../hal/types.js';
import type { V4l2Camera } from '../../../hal/v4l2/camera.js';
import { CAMERA_DRIVERS } from '../../../hal/v4l2/driver-table.js';
import { audioContract } from '../contract/audio.js';
import { cameraContract } from '../contract/camera.js';
import { powerContract } from '../contract/power.js';
import { thermalContract } from '../contract/thermal.js';
import { ROOT } from '../data.js';

function device(table: readonly DriverEntry[], driver: string, kind: DeviceKind, spec: string, options: string | undefined): AnyDevice {
  const entry = table.find((d) => d.name === driver);
  if (entry === undefined) throw new Error(`unknown driver ${driver}`);
  const parsed = options === undefined ? {} : (JSON.parse(options) as Record<string, unknown>);
  return entry.create({ id: `${kind}0`, kind, driver, path: spec, offsetS: 0, options: parsed }, { baseDir: ROOT });
}

function skip(what: string, how: string): void {
  describe(`${what} on hardware`, () => it.skip(how, () => undefined));
}

const camera = process.env.KARANA_HIL_CAMERA;
if (camera !== undefined && (camera.startsWith('/dev/') || camera.startsWith('gst:'))) {
  const driver = camera.startsWith('gst:') ? 'gstreamer' : 'v4l2';
  const create = (): CameraDevice => device(CAMERA_DRIVERS, driver, 'camera', camera, process.env.KARANA_HIL_CAMERA_OPTIONS) as CameraDevice;
  cameraContract(`${driver} ${camera} (hardware)`, { create, maxSamples: 60 });
  if (driver === 'v4l2') {
    it('v4l2 hardware: kernel timestamps on CLOCK_MONOTONIC, before the frame reaches the driver', async () => {
      const cam = create() as V4l2Camera;
      await cam.open();
      for (let i = 0; i < 30; i++) {
        const f = await cam.read();
        expect(f !== null && f.hostTimeNs !== undefined && f.deviceTimeNs <= f.hostTimeNs).toBe(true);
      }
      expect(cam.captureStats.timestampClock).toBe('monotonic');
      await cam.close();
    });
  }
} else skip('camera', 'set KARANA_HIL_CAMERA=/dev/videoN or gst:libcamera | gst:nvargus to run the camera contract on a real camera');

const audio = process.env.KARANA_HIL_AUDIO;
if (audio?.startsWith('alsa:') === true) {
  audioContract(`alsa ${audio} (hardware)`, { create: () => device(AUDIO_DRIVERS, 'alsa', 'audio', audio, process.env.KARANA_HIL_AUDIO_OPTIONS) as AudioDevice, maxSamples: 60 });
} else skip('ALSA microphone', 'set KARANA_HIL_AUDIO=alsa:<device> to run the audio contract on a real microphone');

const thermal = process.env.KARANA_HIL_THERMAL;
if (thermal?.startsWith('sysfs:') === true) {
  thermalContract(`sysfs-thermal ${thermal} (hardware)`, { create: () => device(SYSFS_DRIVERS, 'sysfs-thermal', 'thermal', thermal, '{"rateHz":20}') as ThermalDevice, maxSamples: 5 });
} else skip('thermal zone', 'set KARANA_HIL_THERMAL=sysfs:<zone> to run the thermal contract on a real zone');

const power = process.env.KARANA_HIL_POWER;
if (power?.startsWith('sysfs:') === true) {
  powerContract(`sysfs-power ${power} (hardware)`, { create: () => device(SYSFS_DRIVERS, 'sysfs-power', 'power', power, '{"rateHz":20}') as PowerDevice, maxSamples: 5 });
} else skip('sysfs power supply', 'set KARANA_HIL_POWER=sysfs:<supply> to run the power contract on a real battery');
