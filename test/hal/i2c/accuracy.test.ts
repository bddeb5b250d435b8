/**
 * Decoded values equal the real recording within one LSB of the chip's quantisation: each driver runs on its
 * register-level emulator fed by a recording, on a manual clock; the expected value of every sample is the
 * recording linearly interpolated (by this test's own reader) at the sample's instant, saturated to the chip's
 * range. The instant of sample k is the emulator's first FIFO sample plus the driver's device-clock delta, so
 * the device clock is checked too. Max errors per axis, in LSB, are printed (`I2C-ACCURACY …` lines).
 */
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../hal/emulators/i2c/clock.js';
import type { ImuRecording } from '../../../hal/emulators/i2c/recording.js';
import type { EmulatedI2cBus } from '../../../hal/i2c/bus.js';
import type { Pollable } from './rig.js';
import { Ak8963Emulator } from '../../../hal/emulators/i2c/ak8963.js';
import { Bno055Emulator } from '../../../hal/emulators/i2c/bno055.js';
import { Icm42688pEmulator } from '../../../hal/emulators/i2c/icm42688p.js';
import type { ImuChipEmulator } from '../../../hal/emulators/i2c/imu-emulator.js';
import { Lsm6dsoEmulator } from '../../../hal/emulators/i2c/lsm6dso.js';
import { MpuEmulator } from '../../../hal/emulators/i2c/mpu.js';
import type { ImuRecordingFormat } from '../../../hal/emulators/i2c/recording.js';
import { Bno055Imu } from '../../../hal/i2c/bno055.js';
import { Icm42688pImu } from '../../../hal/i2c/icm42688p.js';
import { Lsm6dsoImu } from '../../../hal/i2c/lsm6dso.js';
import { MpuImu } from '../../../hal/i2c/mpu6050.js';
import { Mpu9250Imu } from '../../../hal/i2c/mpu9250.js';
import type { ImuSample } from '../../../hal/types.js';
import { BROAD_07, MH01_IMU0, V101_IMU0, XIO, interp, loadRecording, makeBus, maxErrorLsb, plainImu, rigOptions, run, saturate } from './rig.js';

const DEG = Math.PI / 180;
const G = 9.80665;

function report(chip: string, what: string, errors: number[], n: number): void {
  console.log(`I2C-ACCURACY ${chip} ${what}: max error per axis ${errors.map((e) => e.toFixed(3)).join(' / ')} LSB over ${n} samples`);
}

/** Runs a FIFO IMU for `seconds` and checks gyro and accel against the recording. */
async function checkFifoImu(opts: {
  chip: string;
  path: string;
  format: ImuRecordingFormat;
  address: number;
  emulator: (clock: ManualClock, rec: ImuRecording) => ImuChipEmulator;
  device: (o: ReturnType<typeof rigOptions>) => { open(): Promise<void>; close(): Promise<void> } & Pollable<ImuSample>;
  gyroLsbRadps: number;
  accelLsbMps2: number;
  seconds: number;
  pollMs: number;
}): Promise<{ samples: ImuSample[]; emulator: ImuChipEmulator }> {
  const rec = await loadRecording(opts.path, opts.format);
  const plain = await plainImu(opts.path, opts.format);
  const { clock, bus, emulator } = makeBus(opts.address, (c) => opts.emulator(c, rec));
  const device = opts.device(rigOptions(clock, bus, opts.address));
  await device.open();
  const { samples, errors } = await run({ clock, device }, Math.round((opts.seconds * 1000) / opts.pollMs), opts.pollMs);
  expect(errors).toEqual([]);
  expect(samples.length).toBeGreaterThan(opts.seconds * 20);
  const first = emulator.firstFifoSampleNs;
  if (first === undefined) throw new Error('no FIFO sample');
  const t0 = samples[0]?.deviceTimeNs ?? 0n;
  const gyro = [];
  const accel = [];
  for (const s of samples) {
    const tau = Number(first - emulator.originNs + (s.deviceTimeNs - t0));
    gyro.push({ got: s.gyroRadps, want: interp(plain, plain.gyro, tau).map((v) => saturate(v, opts.gyroLsbRadps)) });
    accel.push({ got: s.accelMps2, want: interp(plain, plain.accel, tau).map((v) => saturate(v, opts.accelLsbMps2)) });
  }
  const eg = maxErrorLsb(gyro, opts.gyroLsbRadps);
  const ea = maxErrorLsb(accel, opts.accelLsbMps2);
  report(opts.chip, 'gyro', eg, samples.length);
  report(opts.chip, 'accel', ea, samples.length);
  for (const e of [...eg, ...ea]) expect(e).toBeLessThanOrEqual(1);
  await device.close();
  return { samples, emulator };
}

