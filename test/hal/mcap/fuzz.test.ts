/**
 * Property-based fuzzing (fast-check) of the MCAP reading path on a real recording (the sample session's
 * first 2 s of EuRoC IMU, JFK speech, Pi thermal and UPS battery traces in 16 KiB chunks; the cameras are
 * left out to keep runs fast): truncated files and flipped bytes never make the reader throw anything but the documented
 * errors, never hang, report damage with a byte offset inside the file, and still deliver every message of the
 * chunks before the damage. Through the `mcap` driver, every error is a SampleError or DeviceError that
 * names the device (and, for samples, the file and byte offset).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McapDevice } from '../../../hal/mcap/device.js';
import { McapFormatError, scanMcap } from '../../../hal/mcap/scan.js';
import { loadSession } from '../../../hal/session/index.js';
import { DeviceError, SampleError } from '../../../hal/types.js';
import { recordSession } from '../../../src/record/record.js';
import { SAMPLE_SESSION } from '../../record/helpers.js';
import { tmpFolder } from '../data.js';

interface Seen {
  readonly messages: string[];
  readonly damage: { offset: number; message: string }[];
  readonly complete: boolean;
  /** Offsets of the records holding messages (chunks), in order, each once. */
  readonly chunkOffsets: number[];
  readonly offsets: number[];
}

let dir = '';
let remove: () => Promise<void> = async () => undefined;
let original = new Uint8Array();
let clean: Seen;

async function scan(file: string): Promise<Seen> {
  const seen: Seen = { messages: [], damage: [], complete: false, chunkOffsets: [], offsets: [] };
  let complete = false;
  for await (const item of scanMcap(file)) {
    if (item.type === 'message') {
      seen.messages.push(`${item.message.channelId}:${item.message.publishTime}:${Buffer.from(item.message.data).toString('base64')}`);
      seen.offsets.push(item.offset);
      if (seen.chunkOffsets.at(-1) !== item.offset) seen.chunkOffsets.push(item.offset);
    }
    if (item.type === 'damage') seen.damage.push({ offset: item.offset, message: item.message });
    if (item.type === 'end') complete = item.complete;
  }
  return { ...seen, complete };
}

/** Messages of the chunks that end before `offset` (a chunk ends where the next one starts). */
function intactBefore(offset: number): string[] {
  const n = clean.chunkOffsets.findIndex((start, i) => (clean.chunkOffsets[i + 1] ?? Number.POSITIVE_INFINITY) > offset && start >= 0);
  const limit = n < 0 ? clean.chunkOffsets.length : n;
  const lastChunk = clean.chunkOffsets[limit - 1];
  return lastChunk === undefined ? [] : clean.messages.filter((_, i) => (clean.offsets[i] ?? 0) <= lastChunk);
}

/** Channel id of imu0 in the clean file (channels are numbered in device order from 0). */
const imuChannel = (): number => 0;

beforeAll(async () => {
  ({ dir, remove } = await tmpFolder('mcap-fuzz'));
  const file = join(dir, 'small.mcap');
  const session = await loadSession(SAMPLE_SESSION);
  await recordSession(session, { out: file, durationS: 2, chunkSizeBytes: 16 * 1024, topics: ['imu0', 'mic', 'soc', 'battery'], fsync: 'none' });
  await session.close();
  original = new Uint8Array(await readFile(file));
  clean = await scan(file);
});
afterAll(async () => remove());

