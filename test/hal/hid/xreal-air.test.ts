/**
 * xreal-air against emulated glasses fed by the real Project Aria head trajectory (1 kHz): the device
 * contract, the calibration handshake, decoded values against the motion within the report's quantisation,
 * the device clock (offset, skew), the MCU commands and the allow-list, and open() failures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { XrealAir } from '../../../hal/hid/xreal-air.js';
import { XrealCommandRefused, buildXrealCommand } from '../../../hal/hid/xreal-commands.js';
import { IMU_MSG, XREAL_REPORT_BYTES, decodeCommandPacket, encodeImuPacket } from '../../../hal/hid/xreal-protocol.js';
import { readAriaHeadImu } from '../../../hal/emulators/hid/aria-motion.js';
import type { HeadImuTrack } from '../../../hal/emulators/hid/aria-motion.js';
import { EMULATED_ACCEL_DIVISOR, EMULATED_CALIBRATION, EMULATED_GYRO_DIVISOR, EmulatedXrealGlasses } from '../../../hal/emulators/hid/xreal-emulator.js';
import type { ImuSample } from '../../../hal/types.js';
import { imuContract } from '../contract/imu.js';
import { readLive } from '../serial/helpers.js';
import { ARIA_TRAJECTORY } from './helpers.js';

let track: HeadImuTrack;
beforeAll(async () => {
  track = await readAriaHeadImu(ARIA_TRAJECTORY);
});

imuContract('xreal-air, emulated Air on the Aria head trajectory (first 2,000 reports)', {
  create: () => new XrealAir({ id: 'imu0', backend: new EmulatedXrealGlasses({ track: () => Promise.resolve(track) }) }),
  maxSamples: 2000,
});

const GYRO_LSB_RADPS = Math.PI / 180 / EMULATED_GYRO_DIVISOR;
const ACCEL_LSB_MPS2 = 9.80665 / EMULATED_ACCEL_DIVISOR;

describe('xreal-air', () => {
  it('reads the calibration over the allow-listed commands and decodes the whole trajectory within quantisation', async () => {
    const glasses = new EmulatedXrealGlasses({ track });
    const imu = new XrealAir({ id: 'imu0', backend: glasses });
    await imu.open();
    expect(imu.calibration).toEqual(EMULATED_CALIBRATION);
    expect(imu.info.source).toBe('hid:3318:0424:EMU0000000001');
    const { samples, errors } = await readLive<ImuSample>(imu, track.n);
    await imu.close();
    expect(errors).toEqual([]);
    expect(samples.length).toBe(track.n);
    // Every write was an allow-listed IMU command: stream off, calibration length, segments, stream on.
    const ids = glasses.written.map((w) => (decodeCommandPacket(w.report) as { msgId: number }).msgId);
    expect(ids[0]).toBe(IMU_MSG.startImuData);
    expect(ids[1]).toBe(IMU_MSG.getCalibrationLength);
    expect(ids.at(-1)).toBe(IMU_MSG.startImuData);
    expect(glasses.unknownCommands).toEqual([]);
    let gyroLsb = 0;
    let accelLsb = 0;
    samples.forEach((s, i) => {
      expect(s.deviceTimeNs).toBe(1_000_000_000_000n + BigInt(Math.round(track.tNs[i] as number)));
      for (let k = 0; k < 3; k++) {
        gyroLsb = Math.max(gyroLsb, Math.abs((s.gyroRadps[k] as number) - (track.gyroRadps[3 * i + k] as number)) / GYRO_LSB_RADPS);
        accelLsb = Math.max(accelLsb, Math.abs((s.accelMps2[k] as number) - (track.accelMps2[3 * i + k] as number)) / ACCEL_LSB_MPS2);
      }
    });
    console.log(`xreal-air: ${samples.length} reports; max error gyro ${gyroLsb.toFixed(3)} LSB (1/131 °/s), accel ${accelLsb.toFixed(3)} LSB (1/8192 g), after the emulated calibration (scales ≤ 1.002)`);
    expect(gyroLsb).toBeLessThanOrEqual(0.5 * 1.002 + 1e-6);
    expect(accelLsb).toBeLessThanOrEqual(0.5 * 1.002 + 1e-6);
  });

  it('stamps reports on the glasses clock with the emulated offset and skew', async () => {
    const glasses = new EmulatedXrealGlasses({ track, clockOffsetNs: 2_000_000n, skewPpm: 50, maxReports: 3000 });
    const imu = new XrealAir({ id: 'imu0', backend: glasses });
    await imu.open();
    const { samples } = await readLive<ImuSample>(imu, 3000);
    await imu.close();
    const last = samples.at(-1) as ImuSample;
    expect(samples[0]?.deviceTimeNs).toBe(2_000_000n);
    expect(last.deviceTimeNs).toBe(2_000_000n + BigInt(Math.round((track.tNs[2999] as number) * (1 + 50e-6))));
    expect(last.hostTimeNs !== undefined && last.hostTimeNs >= (samples[0]?.hostTimeNs ?? 0n)).toBe(true);
  });

  it('sets display mode and brightness through the MCU interface', async () => {
    const glasses = new EmulatedXrealGlasses({ track, maxReports: 10 });
    const imu = new XrealAir({ id: 'imu0', backend: glasses });
    await imu.open();
    await imu.setDisplayMode('3d');
    expect(glasses.displayMode).toBe(3);
    expect(await imu.readDisplayMode()).toBe('3d');
    await imu.setBrightness(6);
    expect(await imu.readBrightness()).toBe(6);
    expect(glasses.written.filter((w) => w.iface === 4).length).toBe(4);
    await imu.close();
  });

  it('refuses commands off the allow-list without writing anything', async () => {
    const glasses = new EmulatedXrealGlasses({ track, maxReports: 10 });
    const imu = new XrealAir({ id: 'imu0', backend: glasses });
    await imu.open();
    const before = glasses.written.length;
    await expect(imu.command('mcu.updateFirmwareStart')).rejects.toThrow(XrealCommandRefused);
    await expect(imu.command('mcu.updateFirmwareStart')).rejects.toThrow(/not on the allow-list and was not sent: unknown commands have bricked glasses/);
    expect(() => buildXrealCommand({ iface: 'mcu', msgId: 0x3e })).toThrow('XREAL command mcu message 0x3e is not on the allow-list');
    expect(() => buildXrealCommand({ iface: 'imu', msgId: IMU_MSG.writeCalibrationSegment })).toThrow(XrealCommandRefused);
    await expect(imu.setBrightness(9)).rejects.toThrow('XREAL command mcu.writeBrightness takes one byte, a brightness 0..7; got [9]; not sent');
    await expect(imu.command('mcu.writeDisplayMode', Uint8Array.of(4))).rejects.toThrow(/takes one byte, 1 \(2D\) or 3 \(3D side-by-side\)/);
    await expect(imu.command('imu.stream', Uint8Array.of(0xaa))).rejects.toThrow(XrealCommandRefused);
    expect(glasses.written.length).toBe(before);
    await imu.close();
  });

  it('fails open() with a DeviceError when no glasses are attached or hidraw is not accessible', async () => {
    const none = new XrealAir({ id: 'imu0', backend: { devices: async () => [], open: () => Promise.reject(new Error('unreachable')) } });
    await expect(none.open()).rejects.toThrow('imu0: no XREAL glasses found for hid:3318:0424 (IMU interface 3); run karana doctor');
    const glasses = new EmulatedXrealGlasses({ track });
    const denied = new XrealAir({ id: 'imu0', backend: { devices: () => glasses.devices(), open: () => Promise.reject(new Error('EACCES: permission denied')) } });
    await expect(denied.open()).rejects.toThrow(/imu0: cannot open \/dev\/hidraw-emulated-\d+-3 \(permission: install the udev rule from docs\/hal-xreal.md, then re-plug the glasses\): EACCES/);
  });

  it('checks the CRC-32 of command packets', () => {
    const p = encodeImuPacket(IMU_MSG.startImuData, Uint8Array.of(1));
    expect(p.length).toBe(XREAL_REPORT_BYTES);
    expect(decodeCommandPacket(p)).toEqual({ head: 0xaa, msgId: 0x19, payload: Buffer.from([1]) });
    const bad = Buffer.from(p);
    bad[8] = 0;
    expect(decodeCommandPacket(bad)).toMatch(/^byte 1: CRC-32 mismatch: packet says 0x[0-9a-f]{8}, bytes 5..8 give 0x[0-9a-f]{8}$/);
  });
});