describe('I²C IMU drivers decode the recording within one LSB', () => {
  it('MPU-6050 on EuRoC MH_01 imu0 (200 Hz, ±2000 °/s, ±16 g), 20 s', async () => {
    await checkFifoImu({
      chip: 'MPU-6050',
      path: MH01_IMU0,
      format: 'euroc',
      address: 0x68,
      emulator: (clock, recording) => new MpuEmulator({ clock, recording }),
      device: (o) => new MpuImu({ ...o, odrHz: 200 }),
      gyroLsbRadps: DEG / 16.4,
      accelLsbMps2: G / 2048,
      seconds: 20,
      pollMs: 50,
    });
  });

  it('ICM-42688-P on EuRoC V1_01 imu0 resampled to 1 kHz (±500 °/s, ±8 g), 10 s; device clock = chip TMST', async () => {
    const { samples } = await checkFifoImu({
      chip: 'ICM-42688-P',
      path: V101_IMU0,
      format: 'euroc',
      address: 0x68,
      emulator: (clock, recording) => new Icm42688pEmulator({ clock, recording }),
      device: (o) => new Icm42688pImu({ ...o, odrHz: 1000, gyroRangeDps: 500, accelRangeG: 8 }),
      gyroLsbRadps: DEG / 65.5,
      accelLsbMps2: G / 4096,
      seconds: 10,
      pollMs: 20,
    });
    const gaps = new Set(samples.slice(1).map((s, i) => s.deviceTimeNs - (samples[i]?.deviceTimeNs ?? 0n)));
    expect([...gaps]).toEqual([1_000_000n]); // 1 kHz from the chip's µs timestamps, across 16-bit wraps
  });

  it('LSM6DSO on x-IMU3 (100 Hz) resampled to 208.33 Hz (±1000 °/s, ±4 g), 20 s; device clock = chip TIMESTAMP', async () => {
    const { samples } = await checkFifoImu({
      chip: 'LSM6DSO',
      path: XIO,
      format: 'xio',
      address: 0x6a,
      emulator: (clock, recording) => new Lsm6dsoEmulator({ clock, recording }),
      device: (o) => new Lsm6dsoImu({ ...o, odrHz: 208, gyroRangeDps: 1000, accelRangeG: 4 }),
      gyroLsbRadps: 0.035 * DEG,
      accelLsbMps2: 0.122e-3 * G,
      seconds: 20,
      pollMs: 50,
    });
    expect(samples[1]!.deviceTimeNs - samples[0]!.deviceTimeNs).toBe(4_800_000n); // 192 ticks of 25 µs
  });

  it('MPU-9250 + AK8963 on BROAD trial 07 (fast rotation, 285.7 Hz → 200 Hz), 20 s, magnetometer through the bypass', async () => {
    let ak: Ak8963Emulator | undefined;
    const plain = await plainImu(BROAD_07, 'broad');
    const { samples, emulator } = await checkFifoImu({
      chip: 'MPU-9250',
      path: BROAD_07,
      format: 'broad',
      address: 0x68,
      emulator: (clock, recording) => {
        const mpu = new MpuEmulator({ clock, recording, chip: 'mpu9250' });
        ak = new Ak8963Emulator({ clock, recording, reachable: () => mpu.bypass });
        return mpu;
      },
      device: (o) => {
        const bus = o.openBus;
        return new Mpu9250Imu({
          ...o,
          openBus: async () => {
            const b = (await bus!()) as EmulatedI2cBus;
            b.attach(0x0c, ak!);
            return b;
          },
        });
      },
      gyroLsbRadps: DEG / 16.4,
      accelLsbMps2: G / 2048,
      seconds: 20,
      pollMs: 50,
    });
    // Each poll's samples carry the AK8963 sample taken at the last 10 ms step before the poll (hostTimeNs).
    const start = ak!.samplingStartNs!;
    const pairs = samples.map((s) => {
      const step = start + ((s.hostTimeNs! - start) / 10_000_000n) * 10_000_000n;
      return { got: s.magUt!, want: interp(plain, plain.mag!, Number(step - emulator.originNs)) };
    });
    const lsb = 0.15 * (1 + (177 - 128) * 0.5 / 128); // the largest adjusted LSB (ASA 177)
    const e = maxErrorLsb(pairs, lsb);
    report('MPU-9250/AK8963', 'mag (LSB = 0.15 µT × ASA adjustment)', e, samples.length);
    for (const x of e) expect(x).toBeLessThanOrEqual(1);
  });
});

