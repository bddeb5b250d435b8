/**
 * What the drivers configure really changes the emulated chip (rate, range), and what goes wrong is reported
 * as the project wants: WHO_AM_I/CHIP_ID mismatch → DeviceError naming the value read and the one expected;
 * nothing at the address → DeviceError naming bus and address; FIFO overflow → SampleError naming the device
 * and the register, then the stream goes on. All on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../hal/emulators/i2c/clock.js';
import type { Pollable } from './rig.js';
import type { I2cTarget } from '../../../hal/i2c/bus.js';
import { Ak8963Emulator } from '../../../hal/emulators/i2c/ak8963.js';
import { Bno055Emulator } from '../../../hal/emulators/i2c/bno055.js';
import { Icm42688pEmulator } from '../../../hal/emulators/i2c/icm42688p.js';
import { Lsm6dsoEmulator } from '../../../hal/emulators/i2c/lsm6dso.js';
import { MpuEmulator } from '../../../hal/emulators/i2c/mpu.js';
import { Bno055Imu } from '../../../hal/i2c/bno055.js';
import { Icm42688pImu } from '../../../hal/i2c/icm42688p.js';
import { Ina219Monitor } from '../../../hal/i2c/ina219.js';
import { Lsm6dsoImu } from '../../../hal/i2c/lsm6dso.js';
import { MPU_ACCEL_LSB_PER_G, MPU_GYRO_LSB_PER_DPS, MpuImu } from '../../../hal/i2c/mpu6050.js';
import { Mpu9250Imu } from '../../../hal/i2c/mpu9250.js';
import { DeviceError, SampleError } from '../../../hal/types.js';
import type { ImuSample } from '../../../hal/types.js';
import { BROAD_07, MH01_IMU0, V101_IMU0, XIO, loadRecording, makeBus, pollOnce, rigOptions, run } from './rig.js';

const DEG = Math.PI / 180;

describe('configuration reaches the chip', () => {
  it('datasheet scale tables (PS-MPU-6000A §6.1, §6.2)', () => {
    expect(MPU_GYRO_LSB_PER_DPS).toEqual({ 250: 131, 500: 65.5, 1000: 32.8, 2000: 16.4 });
    expect(MPU_ACCEL_LSB_PER_G).toEqual({ 2: 16384, 4: 8192, 8: 4096, 16: 2048 });
  });

  it.each([
    [50, 50],
    [200, 200],
    [1000, 1000],
  ])('MPU-6050 odrHz %d: SMPLRT_DIV makes the emulated chip produce %d samples per second', async (odrHz, perSecond) => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec }));
    const device = new MpuImu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz });
    await device.open();
    await pollOnce(device);
    const { samples } = await run({ clock: rig.clock, device }, 50, 20);
    expect(samples.length).toBe(perSecond);
    expect(rig.emulator.samplingPeriodNs).toBe(BigInt(1e9 / odrHz));
  });

  it.each([
    [25, 25],
    [500, 500],
  ])('ICM-42688-P odrHz %d: %d samples per second, TMST steps of the period', async (odrHz, perSecond) => {
    const rec = await loadRecording(V101_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new Icm42688pEmulator({ clock, recording: rec }));
    const device = new Icm42688pImu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz });
    await device.open();
    await pollOnce(device);
    const { samples } = await run({ clock: rig.clock, device }, 50, 20);
    expect(samples.length).toBe(perSecond);
    expect(samples[1]!.deviceTimeNs - samples[0]!.deviceTimeNs).toBe(BigInt(1e9 / odrHz));
  });

  it('LSM6DSO odrHz 26 vs 833: 26.04 and 833.3 samples per second (6667 Hz / 2^n)', async () => {
    const rec = await loadRecording(XIO, 'xio');
    const counts: number[] = [];
    for (const odrHz of [26, 833]) {
      const rig = makeBus(0x6a, (clock) => new Lsm6dsoEmulator({ clock, recording: rec }));
      const device = new Lsm6dsoImu({ ...rigOptions(rig.clock, rig.bus, 0x6a), odrHz });
      await device.open();
      await pollOnce(device);
      counts.push((await run({ clock: rig.clock, device }, 300, 20)).samples.length); // 6 s
      expect(device.info.nominalRateHz).toBeCloseTo(odrHz === 26 ? 26.04 : 833.33, 2);
    }
    expect(counts).toEqual([156, 5000]);
  });

  it('MPU-6050 ranges: ±250 °/s and ±2 g saturate on BROAD fast rotation (up to 25 rad/s and 3 g), ±2000 °/s and ±16 g do not', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    const peak = async (gyroRangeDps: number, accelRangeG: number): Promise<{ gyro: number; accel: number; step: number }> => {
      const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec }));
      const device = new MpuImu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz: 200, gyroRangeDps, accelRangeG });
      await device.open();
      const { samples } = await run({ clock: rig.clock, device }, 1200, 50); // 60 s
      const gyro = Math.max(...samples.flatMap((s) => s.gyroRadps.map(Math.abs)));
      const accel = Math.max(...samples.flatMap((s) => s.accelMps2.map(Math.abs)));
      const values = [...new Set(samples.map((s) => s.gyroRadps[2]))].sort((a, b) => a - b);
      const step = Math.min(...values.slice(1).map((v, i) => v - (values[i] ?? 0)));
      return { gyro, accel, step };
    };
    const narrow = await peak(250, 2);
    const wide = await peak(2000, 16);
    expect(narrow.gyro).toBeCloseTo((32768 / 131) * DEG, 2);
    expect(narrow.accel).toBeCloseTo((32768 / 16384) * 9.80665, 2);
    expect(wide.gyro).toBeGreaterThan(20);
    expect(wide.accel).toBeGreaterThan(2.1 * 9.80665);
    expect(narrow.step).toBeCloseTo(DEG / 131, 9); // one LSB apart at ±250 °/s
    expect(wide.step).toBeCloseTo(DEG / 16.4, 9);
  });
});

describe('identity and presence', () => {
  it('WHO_AM_I mismatch names the value read, the one expected, and what it is', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec, chip: 'mpu9250' }));
    const device = new MpuImu(rigOptions(rig.clock, rig.bus, 0x68));
    await expect(device.open()).rejects.toThrow(new DeviceError('imu0', 'WHO_AM_I (0x75) of i2c:1:0x68 reads 0x71, expected 0x68 (MPU-6050); that is the ID of MPU-9250 (driver mpu9250)'));
    const icm = new Icm42688pImu(rigOptions(rig.clock, rig.bus, 0x68));
    await expect(icm.open()).rejects.toThrow('imu0: WHO_AM_I (0x75) of i2c:1:0x68 reads 0x71, expected 0x47 (ICM-42688-P)');
  });

  it('CHIP_ID mismatch (BNO055 driver where another chip answers 0x00 at register 0x00)', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x28, (clock) => new MpuEmulator({ clock, recording: rec }));
    await expect(new Bno055Imu(rigOptions(rig.clock, rig.bus, 0x28)).open()).rejects.toThrow('imu0: CHIP_ID (0x00) of i2c:1:0x28 reads 0x00, expected 0xa0 (BNO055)');
  });

  it('nothing at the address: DeviceError naming the bus and the address', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec }));
    const device = new Lsm6dsoImu(rigOptions(rig.clock, rig.bus, 0x6b));
    await expect(device.open()).rejects.toThrow(new DeviceError('imu0', 'cannot open i2c:1:0x6b: i2c-1: no ACK from address 0x6b (nothing there? check wiring, power, the address pin)'));
    expect(device.isOpen).toBe(false);
  });

  it('a chip that stops answering ends the device: queued samples, then the DeviceError once, then null', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec }));
    const device = new MpuImu(rigOptions(rig.clock, rig.bus, 0x68));
    await device.open();
    rig.clock.advanceMs(50);
    await device.poll();
    rig.bus.detach(0x68);
    rig.clock.advanceMs(50);
    await device.poll();
    let n = 0;
    let error: unknown;
    for (;;) {
      try {
        if ((await device.read()) === null) break;
        n += 1;
      } catch (err) {
        error = err;
      }
    }
    expect(n).toBe(10);
    expect(error).toEqual(new DeviceError('imu0', 'lost i2c:1:0x68: i2c-1: no ACK from address 0x68 (nothing there? check wiring, power, the address pin)'));
  });

  it('the AK8963 answers only through the MPU-9250 bypass', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec, chip: 'mpu9250' }));
    rig.bus.attach(0x0c, new Ak8963Emulator({ clock: rig.clock, recording: rec, reachable: () => rig.emulator.bypass }));
    await expect(rig.bus.readRegister(0x0c, 0x00, 1)).rejects.toThrow('i2c-1: no ACK from address 0x0c');
    const device = new Mpu9250Imu(rigOptions(rig.clock, rig.bus, 0x68));
    await device.open();
    expect((await rig.bus.readRegister(0x0c, 0x00, 1))[0]).toBe(0x48);
  });

  it('option values outside the datasheet tables are refused with the allowed values', () => {
    const o = { id: 'imu0', bus: 1, address: 0x68 };
    expect(() => new MpuImu({ ...o, odrHz: 300 })).toThrow('imu0: "odrHz" must be 1000 / (1 + SMPLRT_DIV) for SMPLRT_DIV 0–255 (e.g. 1000, 500, 250, 200, 100, 50), got 300');
    expect(() => new MpuImu({ ...o, gyroRangeDps: 300 })).toThrow('imu0: "gyroRangeDps" must be one of 250, 500, 1000, 2000 (MPU-6050 FS_SEL), got 300');
    expect(() => new Icm42688pImu({ ...o, odrHz: 4000 })).toThrow('"odrHz" must be one of 25, 50, 100, 200, 500, 1000, 2000');
    expect(() => new Lsm6dsoImu({ ...o, accelRangeG: 3 })).toThrow('imu0: "accelRangeG" must be one of 2, 4, 8, 16 (LSM6DSO DS12140 FS_XL), got 3');
    expect(() => new Bno055Imu({ ...o, odrHz: 50 })).toThrow('imu0: "odrHz" must be 100 (BNO055 NDOF fusion output rate, datasheet §3.3), got 50');
    expect(() => new Ina219Monitor({ ...o, id: 'rail', shuntOhms: 0.5, maxCurrentA: 3.2 })).toThrow("rail: maxCurrentA × shuntOhms = 1.600 V exceeds the INA219's ±0.32 V shunt range: use a smaller shunt");
  });
});

/** Overflows the FIFO by staying away `awayMs`, then checks the error, and that the stream goes on in order. */
async function overflow(device: { open(): Promise<void> } & Pollable<ImuSample>, clock: ManualClock, awayMs: number, message: RegExp): Promise<void> {
  await device.open();
  const before = await run({ clock, device }, 5, 10);
  expect(before.errors).toEqual([]);
  clock.advanceMs(awayMs);
  const { samples, errors } = await pollOnce(device);
  expect(samples).toEqual([]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(SampleError);
  expect(errors[0]?.message).toMatch(message);
  const after = await run({ clock, device }, 5, 10);
  expect(after.errors).toEqual([]);
  expect(after.samples.length).toBeGreaterThan(5);
  const last = before.samples.at(-1)!.deviceTimeNs;
  const next = after.samples[0]!.deviceTimeNs;
  expect(next).toBeGreaterThan(last);
  // The device clock jumps by about the time away (resynchronised from the host clock).
  expect(Number(next - last) / 1e6).toBeGreaterThan(awayMs * 0.9);
  expect(Number(next - last) / 1e6).toBeLessThan(awayMs + 50);
}

describe('FIFO overflow: SampleError naming device and register, then the stream goes on', () => {
  it('MPU-6050 (1 KB FIFO at 1 kHz, 2 s away)', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec }));
    await overflow(new MpuImu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz: 1000 }), rig.clock, 2000, /^imu0: byte \d+: FIFO overflow: INT_STATUS \(0x3a\) FIFO_OFLOW_INT set, samples lost; FIFO reset$/);
  });

  it('MPU-9250 (512-byte FIFO, stop when full)', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    const rig = makeBus(0x68, (clock) => new MpuEmulator({ clock, recording: rec, chip: 'mpu9250' }));
    rig.bus.attach(0x0c, new Ak8963Emulator({ clock: rig.clock, recording: rec, reachable: () => rig.emulator.bypass }));
    await overflow(new Mpu9250Imu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz: 500 }), rig.clock, 1000, /FIFO_OFLOW_INT set/);
  });

  it('ICM-42688-P (2 KB FIFO, STOP-on-FULL, timestamps resynchronised across 16-bit wraps)', async () => {
    const rec = await loadRecording(V101_IMU0, 'euroc');
    const rig = makeBus(0x68, (clock) => new Icm42688pEmulator({ clock, recording: rec }));
    await overflow(new Icm42688pImu({ ...rigOptions(rig.clock, rig.bus, 0x68), odrHz: 1000 }), rig.clock, 3000, /^imu0: byte \d+: FIFO full: INT_STATUS \(0x2d\) FIFO_FULL_INT set/);
  });

  it('LSM6DSO (continuous mode overrun)', async () => {
    const rec = await loadRecording(XIO, 'xio');
    const rig = makeBus(0x6a, (clock) => new Lsm6dsoEmulator({ clock, recording: rec }));
    await overflow(new Lsm6dsoImu({ ...rigOptions(rig.clock, rig.bus, 0x6a), odrHz: 833 }), rig.clock, 2000, /^imu0: byte \d+: FIFO overrun: FIFO_STATUS2 \(0x3b\) FIFO_OVR_IA set/);
  });

  it('the same steps give the same samples (the emulated chip is deterministic)', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    const once = async (): Promise<ImuSample[]> => {
      const rig = makeBus(0x28, (clock) => new Bno055Emulator({ clock, recording: rec }));
      const device = new Bno055Imu(rigOptions(rig.clock, rig.bus, 0x28));
      await device.open();
      return (await run({ clock: rig.clock, device }, 200, 7)).samples;
    };
    expect(await once()).toEqual(await once());
  });
});

