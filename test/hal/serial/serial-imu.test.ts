/**
 * serial-imu (KIMU v1) against its emulator: the x-IMU3 recording (100 Hz, gyro + accel + mag) as int16
 * frames and EuRoC MH_01 imu0 (200 Hz) as int32 frames with a u32 tick counter that wraps, through
 * MockBinding in arbitrary chunks. Checks the contract, the INFO handshake, values within ±0.5 LSB, sequence
 * gaps, CRC errors with byte offsets, and re-synchronisation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KIMU_TYPE, crc16CcittFalse, encodeFrame } from '../../../hal/serial/kimu-protocol.js';
import { SerialImu } from '../../../hal/serial/serial-imu.js';
import { SerialEmulator } from '../../../hal/emulators/serial/mock-serial.js';
import type { TimedBlock } from '../../../hal/emulators/serial/mock-serial.js';
import { int16Info, int32Info, kimuStreamFromRecording } from '../../../hal/emulators/serial/kimu-emulator.js';
import type { KimuStream } from '../../../hal/emulators/serial/kimu-emulator.js';
import { readEurocImuRecording, readXioRecording } from '../../../hal/emulators/serial/recordings.js';
import type { ImuRecording } from '../../../hal/emulators/serial/recordings.js';
import type { ImuSample } from '../../../hal/types.js';
import { imuContract } from '../contract/imu.js';
import { MH01_IMU_CSV, XIO_CSV, readLive } from './helpers.js';

let xio: ImuRecording;
let euroc: ImuRecording;
let xioStream: KimuStream;
let eurocStream: KimuStream;

beforeAll(async () => {
  xio = await readXioRecording(XIO_CSV);
  euroc = await readEurocImuRecording(MH01_IMU_CSV);
  xioStream = kimuStreamFromRecording(xio, int16Info(xio));
  // Start 2 s before the u32 µs counter wraps, so the wrap happens in the stream.
  eurocStream = kimuStreamFromRecording(euroc, int32Info(euroc), { startTicks: 2 ** 32 - 2_000_000 });
});

const device = (emulator: SerialEmulator, id = 'imu1'): SerialImu => new SerialImu({ id, path: '/dev/ttyACM0', ports: emulator.ports, infoTimeoutMs: 5000 });

imuContract('serial-imu, x-IMU3 int16 + mag through MockBinding (first 1,000 samples)', {
  create: () => device(new SerialEmulator({ blocks: xioStream.blocks, seed: 21 })),
  maxSamples: 1000,
});
imuContract('serial-imu, EuRoC MH_01 imu0 int32 with a u32 tick wrap (first 1,000 samples)', {
  create: () => device(new SerialEmulator({ blocks: eurocStream.blocks, seed: 22 })),
  maxSamples: 1000,
});

/** Largest |decoded − recorded| in LSB over xyz of every sample. */
function maxLsb(samples: ImuSample[], rec: ImuRecording, rows: number[], pick: (s: ImuSample) => readonly number[] | undefined, recorded: Float64Array | undefined, scale: number): number {
  let worst = 0;
  samples.forEach((s, i) => {
    const v = pick(s);
    const r = rows[i] as number;
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(((v?.[k] ?? Number.NaN) - (recorded?.[3 * r + k] ?? Number.NaN)) / scale));
  });
  return worst;
}