describe('BNO055 (no FIFO, 100 Hz fusion output)', () => {
  it('decodes accel, gyro, mag and the reference quaternion of BROAD trial 07 within one LSB', async () => {
    const plain = await plainImu(BROAD_07, 'broad');
    const rec = await loadRecording(BROAD_07, 'broad');
    const { clock, bus, emulator } = makeBus(0x28, (c) => new Bno055Emulator({ clock: c, recording: rec }));
    const device = new Bno055Imu(rigOptions(clock, bus, 0x28));
    await device.open();
    const { samples, errors } = await run({ clock, device }, 4000, 5);
    expect(errors).toEqual([]);
    expect(samples.length).toBe(2001); // steps 0 … 2000 of 10 ms in 20 s of 5 ms polls
    const start = emulator.samplingStartNs!;
    const at = (s: ImuSample): number => Number(start + ((s.hostTimeNs! - start) / 10_000_000n) * 10_000_000n - emulator.originNs);
    const fourG = 4 * G;
    const accel = samples.map((s) => ({ got: s.accelMps2, want: interp(plain, plain.accel, at(s)).map((v) => Math.max(-fourG, Math.min(fourG, v))) }));
    const gyro = samples.map((s) => ({ got: s.gyroRadps, want: interp(plain, plain.gyro, at(s)) }));
    const mag = samples.map((s) => ({ got: s.magUt!, want: interp(plain, plain.mag!, at(s)) }));
    const quats = samples.flatMap((s) => {
      const t = at(s);
      const i = plain.tNs.findIndex((x) => x > t) - 1;
      const a = plain.quat![i]!;
      const b = plain.quat![i + 1]!;
      if (s.orientationWxyz === undefined || ![...a, ...b].every(Number.isFinite)) return [];
      const sign = a.reduce((acc, v, k) => acc + v * b[k]!, 0) < 0 ? -1 : 1;
      const f = (t - plain.tNs[i]!) / (plain.tNs[i + 1]! - plain.tNs[i]!);
      const q = a.map((v, k) => v + (sign * b[k]! - v) * f);
      const n = Math.hypot(...q);
      return [{ got: s.orientationWxyz, want: q.map((v) => v / n) }];
    });
    const e = { accel: maxErrorLsb(accel, 0.01), gyro: maxErrorLsb(gyro, 1 / 900), mag: maxErrorLsb(mag, 1 / 16), quat: maxErrorLsb(quats, 2 ** -14) };
    report('BNO055', 'accel', e.accel, samples.length);
    report('BNO055', 'gyro', e.gyro, samples.length);
    report('BNO055', 'mag', e.mag, samples.length);
    report('BNO055', 'quaternion w/x/y/z', e.quat, quats.length);
    expect(quats.length).toBeGreaterThan(1000);
    for (const x of Object.values(e).flat()) expect(x).toBeLessThanOrEqual(1);
    const steps = samples.map((s) => s.deviceTimeNs / 10_000_000n);
    expect(steps.every((k, i) => i === 0 || k === (steps[i - 1] ?? 0n) + 1n)).toBe(true); // one sample per 10 ms step
    await device.close();
  });
});
