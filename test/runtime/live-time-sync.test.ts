/**
 * Time sync in a live run: `karana run` on the real clock with two live drivers running their own code on
 * emulators fed by real recordings — XREAL Air glasses (Project Aria head motion, device clock 50 ppm fast with a
 * 2 ms offset, reports paced in real time) and an MPU-6050 on an emulated I²C bus (EuRoC MH_01 imu0, the chip's
 * FIFO frame counter as device clock) — and a replayed EuRoC camera. The runtime maps each live device's clock
 * through its TICSync estimator: the report and the `device.clock` topic give offset, skew and residual, and the
 * mapped sample times stay within the run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import { HAS_SHARED_DATA, SHARED_DATA } from '../native/data.js';

const SESSION = (dir: string): string => `
name = "live rig (emulated devices)"
durationS = 8

[[devices]]
id = "glasses"
kind = "imu"
driver = "xreal-air"
path = "hid:3318:0424"
emulator = { recording = "${join(SHARED_DATA, 'aria_head_trajectory/trajectory/closed_loop_trajectory.csv')}", format = "aria-trajectory", pace = "realtime", skewPpm = 50, clockOffsetNs = 2000000 }

[[devices]]
id = "imu1"
kind = "imu"
driver = "mpu6050"
path = "i2c:1:0x68"
odrHz = 200
emulator = { recording = "${join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/imu0')}", format = "euroc" }
timeSync = { latencyS = 0.0005 }
`.replace('${dir}', dir);

describe.runIf(HAS_SHARED_DATA)('live time sync', () => {
  it('maps live device clocks to the runtime clock and reports offset, skew and residual', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-live-'));
    writeFileSync(join(dir, 'session.toml'), SESSION(dir));
    const report = await runCommand({ session: join(dir, 'session.toml'), speed: 1, hud: false, port: 0, host: '127.0.0.1', tickHz: 200, detect: false, rtPriority: 0, quiet: true });
    const glasses = report.devices.glasses;
    const imu1 = report.devices.imu1;
    console.log(`glasses: ${glasses?.samples} samples, clock ${JSON.stringify(glasses?.clock)}`);
    console.log(`imu1: ${imu1?.samples} samples, clock ${JSON.stringify(imu1?.clock)}`);
    expect(glasses?.samples).toBeGreaterThan(2500);
    expect(glasses?.clock?.samples).toBeGreaterThanOrEqual(glasses?.samples ?? 0);
    // The host runs 1/(1 + 50 ppm) as fast as the glasses' clock. Reports leave the emulator in 2 ms batches,
    // so over 8 s the envelope pins the skew to about ±(a fraction of 2 ms) / 8 s.
    expect(glasses?.clock?.skewPpm).toBeGreaterThan(-80);
    expect(glasses?.clock?.skewPpm).toBeLessThan(-20);
    expect(glasses?.clock?.stable).toBe(true);
    expect(imu1?.samples).toBeGreaterThan(500);
    expect(imu1?.clock?.latencyNs).toBe(500_000);
    // A FIFO read every ~50 ms stamps a whole batch with one host time: only the newest frame of each batch
    // lies near the envelope, within one sample period (5 ms), so 8 s bound the skew only to ~5 ms / 8 s.
    expect(Math.abs(imu1?.clock?.skewPpm ?? 1e9)).toBeLessThan(1500);
  }, 90_000);
});