describe('emulator data-ready flags', () => {
  it('MPU INT_STATUS DATA_RDY, ICM-42688-P INT_STATUS DATA_RDY_INT, LSM6DSO STATUS_REG GDA|XLDA: set by a sample, cleared by reading', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    const cases: [number, (c: ManualClock) => I2cTarget, [number, number][], number, number][] = [
      [0x68, (clock) => new MpuEmulator({ clock, recording: rec }), [[0x6b, 0x01]], 0x3a, 0x01],
      [0x68, (clock) => new Icm42688pEmulator({ clock, recording: rec }), [[0x4e, 0x0f]], 0x2d, 0x08],
      [0x6a, (clock) => new Lsm6dsoEmulator({ clock, recording: rec }), [[0x11, 0x40]], 0x1e, 0x03],
    ];
    for (const [address, make, setup, status, bits] of cases) {
      const rig = makeBus(address, make);
      for (const [reg, v] of setup) await rig.bus.writeRegister(address, reg, [v]);
      await rig.bus.readRegister(address, status, 1); // clear what power-up set
      rig.clock.advanceMs(20);
      expect((await rig.bus.readRegister(address, status, 1))[0]! & bits).toBe(bits);
      if (address === 0x6a) await rig.bus.readRegister(address, 0x22, 12); // LSM6DSO: reading the outputs clears
      expect((await rig.bus.readRegister(address, status, 1))[0]! & bits).toBe(0);
    }
  });
});
