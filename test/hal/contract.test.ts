/**
 * The device contract (test/hal/contract/) run against every mock (replay) driver, each on a real recording
 * from ../shared/data. video-camera needs FFmpeg: without it, its tests fail with the driver's install hint.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CsvPowerTrace, CsvThermalTrace } from '../../hal/mock/csv-trace.js';
import { EurocCamera } from '../../hal/mock/euroc-camera.js';
import { EurocImu } from '../../hal/mock/euroc-imu.js';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import { WavAudio } from '../../hal/mock/wav-audio.js';
import { audioContract } from './contract/audio.js';
import { cameraContract } from './contract/camera.js';
import { imuContract } from './contract/imu.js';
import { powerContract } from './contract/power.js';
import { thermalContract } from './contract/thermal.js';
import { ASL_AGAIN_MKV, JFK_WAV, MH01_CAM0, MH01_IMU0, RPI_TEMP_1, UPS_BATTERY, V101_IMU0, tmpFolder } from './data.js';
import { buildCameraFolder } from './fixtures.js';

let jpegFolder = '';
let removeTmp: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  const tmp = await tmpFolder('contract');
  removeTmp = tmp.remove;
  jpegFolder = join(tmp.dir, 'world');
  await buildCameraFolder(jpegFolder, 40, 'jpeg', false);
});
afterAll(async () => {
  await removeTmp();
});

cameraContract('euroc-camera, EuRoC MH_01 cam0 (600 PNG)', {
  create: () => new EurocCamera({ id: 'cam0', path: MH01_CAM0 }),
  expectedCount: 600,
});
cameraContract('euroc-camera, ASL folder of 40 JPEG frames (world role)', {
  create: () => new EurocCamera({ id: 'world', path: jpegFolder, role: 'world' }),
  expectedCount: 40,
});
cameraContract('video-camera, ASL gesture clip again.mkv (77 frames)', {
  create: () => new VideoCamera({ id: 'world', path: ASL_AGAIN_MKV }),
  expectedCount: 77,
});
imuContract('euroc-imu, EuRoC MH_01 imu0 (36,820 rows)', {
  create: () => new EurocImu({ id: 'imu0', path: MH01_IMU0 }),
  expectedCount: 36_820,
});
imuContract('euroc-imu, EuRoC V1_01 imu0 (29,120 rows, %YAML:1.0 sensor.yaml)', {
  create: () => new EurocImu({ id: 'imu0', path: V101_IMU0 }),
  expectedCount: 29_120,
});
audioContract('wav-audio, jfk.wav (11 s, 16 kHz)', {
  create: () => new WavAudio({ id: 'mic', path: JFK_WAV }),
  expectedCount: 344,
});
thermalContract('csv-trace, Raspberry Pi 4 temp_bench (no header, 659 rows)', {
  create: () => new CsvThermalTrace({ id: 'soc', path: RPI_TEMP_1, header: false, time: { column: 0, unit: 's' }, values: { tempC: { column: 2 } } }),
  expectedCount: 659,
});
powerContract('csv-trace, UPSplus battery log (quoted, 2,896 rows)', {
  create: () =>
    new CsvPowerTrace({
      id: 'battery',
      path: UPS_BATTERY,
      time: { column: 'Time (s)', unit: 's' },
      values: {
        voltageV: { column: 'Volts (mV)', scale: 0.001 },
        powerW: { column: 'Power (mW)', scale: 0.001 },
        batteryPercent: { column: 'Remaining %' },
      },
    }),
  expectedCount: 2_896,
});