describe('serial-imu decoding', () => {
  it('asks for INFO on open and decodes the x-IMU3 recording to within ±0.5 LSB', async () => {
    const emulator = new SerialEmulator({ blocks: xioStream.blocks, seed: 31, maxChunk: 300 });
    const imu = device(emulator);
    await imu.open();
    expect(imu.info.nominalRateHz).toBeCloseTo(99.212, 3); // the x-IMU3's median interval is 10.079 ms
    expect(imu.info).toMatchObject({ hasMagnetometer: true, driver: 'serial-imu', source: 'serial:/dev/ttyACM0@115200' });
    const { samples, errors } = await readLive<ImuSample>(imu, xioStream.samples.length);
    await imu.close();
    expect(errors).toEqual([]);
    expect(samples.length).toBe(xio.n);
    // The host's first write is an INFO_REQUEST: sync, version 1, type 0x10, seq 0, no payload, CRC.
    const request = emulator.written[0];
    expect(request?.subarray(0, 7)).toEqual(Buffer.from([0xa5, 0x5a, 1, KIMU_TYPE.infoRequest, 0, 0, 0]));
    expect(request?.readUInt16LE(7)).toBe(crc16CcittFalse(request ?? Buffer.alloc(0), 2, 7));
    const rows = xioStream.samples.map((s) => s.row);
    const info = xioStream.info;
    const gyro = maxLsb(samples, xio, rows, (s) => s.gyroRadps, xio.gyroRadps, info.gyroScale);
    const accel = maxLsb(samples, xio, rows, (s) => s.accelMps2, xio.accelMps2, info.accelScale);
    const mag = maxLsb(samples, xio, rows, (s) => s.magUt, xio.magUt, info.magScale);
    console.log(`serial-imu x-IMU3 int16: ${samples.length} samples; max error gyro ${gyro.toFixed(3)}, accel ${accel.toFixed(3)}, mag ${mag.toFixed(3)} LSB; dropped ${imu.protocolStats.droppedFrames}`);
    for (const e of [gyro, accel, mag]) expect(e).toBeLessThanOrEqual(0.5 + 1e-6);
    samples.forEach((s, i) => expect(s.deviceTimeNs).toBe(BigInt(xioStream.samples[i]?.ticks ?? 0) * 1000n));
    expect(imu.protocolStats.droppedFrames).toBe(0);
  });

  it('decodes int32 EuRoC samples across the u32 tick wrap with a continuous device clock', async () => {
    const imu = device(new SerialEmulator({ blocks: eurocStream.blocks, seed: 41, maxChunk: 500 }));
    await imu.open();
    const { samples, errors } = await readLive<ImuSample>(imu, eurocStream.samples.length);
    await imu.close();
    expect(errors).toEqual([]);
    expect(samples.length).toBe(euroc.n);
    const rows = eurocStream.samples.map((s) => s.row);
    const gyro = maxLsb(samples, euroc, rows, (s) => s.gyroRadps, euroc.gyroRadps, eurocStream.info.gyroScale);
    const accel = maxLsb(samples, euroc, rows, (s) => s.accelMps2, euroc.accelMps2, eurocStream.info.accelScale);
    console.log(`serial-imu EuRoC int32: ${samples.length} samples; max error gyro ${gyro.toFixed(3)}, accel ${accel.toFixed(3)} LSB`);
    expect(Math.max(gyro, accel)).toBeLessThanOrEqual(0.5 + 1e-6);
    // Device time = (2^32 − 2e6 + recorded µs) × 1000 ns: monotonic through the wrap, matching the recording to 1 µs.
    samples.forEach((s, i) => {
      const expectedNs = (2 ** 32 - 2_000_000 + Math.round((euroc.tS[i] as number) * 1e6)) * 1000;
      expect(Number(s.deviceTimeNs)).toBe(expectedNs);
    });
  });

  it('counts sequence gaps, reports CRC failures at their byte offset and goes on', async () => {
    const blocks: TimedBlock[] = xioStream.blocks.slice(0, 400);
    let offset = 0;
    const damaged: TimedBlock[] = [];
    const crcOffsets: number[] = [];
    let dropped = 0;
    let samplesKept = 0;
    blocks.forEach((b, i) => {
      if (i > 5 && i % 37 === 0) {
        dropped += 1; // removed from the stream: a sequence gap of one
        return;
      }
      const bytes = Buffer.from(b.bytes);
      if (i > 5 && i % 53 === 0) {
        bytes[10] = (bytes[10] as number) ^ 0x01; // one bit flipped in the payload
        crcOffsets.push(offset);
      } else if (bytes[3] === KIMU_TYPE.sample) samplesKept += 1;
      damaged.push({ tS: b.tS, bytes });
      offset += bytes.length;
    });
    const imu = device(new SerialEmulator({ blocks: damaged, seed: 51 }));
    await imu.open();
    const { samples, errors } = await readLive<ImuSample>(imu, samplesKept);
    await imu.close();
    expect(samples.length).toBe(samplesKept);
    const crcErrors = errors.filter((e) => /CRC mismatch/.test(e.message));
    expect(crcErrors.map((e) => e.message.split(':')[1]?.trim())).toEqual(crcOffsets.map((o) => `byte ${o}`));
    expect(crcErrors[0]?.message).toMatch(/^imu1: byte \d+: KIMU CRC mismatch: frame says 0x[0-9a-f]{4}, computed 0x[0-9a-f]{4}/);
    // A frame lost to a CRC error is a gap in the sequence too.
    expect(imu.protocolStats.droppedFrames).toBe(dropped + crcOffsets.length);
  });

  it('fails open() with a DeviceError when no INFO arrives, and honours a given INFO', async () => {
    const samplesOnly = xioStream.blocks.filter((b) => b.bytes[3] === KIMU_TYPE.sample).slice(0, 50);
    const silent = new SerialImu({ id: 'imu1', path: '/dev/ttyACM0', ports: new SerialEmulator({ blocks: samplesOnly }).ports, infoTimeoutMs: 50 });
    await expect(silent.open()).rejects.toThrow('imu1: no KIMU INFO message within 50 ms on serial:/dev/ttyACM0@115200: is the firmware sending KIMU v1 at this baud rate?');
    const given = new SerialImu({ id: 'imu1', path: '/dev/ttyACM0', ports: new SerialEmulator({ blocks: samplesOnly }).ports, info: xioStream.info });
    await given.open();
    const { samples } = await readLive<ImuSample>(given, 50);
    await given.close();
    expect(samples.length).toBe(50);
  });

  it('answers an INFO_REQUEST mid-stream: samples before INFO are counted, not decoded', async () => {
    const samplesOnly = xioStream.blocks.filter((b) => b.bytes[3] === KIMU_TYPE.sample).slice(0, 200);
    const emulator = new SerialEmulator({ blocks: samplesOnly, seed: 2, respond: (w) => (w[3] === KIMU_TYPE.infoRequest ? encodeFrame(KIMU_TYPE.info, 0, Buffer.from(xioStream.infoFrame().subarray(7, 39))) : undefined) });
    const imu = device(emulator);
    await imu.open();
    await emulator.finished;
    await new Promise((r) => setTimeout(r, 20));
    const decoded = imu.stats.received;
    expect(decoded + imu.protocolStats.samplesBeforeInfo).toBe(200);
    expect(decoded).toBeGreaterThan(0);
    await imu.close();
  });
});
