/**
 * Property-based fuzzing (fast-check) of every I²C parser, alone and inside its driver:
 * - the decoders (MPU FIFO frames, ICM-42688-P packets, LSM6DSO tagged words, BNO055 burst, AK8963 status and
 *   data, MAX17048 and INA219 words) on random bytes of random length: they return, or throw only a
 *   SampleError naming the device and a byte offset inside what they were given;
 * - each driver's poll on a chip answering garbage (random status bytes, random FIFO counts, random FIFO
 *   bytes, truncated frames): the poll never throws, the device stays open, every queued error is a
 *   SampleError `imu0: byte N: …`, and once the real emulated chip is back the next polls deliver samples.
 * Seeds are fixed (fast-check `seed`), so failures replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../hal/emulators/i2c/clock.js';
import { Ak8963Emulator } from '../../../hal/emulators/i2c/ak8963.js';
import { Bno055Emulator } from '../../../hal/emulators/i2c/bno055.js';
import { Icm42688pEmulator } from '../../../hal/emulators/i2c/icm42688p.js';
import type { ImuChipEmulator } from '../../../hal/emulators/i2c/imu-emulator.js';
import { Lsm6dsoEmulator } from '../../../hal/emulators/i2c/lsm6dso.js';
import { MpuEmulator } from '../../../hal/emulators/i2c/mpu.js';
import { decodeAk8963 } from '../../../hal/i2c/ak8963.js';
import { Bno055Imu, decodeBno055 } from '../../../hal/i2c/bno055.js';
import type { I2cTarget } from '../../../hal/i2c/bus.js';
import { Icm42688pImu, decodeIcmPackets } from '../../../hal/i2c/icm42688p.js';
import { decodeIna219 } from '../../../hal/i2c/ina219.js';
import { Lsm6dsoImu, decodeLsmWords } from '../../../hal/i2c/lsm6dso.js';
import { decodeMax17048 } from '../../../hal/i2c/max17048.js';
import { MpuImu, decodeMpuFrames } from '../../../hal/i2c/mpu6050.js';
import { Mpu9250Imu } from '../../../hal/i2c/mpu9250.js';
import { SampleError } from '../../../hal/types.js';
import type { ImuSample } from '../../../hal/types.js';
import { BROAD_07, MH01_IMU0, loadRecording, makeBus, pollOnce, rigOptions } from './rig.js';
import type { Pollable } from './rig.js';

const SCALE = { gyroRadpsPerLsb: 1e-3, accelMps2PerLsb: 1e-3 };
const bytes = (max = 400): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const SEED = 20261121;

/** `fn` returns, or throws a SampleError of `imu0` at a byte offset in [lo, hi]. */
function onlySampleErrors(fn: () => unknown, lo: number, hi: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SampleError);
    checkError(err as SampleError, lo, hi);
  }
}

function checkError(err: Error, lo: number, hi: number): void {
  expect(err).toBeInstanceOf(SampleError);
  const e = err as SampleError;
  expect(e.deviceId).toBe('imu0');
  expect(e.message).toMatch(/^imu0: byte \d+: /);
  expect(e.where.byteOffset).toBeGreaterThanOrEqual(lo);
  expect(e.where.byteOffset).toBeLessThanOrEqual(hi);
}

