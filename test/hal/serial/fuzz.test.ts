/**
 * Property-based fuzzing (fast-check) of the serial frame parsers: the RVC and KIMU decoders on random bytes,
 * truncated and bit-flipped real streams cut into random chunks, and both drivers end to end through
 * MockBinding. Properties: no throw (the decoders) and only SampleErrors (the drivers), no hang (every run is
 * bounded and finishes), every error names the device and a byte offset inside the stream, and the valid
 * frames that follow garbage decode, all of them.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KimuDecoder } from '../../../hal/serial/kimu-decoder.js';
import { RvcDecoder } from '../../../hal/serial/rvc-decoder.js';
import { Bno08xRvc } from '../../../hal/serial/bno08x-rvc.js';
import { SerialImu } from '../../../hal/serial/serial-imu.js';
import { SerialEmulator } from '../../../hal/emulators/serial/mock-serial.js';
import type { TimedBlock } from '../../../hal/emulators/serial/mock-serial.js';
import { int16Info, kimuStreamFromRecording } from '../../../hal/emulators/serial/kimu-emulator.js';
import type { KimuStream } from '../../../hal/emulators/serial/kimu-emulator.js';
import { readBroadRecording, readXioRecording } from '../../../hal/emulators/serial/recordings.js';
import { rvcFramesFromRecording } from '../../../hal/emulators/serial/rvc-emulator.js';
import type { ImuSample } from '../../../hal/types.js';
import { BROAD_07, XIO_CSV, drainStream } from './helpers.js';

let rvcFrames: Buffer[] = [];
let kimu: KimuStream;

beforeAll(async () => {
  rvcFrames = rvcFramesFromRecording(await readBroadRecording(BROAD_07), 400).blocks.map((b) => b.bytes);
  const xio = await readXioRecording(XIO_CSV);
  kimu = kimuStreamFromRecording(xio, int16Info(xio), { maxRows: 300 });
});

/** Splits `bytes` at the given cut points (fractions). */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** A damaged copy: bit flips at random places, then truncated. */
const damage = fc.record({ flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 7 })), { maxLength: 20 }), keep: fc.double({ min: 0, max: 1, noNaN: true }) });

function applyDamage(bytes: Buffer, d: { flips: [number, number][]; keep: number }): Buffer {
  const out = Buffer.from(bytes);
  for (const [where, bit] of d.flips) {
    const i = Math.floor(where * out.length);
    out[i] = (out[i] as number) ^ (1 << bit);
  }
  return out.subarray(0, Math.floor(d.keep * out.length));
}

const garbage = fc.uint8Array({ maxLength: 300 });
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

