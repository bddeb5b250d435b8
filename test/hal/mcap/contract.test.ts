/**
 * The device contract (test/hal/contract/) against the `mcap` replay driver, one suite per device kind, on a
 * recording of the bundled sample session's first 2 s (real EuRoC frames and IMU, JFK speech, Pi 4 thermal
 * and UPS battery traces) made by `recordSession` in `beforeAll`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { McapDevice } from '../../../hal/mcap/device.js';
import type { AudioDevice, CameraDevice, ImuDevice, PowerDevice, ThermalDevice } from '../../../hal/types.js';
import { loadSession } from '../../../hal/session/index.js';
import { recordSession } from '../../../src/record/record.js';
import { audioContract } from '../contract/audio.js';
import { cameraContract } from '../contract/camera.js';
import { imuContract } from '../contract/imu.js';
import { powerContract } from '../contract/power.js';
import { thermalContract } from '../contract/thermal.js';
import { SAMPLE_SESSION } from '../../record/helpers.js';
import { tmpFolder } from '../data.js';

let file = '';
let remove: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const tmp = await tmpFolder('mcap-contract');
  remove = tmp.remove;
  file = join(tmp.dir, 'sample-2s.mcap');
  const session = await loadSession(SAMPLE_SESSION);
  await recordSession(session, { out: file, durationS: 2, chunkSizeBytes: 256 * 1024 });
  await session.close();
});
afterAll(async () => remove());

const device = (id: string, kind: 'camera' | 'imu' | 'audio' | 'thermal' | 'power'): McapDevice => new McapDevice({ id, kind, path: file });

cameraContract('mcap, sample session cam0 (2 s: 41 frames)', { create: () => device('cam0', 'camera').asDevice() as CameraDevice, expectedCount: 41 });
cameraContract('mcap, sample session world camera (2 s: 21 RGB frames)', { create: () => device('world', 'camera').asDevice() as CameraDevice, expectedCount: 21 });
imuContract('mcap, sample session imu0 (2 s: 401 samples)', { create: () => device('imu0', 'imu').asDevice() as ImuDevice, expectedCount: 401 });
audioContract('mcap, sample session mic (2 s: 63 chunks)', { create: () => device('mic', 'audio').asDevice() as AudioDevice, expectedCount: 63 });
thermalContract('mcap, sample session soc (2 s: 3 readings at 0, 1, 2 s)', { create: () => device('soc', 'thermal').asDevice() as ThermalDevice, expectedCount: 3 });
powerContract('mcap, sample session battery (2 s: 1 reading)', { create: () => device('battery', 'power').asDevice() as PowerDevice, expectedCount: 1 });
