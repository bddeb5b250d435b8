/**
 * bno08x-rvc against its emulator: the BROAD trial 07 (fast rotation) reference attitude and accelerometer,
 * encoded as UART-RVC frames at 100 Hz and delivered through serialport's MockBinding in chunks of 1..64
 * bytes. Checks the device contract, that the decoded values equal the recording within the format's
 * quantisation (0.01°, 1 mg), the derived rate, re-synchronisation after garbage, and dropped-frame counting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Bno08xRvc } from '../../../hal/serial/bno08x-rvc.js';
import { RVC_ACCEL_MPS2_PER_LSB } from '../../../hal/serial/rvc-decoder.js';
import { SerialEmulator, mulberry32 } from '../../../hal/emulators/serial/mock-serial.js';
import type { TimedBlock } from '../../../hal/emulators/serial/mock-serial.js';
import { readBroadRecording } from '../../../hal/emulators/serial/recordings.js';
import type { ImuRecording } from '../../../hal/emulators/serial/recordings.js';
import { encodeRvcFrame, rvcFramesFromRecording } from '../../../hal/emulators/serial/rvc-emulator.js';
import type { RvcEmitted } from '../../../hal/emulators/serial/rvc-emulator.js';
import type { ImuSample } from '../../../hal/types.js';
import { imuContract } from '../contract/imu.js';
import { BROAD_07, readLive } from './helpers.js';

let rec: ImuRecording;
let blocks: TimedBlock[] = [];
let emitted: RvcEmitted[] = [];

beforeAll(async () => {
  rec = await readBroadRecording(BROAD_07);
  ({ blocks, emitted } = rvcFramesFromRecording(rec));
});

const device = (emulator: SerialEmulator): Bno08xRvc => new Bno08xRvc({ id: 'imu0', path: '/dev/ttyUSB0', ports: emulator.ports });

imuContract('bno08x-rvc, BROAD trial 07 through MockBinding (first 1,500 frames)', {
  create: () => device(new SerialEmulator({ blocks, seed: 7 })),
  maxSamples: 1500,
});

/** Angle between two unit quaternions, degrees. */
function angleDeg(a: readonly number[], b: readonly number[]): number {
  const dot = Math.abs(a.reduce((s, v, i) => s + v * (b[i] as number), 0));
  return (2 * Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}

describe('bno08x-rvc decoding', () => {
  it('decodes every frame of the recording to within the RVC quantisation', async () => {
    const emulator = new SerialEmulator({ blocks, seed: 11, maxChunk: 200 });
    const imu = device(emulator);
    await imu.open();
    const { samples, errors } = await readLive<ImuSample>(imu, emitted.length);
    await imu.close();
    expect(errors).toEqual([]);
    expect(samples.length).toBe(emitted.length);
    expect(emitted.length).toBeGreaterThan(17_000);
    let maxAngleDeg = 0;
    let maxAccelLsb = 0;
    let sumSqRate = 0;
    let rateCount = 0;
    samples.forEach((s, i) => {
      const e = emitted[i] as RvcEmitted;
      // The device clock starts at the first frame's index (RVC has no absolute time).
      expect(s.deviceTimeNs - (samples[0]?.deviceTimeNs ?? 0n)).toBe(BigInt(e.frame - (emitted[0]?.frame ?? 0)) * 10_000_000n);
      expect(typeof s.hostTimeNs).toBe('bigint');
      const r = e.row;
      const ref = [0, 1, 2, 3].map((k) => rec.refWxyz?.[4 * r + k] as number);
      const n = Math.hypot(...ref);
      maxAngleDeg = Math.max(maxAngleDeg, angleDeg(s.orientationWxyz ?? [1, 0, 0, 0], ref.map((v) => v / n)));
      for (let k = 0; k < 3; k++) {
        maxAccelLsb = Math.max(maxAccelLsb, Math.abs(((s.accelMps2[k] as number) - (rec.accelMps2[3 * r + k] as number)) / RVC_ACCEL_MPS2_PER_LSB));
      }
      const prev = emitted[i - 1];
      if (prev !== undefined && prev.frame === e.frame - 1) {
        for (let k = 0; k < 3; k++) sumSqRate += ((s.gyroRadps[k] as number) - (rec.gyroRadps[3 * r + k] as number)) ** 2;
        rateCount += 3;
      }
    });
    console.log(`bno08x-rvc: ${samples.length} frames; max attitude error ${maxAngleDeg.toFixed(4)}° ; max accel error ${maxAccelLsb.toFixed(3)} LSB (1 mg); derived rate vs measured gyro RMS ${Math.sqrt(sumSqRate / rateCount).toFixed(3)} rad/s; dropped (occluded reference) ${imu.droppedFrames}`);
    // 0.005° per angle, composed over three rotations: the attitude is within 0.015°.
    expect(maxAngleDeg).toBeLessThan(0.015);
    expect(maxAccelLsb).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(imu.droppedFrames).toBe((emitted.at(-1)?.frame ?? 0) - (emitted[0]?.frame ?? 0) + 1 - emitted.length);
  });

  it('re-synchronises after garbage and corrupt frames, naming the device and the byte offset', async () => {
    const random = mulberry32(99);
    const some = blocks.slice(0, 300);
    const noisy: TimedBlock[] = [];
    const expectedOffsets: number[] = [];
    let offset = 0;
    let kept = 0;
    some.forEach((b, i) => {
      if (i % 50 === 25) {
        const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256) & 0x7f));
        noisy.push({ tS: b.tS, bytes: garbage });
        expectedOffsets.push(offset);
        offset += garbage.length;
      }
      if (i % 50 === 40) {
        const bad = Buffer.from(b.bytes);
        bad[5] = (bad[5] as number) ^ 0x10;
        noisy.push({ tS: b.tS, bytes: bad });
        expectedOffsets.push(offset);
        offset += bad.length;
        return;
      }
      noisy.push(b);
      offset += b.bytes.length;
      kept += 1;
    });
    const imu = device(new SerialEmulator({ blocks: noisy, seed: 3 }));
    await imu.open();
    const { samples, errors } = await readLive<ImuSample>(imu, kept);
    await imu.close();
    expect(samples.length).toBe(kept);
    // Each garbage run is one error at its first byte; each corrupt frame is a checksum error at its header
    // and then a run of its remaining bytes.
    const offsets = errors.map((e) => Number(/byte (\d+)/.exec(e.message)?.[1]));
    for (const o of expectedOffsets) expect(offsets).toContain(o);
    for (const e of errors) expect(e.message).toMatch(/^imu0: byte \d+: /);
    expect(errors.some((e) => /RVC checksum mismatch/.test(e.message))).toBe(true);
    expect(imu.stats.sampleErrors).toBe(errors.length);
  });

  it('counts a gap in the frame index as dropped frames and keeps the device clock on the index', async () => {
    const frames = [0, 1, 2, 5, 6, 255, 0, 1].map((index, i) => ({ tS: i / 100, bytes: encodeRvcFrame(index, 100 * i, 0, 0, [0, 0, 1000]) }));
    const imu = device(new SerialEmulator({ blocks: frames, seed: 5, maxChunk: 3 }));
    await imu.open();
    const { samples } = await readLive<ImuSample>(imu, frames.length);
    await imu.close();
    expect(samples.map((s) => Number(s.deviceTimeNs / 10_000_000n))).toEqual([0, 1, 2, 5, 6, 255, 256, 257]);
    expect(imu.droppedFrames).toBe(2 + 248);
    // Yaw turns 1° per frame slot here: derived rate ≈ 1°/0.01 s about z (first sample: 0, documented).
    expect(samples[0]?.gyroRadps).toEqual([0, 0, 0]);
    expect(samples[1]?.gyroRadps[2]).toBeCloseTo((1 * Math.PI) / 180 / 0.01, 6);
  });

  it('refuses a missing port with a DeviceError naming the device and the path', async () => {
    const imu = new Bno08xRvc({ id: 'imu0', path: '/dev/ttyKARANA-NOPE' });
    await expect(imu.open()).rejects.toThrow(/^imu0: cannot open \/dev\/ttyKARANA-NOPE at 115200 baud: .*(no such serial device|ENOENT|No such file)/);
  });
});