describe('decoders on random bytes', () => {
  it('MPU FIFO frames: whole frames decode, a partial one is a SampleError at its offset', () => {
    fc.assert(
      fc.property(bytes(), fc.nat(1e6), (b, offset) => {
        const r = decodeMpuFrames('imu0', b, SCALE, offset);
        expect(r.frames.length).toBe(Math.floor(b.length / 14));
        if (r.error !== undefined) checkError(r.error, offset, offset + b.length);
        else expect(b.length % 14).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('ICM-42688-P packets: errors at packet offsets, decode stops at a bad header', () => {
    const packet = fc.tuple(fc.constantFrom(0x68, 0x69, 0x6a, 0x6b), fc.uint8Array({ minLength: 15, maxLength: 15 })).map(([h, rest]) => Uint8Array.from([h, ...rest]));
    const stream = fc.oneof(bytes(), fc.array(packet, { maxLength: 20 }).chain((ps) => fc.tuple(fc.constant(ps), fc.nat(16 * ps.length + 1), fc.integer({ min: 0, max: 255 }))).map(([ps, at, v]) => {
      const all = Uint8Array.from(ps.flatMap((p) => [...p]));
      if (at < all.length) all[at] = v; // one corrupt byte
      return all;
    }));
    fc.assert(
      fc.property(stream, fc.nat(1e6), (b, offset) => {
        const r = decodeIcmPackets('imu0', b, SCALE, offset);
        for (const e of r.errors) checkError(e, offset, offset + b.length);
        expect(r.packets.length).toBeLessThanOrEqual(Math.floor(b.length / 16));
        for (const p of r.packets) expect(p.tmst).toBeLessThan(65536);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('LSM6DSO tagged words: unknown tags are SampleErrors at their word, the rest decode', () => {
    fc.assert(
      fc.property(bytes(), fc.nat(1e6), (b, offset) => {
        const r = decodeLsmWords('imu0', b, SCALE, offset);
        for (const e of r.errors) checkError(e, offset, offset + b.length);
        expect(r.words.length + r.errors.length).toBeGreaterThanOrEqual(Math.floor(b.length / 7));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('BNO055 burst, AK8963 block, MAX17048 and INA219 words', () => {
    fc.assert(
      fc.property(bytes(40), bytes(8), bytes(4), (b, ak, w) => {
        onlySampleErrors(() => decodeBno055('imu0', b), 0, 32);
        onlySampleErrors(() => decodeAk8963('imu0', ak, [1, 1, 1]), 0, 8);
        const r = decodeMax17048(w, w.subarray(2));
        expect(Number.isFinite(r.voltageV) && Number.isFinite(r.socPercent) && Number.isFinite(r.cratePctPerH)).toBe(true);
        onlySampleErrors(() => decodeIna219('imu0', w, w.subarray(1), w.subarray(2), { currentLsbA: 1e-4, powerLsbW: 2e-3 }), 0, 2);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

/** A chip answering every read with the next bytes of `script` (cycling) and ignoring writes. */
class GarbageChip implements I2cTarget {
  #i = 0;
  constructor(readonly script: Uint8Array) {}
  write(): void {}
  read(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => (this.script.length === 0 ? 0 : (this.script[this.#i++ % this.script.length] ?? 0)));
  }
}

type Setup = { address: number; emulator: (c: ManualClock) => ImuChipEmulator; device: (o: ReturnType<typeof rigOptions>) => { open(): Promise<void>; close(): Promise<void>; readonly isOpen: boolean } & Pollable<ImuSample>; extra?: (rig: ReturnType<typeof makeBus>) => void };

async function fuzzDriver(setup: () => Promise<Setup>): Promise<void> {
  const s = await setup();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 6 }), async (scripts) => {
      const rig = makeBus(s.address, s.emulator);
      s.extra?.(rig);
      const device = s.device(rigOptions(rig.clock, rig.bus, s.address));
      await device.open();
      rig.clock.advanceMs(20);
      await pollOnce(device);
      for (const script of scripts) {
        // Garbage in every register read of one poll: status, FIFO count, FIFO data.
        rig.bus.attach(s.address, new GarbageChip(script));
        if (s.address !== 0x0c) rig.bus.attach(0x0c, new GarbageChip(script));
        const { errors } = await pollOnce(device);
        for (const e of errors) checkError(e, 0, Number.MAX_SAFE_INTEGER);
        expect(device.isOpen).toBe(true);
      }
      rig.bus.attach(s.address, rig.emulator);
      s.extra?.(rig);
      let samples = 0;
      for (let i = 0; i < 3 && samples === 0; i++) {
        rig.clock.advanceMs(20);
        const got = await pollOnce(device);
        for (const e of got.errors) checkError(e, 0, Number.MAX_SAFE_INTEGER);
        samples += got.samples.length;
      }
      expect(samples).toBeGreaterThan(0);
      expect(device.isOpen).toBe(true);
      await device.close();
    }),
    { seed: SEED, numRuns: 60 },
  );
}

describe('drivers polling a chip that answers garbage', () => {
  it('mpu6050', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    await fuzzDriver(async () => ({ address: 0x68, emulator: (clock) => new MpuEmulator({ clock, recording: rec }), device: (o) => new MpuImu({ ...o, odrHz: 1000 }) }));
  });

  it('mpu9250 (+ AK8963 garbage)', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    await fuzzDriver(async () => ({
      address: 0x68,
      emulator: (clock) => new MpuEmulator({ clock, recording: rec, chip: 'mpu9250' }),
      device: (o) => new Mpu9250Imu({ ...o, odrHz: 1000 }),
      extra: (rig) => rig.bus.attach(0x0c, new Ak8963Emulator({ clock: rig.clock, recording: rec, reachable: () => (rig.emulator as MpuEmulator).bypass })),
    }));
  });

  it('icm42688p', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    await fuzzDriver(async () => ({ address: 0x68, emulator: (clock) => new Icm42688pEmulator({ clock, recording: rec }), device: (o) => new Icm42688pImu({ ...o, odrHz: 1000 }) }));
  });

  it('lsm6dso', async () => {
    const rec = await loadRecording(MH01_IMU0, 'euroc');
    await fuzzDriver(async () => ({ address: 0x6a, emulator: (clock) => new Lsm6dsoEmulator({ clock, recording: rec }), device: (o) => new Lsm6dsoImu({ ...o, odrHz: 833 }) }));
  });

  it('bno055', async () => {
    const rec = await loadRecording(BROAD_07, 'broad');
    await fuzzDriver(async () => ({ address: 0x28, emulator: (clock) => new Bno055Emulator({ clock, recording: rec }), device: (o) => new Bno055Imu(o) }));
  });
});