describe('RVC decoder fuzz', () => {
  it('never throws on random or damaged bytes; errors lie inside the stream', () => {
    fc.assert(
      fc.property(garbage, damage, cuts, (junk, d, c) => {
        const stream = Buffer.concat([Buffer.from(junk), applyDamage(Buffer.concat(rvcFrames.slice(0, 40)), d)]);
        const decoder = new RvcDecoder();
        for (const chunk of chunked(stream, c)) {
          decoder.push(chunk, {
            frame: (f) => expect(f.byteOffset).toBeLessThanOrEqual(stream.length - 19),
            error: (e) => expect(e.byteOffset >= 0 && e.byteOffset < stream.length).toBe(true),
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every valid frame that follows garbage', () => {
    fc.assert(
      fc.property(garbage, cuts, (junk, c) => {
        const valid = rvcFrames.slice(0, 30);
        const stream = Buffer.concat([Buffer.from(junk), ...valid]);
        const decoded: number[] = [];
        const decoder = new RvcDecoder();
        for (const chunk of chunked(stream, c)) decoder.push(chunk, { frame: (f) => decoded.push(f.byteOffset), error: () => undefined });
        const tail = decoded.slice(-valid.length);
        expect(tail).toEqual(valid.map((_, i) => junk.length + 19 * i));
      }),
      { numRuns: 300 },
    );
  });
});

describe('KIMU decoder fuzz', () => {
  it('never throws on random or damaged bytes; errors lie inside the stream', () => {
    fc.assert(
      fc.property(garbage, damage, cuts, (junk, d, c) => {
        const stream = Buffer.concat([Buffer.from(junk), applyDamage(Buffer.concat(kimu.blocks.slice(0, 40).map((b) => b.bytes)), d)]);
        const decoder = new KimuDecoder();
        for (const chunk of chunked(stream, c)) {
          decoder.push(chunk, { frame: () => undefined, error: (e) => expect(e.byteOffset >= 0 && e.byteOffset < stream.length).toBe(true) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every valid frame that follows garbage', () => {
    fc.assert(
      fc.property(garbage, cuts, (junk, c) => {
        const valid = kimu.blocks.slice(0, 30).map((b) => b.bytes);
        const stream = Buffer.concat([Buffer.from(junk), ...valid]);
        const seqs: number[] = [];
        const decoder = new KimuDecoder();
        for (const chunk of chunked(stream, c)) decoder.push(chunk, { frame: (f) => seqs.push(f.seq), error: () => undefined });
        expect(seqs.slice(-valid.length)).toEqual(valid.map((b) => b.readUInt16LE(4)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('serial drivers end to end under fuzz', () => {
  /** Runs a driver on junk + damaged frames + a valid tail; checks the errors and that the tail decodes. */
  async function endToEnd(kind: 'rvc' | 'kimu', junk: Uint8Array, d: { flips: [number, number][]; keep: number }, seed: number): Promise<void> {
    const frames = kind === 'rvc' ? rvcFrames : kimu.blocks.map((b) => b.bytes);
    // KIMU: the INFO frame first, so that the driver can decode.
    const head = kind === 'kimu' ? [frames[0] as Buffer] : [];
    const tail = frames.slice(100, 120);
    const blocks: TimedBlock[] = [...head, Buffer.from(junk), applyDamage(Buffer.concat(frames.slice(1, 60)), d), ...tail].map((bytes) => ({ tS: 0, bytes }));
    const total = blocks.reduce((n, b) => n + b.bytes.length, 0);
    const ports = new SerialEmulator({ blocks, seed, maxChunk: 97 }).ports;
    const imu = kind === 'rvc' ? new Bno08xRvc({ id: 'imu0', path: '/dev/ttyUSB0', ports, queueCapacity: 4096 }) : new SerialImu({ id: 'imu0', path: '/dev/ttyUSB0', ports, queueCapacity: 4096 });
    await imu.open();
    const { samples, errors } = await drainStream<ImuSample>(imu, total);
    await imu.close();
    for (const e of errors) {
      expect(e.name).toBe('SampleError');
      const offset = Number(/^imu0: byte (\d+): /.exec(e.message)?.[1]);
      expect(offset >= 0 && offset < total).toBe(true);
    }
    // The valid tail decodes, every frame of it, as the last samples (KIMU tail frames may include an INFO).
    const tailSamples = kind === 'rvc' ? tail.length : tail.filter((b) => b[3] === 0x02).length;
    expect(samples.length).toBeGreaterThanOrEqual(tailSamples);
    for (const s of samples.slice(-tailSamples)) expect(s.accelMps2.every(Number.isFinite)).toBe(true);
  }

  it('bno08x-rvc: only SampleErrors naming the device and a byte offset; the valid tail decodes', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, damage, fc.integer({ min: 1, max: 1000 }), (junk, d, seed) => endToEnd('rvc', junk, d, seed)),
      { numRuns: 40 },
    );
  });

  it('serial-imu: only SampleErrors naming the device and a byte offset; the valid tail decodes', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, damage, fc.integer({ min: 1, max: 1000 }), (junk, d, seed) => endToEnd('kimu', junk, d, seed)),
      { numRuns: 40 },
    );
  });
});