describe('MCAP reader under damage (fast-check)', () => {
  it('reads the undamaged recording completely (the baseline)', () => {
    expect(clean.complete).toBe(true);
    expect(clean.damage).toEqual([]);
    expect(clean.messages.length).toBe(401 + 63 + 3 + 1);
    expect(clean.chunkOffsets.length).toBeGreaterThan(10);
  });

  it('a file cut at any byte: no throw, no hang, the messages of every whole chunk before the cut', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 8, max: original.length - 1 }), async (cut) => {
        const file = join(dir, `cut-${n++}.mcap`);
        await writeFile(file, original.subarray(0, cut));
        const seen = await scan(file);
        expect(seen.complete).toBe(cut >= original.length - 8); // only the trailing magic may be missing
        expect(seen.messages).toEqual(clean.messages.slice(0, seen.messages.length)); // a prefix, nothing invented
        expect(seen.messages.slice(0, intactBefore(cut).length)).toEqual(intactBefore(cut));
        for (const d of seen.damage) expect(d.offset).toBeLessThanOrEqual(cut);
      }),
      { numRuns: 150, seed: 4 },
    );
  });

  it('flipped bytes: no throw but McapFormatError (magic), damage named by byte offset, earlier chunks delivered', async () => {
    let n = 0;
    const flips = fc.array(fc.record({ at: fc.integer({ min: 0, max: original.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(flips, async (list) => {
        const bytes = Uint8Array.from(original);
        for (const f of list) bytes[f.at] = (bytes[f.at] ?? 0) ^ f.xor;
        const file = join(dir, `flip-${n++}.mcap`);
        await writeFile(file, bytes);
        const first = Math.min(...list.map((f) => f.at));
        let seen: Seen;
        try {
          seen = await scan(file);
        } catch (err) {
          expect(err).toBeInstanceOf(McapFormatError);
          expect(first).toBeLessThan(8);
          expect((err as Error).message).toBe(`${file}: byte 0: not an MCAP file (no MCAP magic)`);
          return;
        }
        for (const d of seen.damage) {
          expect(d.offset).toBeGreaterThanOrEqual(8);
          expect(d.offset).toBeLessThan(bytes.length);
          expect(d.message).not.toBe('');
        }
        const intact = intactBefore(first);
        expect(seen.messages.slice(0, intact.length)).toEqual(intact);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a damaged chunk in the middle: one SampleError naming imu0, the file and the chunk offset, then the rest', async () => {
    const middle = clean.chunkOffsets[Math.floor(clean.chunkOffsets.length / 2)] ?? 0;
    const bytes = Uint8Array.from(original);
    bytes[middle + 60] = (bytes[middle + 60] ?? 0) ^ 0x5a; // inside the compressed records of the chunk
    const file = join(dir, 'middle.mcap');
    await writeFile(file, bytes);
    const device = new McapDevice({ id: 'imu0', kind: 'imu', path: file });
    await device.open();
    const errors: SampleError[] = [];
    const stamps: bigint[] = [];
    for (;;) {
      try {
        const s = await device.read();
        if (s === null) break;
        stamps.push(s.deviceTimeNs);
      } catch (err) {
        if (!(err instanceof SampleError)) throw err;
        errors.push(err);
      }
    }
    await device.close();
    expect(errors.map((e) => e.where)).toEqual([{ file, byteOffset: middle }]);
    expect(errors[0]?.message).toMatch(new RegExp(`^imu0: ${file} byte ${middle}: chunk: `));
    const lost = clean.offsets.filter((o, i) => o === middle && (clean.messages[i] ?? '').startsWith(`${imuChannel()}:`)).length;
    expect(lost).toBeGreaterThan(0);
    expect(stamps.length).toBe(401 - lost); // everything before and after the damaged chunk
    console.info(`damaged chunk at byte ${middle}: ${errors[0]?.message}; ${lost} IMU samples lost, ${stamps.length} delivered`);
  });

  it('through the mcap driver: only SampleError (device, file, byte) or DeviceError (device), and the stream goes on', async () => {
    let n = 0;
    const flips = fc.array(fc.record({ at: fc.integer({ min: 0, max: original.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(flips, async (list) => {
        const bytes = Uint8Array.from(original);
        for (const f of list) bytes[f.at] = (bytes[f.at] ?? 0) ^ f.xor;
        const file = join(dir, `dev-${n++}.mcap`);
        await writeFile(file, bytes);
        const device = new McapDevice({ id: 'imu0', kind: 'imu', path: file });
        try {
          await device.open();
        } catch (err) {
          expect(err).toBeInstanceOf(DeviceError);
          expect((err as DeviceError).deviceId).toBe('imu0');
          return;
        }
        let samples = 0;
        for (let reads = 0; reads < 10_000; reads++) {
          try {
            if ((await device.read()) === null) break;
            samples += 1;
          } catch (err) {
            if (!(err instanceof SampleError)) throw err;
            expect(err.deviceId).toBe('imu0');
            expect(err.where.file).toBe(file);
            expect(err.message).toMatch(new RegExp(`^imu0: .* byte \\d+: `));
          }
        }
        expect(await device.read()).toBeNull();
        expect(samples).toBeLessThanOrEqual(401);
        await device.close();
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
