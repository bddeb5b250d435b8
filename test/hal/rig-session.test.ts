/**
 * The bundled emulated rig (`hal/sessions/rig/session.toml`): its manifest is valid, and every device opens on its
 * emulator and delivers samples from the sample session's real recordings through the real driver code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/load.js';
import { readManifest } from '../../hal/session/manifest.js';
import { ROOT } from './data.js';

const RIG = join(ROOT, 'hal/sessions/rig/session.toml');

describe('the emulated rig session', () => {
  it('lists live drivers on emulators and a replayed world camera', async () => {
    const plan = await readManifest(RIG);
    expect(plan.devices.map((d) => [d.id, d.driver])).toEqual([
      ['imu0', 'mpu6050'],
      ['cam0', 'v4l2'],
      ['world', 'euroc-camera'],
      ['mic', 'alsa'],
      ['soc', 'sysfs-thermal'],
      ['battery', 'max17048'],
    ]);
  });

  it('opens every device and reads samples with host arrival stamps from the live ones', async () => {
    const session = await loadSession(RIG);
    try {
      expect(session.failed.map((f) => f.error.message)).toEqual([]);
      for (const { device } of session.devices) {
        const first = await device.read();
        const second = await device.read();
        expect(first, device.info.id).not.toBeNull();
        expect((second?.deviceTimeNs ?? 0n) > (first?.deviceTimeNs ?? 0n), device.info.id).toBe(true);
        expect(first?.hostTimeNs !== undefined, device.info.id).toBe(!device.info.replay);
      }
    } finally {
      await session.close();
    }
  }, 60_000);
});
