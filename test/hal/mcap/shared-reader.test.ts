/**
 * The shared reader (`hal/mcap/shared-reader.ts`) on a real recording (the sample session's first 2 s of
 * EuRoC IMU, JFK speech, Pi thermal and UPS battery traces, 16 KiB chunks): the devices of one file opened
 * together make one pass over it; the per-device queues stay within their bounds (back-pressure); a device
 * that is not read is detached after the stall and later resumes alone without losing or repeating a message;
 * a closed device stops receiving; re-opening replays from the start. Property (fast-check): on damaged and
 * truncated copies, under random read schedules and queue bounds, every device of a shared pass gets exactly
 * what it gets when opened alone — samples, SampleErrors (file, byte offset) and their order.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSample } from '../../../hal/mcap/codec.js';
import type { AnySample } from '../../../hal/mcap/codec.js';
import { McapDevice } from '../../../hal/mcap/device.js';
import type { McapDeviceOptions } from '../../../hal/mcap/device.js';
import { openMcapSession } from '../../../hal/mcap/session.js';
import { joinPass, sharedReaderStats } from '../../../hal/mcap/shared-reader.js';
import type { SharedReaderLimits } from '../../../hal/mcap/shared-reader.js';
import { loadSession } from '../../../hal/session/index.js';
import type { DeviceKind } from '../../../hal/types.js';
import { SampleError } from '../../../hal/types.js';
import { recordSession } from '../../../src/record/record.js';
import { SAMPLE_SESSION } from '../../record/helpers.js';
import { tmpFolder } from '../data.js';

const DEVICES: readonly { id: string; kind: DeviceKind; count: number }[] = [
  { id: 'imu0', kind: 'imu', count: 401 },
  { id: 'mic', kind: 'audio', count: 63 },
  { id: 'soc', kind: 'thermal', count: 3 },
  { id: 'battery', kind: 'power', count: 1 },
];

let dir = '';
let file = '';
let original = new Uint8Array();
let remove: () => Promise<void> = async () => undefined;
/** What each device gives when read alone from the clean file. */
let alone: string[][] = [];

beforeAll(async () => {
  ({ dir, remove } = await tmpFolder('mcap-shared'));
  file = join(dir, 'small.mcap');
  const session = await loadSession(SAMPLE_SESSION);
  await recordSession(session, { out: file, durationS: 2, chunkSizeBytes: 16 * 1024, topics: DEVICES.map((d) => d.id), fsync: 'none' });
  await session.close();
  original = new Uint8Array(await readFile(file));
  alone = [];
  for (const d of DEVICES) alone.push(await readAlone(file, d.id, d.kind));
});
afterAll(async () => remove());

const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex').slice(0, 12);

const device = (path: string, id: string, kind: DeviceKind, sharing?: Partial<SharedReaderLimits>): McapDevice =>
  new McapDevice({ id, kind, path, ...(sharing === undefined ? {} : { sharing }) } satisfies McapDeviceOptions);

/** One read as text: `s:<device ns>:<payload hash>`, `e:<byte>:<message>` (SampleError), `d:<message>` (other). */
async function readOne(d: McapDevice): Promise<string | null> {
  try {
    const s: AnySample | null = await d.read();
    return s === null ? null : `s:${s.deviceTimeNs}:${'hostTimeNs' in s ? String(s.hostTimeNs) : '-'}:${sha1(encodeSample(d.info.kind, d.info.id, s))}`;
  } catch (err) {
    if (err instanceof SampleError) return `e:${err.where.byteOffset}:${err.message}`;
    return `d:${err instanceof Error ? err.message : String(err)}`;
  }
}

async function rest(d: McapDevice, into: string[]): Promise<string[]> {
  for (let i = 0; i < 5000; i++) {
    const r = await readOne(d);
    if (r === null) break;
    into.push(r);
  }
  return into;
}

/** Opens `id` alone (its own pass: nothing else is open on the file) and reads it to the end. */
async function readAlone(path: string, id: string, kind: DeviceKind): Promise<string[]> {
  const d = device(path, id, kind);
  try {
    await d.open();
  } catch (err) {
    return [`open:${(err as Error).message}`];
  }
  const out = await rest(d, []);
  await d.close();
  return out;
}

describe('shared MCAP reader', () => {
  it('a session of four devices read together: one pass over the file, no device detached, every sample as alone', async () => {
    const before = sharedReaderStats();
    const session = await openMcapSession(file);
    expect(session.devices.map((d) => d.device.info.id)).toEqual(DEVICES.map((d) => d.id));
    const got = await Promise.all(session.devices.map((d) => rest(d.device as unknown as McapDevice, [])));
    await session.close();
    const after = sharedReaderStats();
    expect(after.passes - before.passes).toBe(1);
    expect(after.subscriptions - before.subscriptions).toBe(4);
    expect(after.detached - before.detached).toBe(0);
    expect(got).toEqual(alone);
    expect(got.map((g) => g.length)).toEqual(DEVICES.map((d) => d.count));
  });

  it('back-pressure: a device read slowly holds the pass, its queue never exceeds the bound, nothing is detached', async () => {
    const limits = { maxQueueMessages: 4, maxQueueBytes: 1 << 30, stallMs: 60_000 };
    const pass = await joinPass(file, limits);
    pass.addLease();
    const head = await pass.head();
    expect(head.some((i) => i.type === 'metadata')).toBe(true);
    const imu = pass.subscribe('/imu0', []);
    const mic = pass.subscribe('/mic', []);
    if (imu === undefined || mic === undefined) throw new Error('pass sealed');
    let imuCount = 0;
    let micCount = 0;
    let maxMicQueue = 0;
    const fast = (async () => {
      for (let it = await imu.next(); it !== undefined && it.type !== 'end'; it = await imu.next()) {
        imuCount += 1;
        maxMicQueue = Math.max(maxMicQueue, mic.queued);
      }
    })();
    const slow = (async () => {
      for (let it = await mic.next(); it !== undefined && it.type !== 'end'; it = await mic.next()) {
        micCount += 1;
        // While the slow reader sleeps, the fast one can only get as far as the slow queue's bound allows.
        await new Promise((r) => setTimeout(r, 2));
        expect(mic.queued).toBeLessThanOrEqual(4);
      }
    })();
    await Promise.all([fast, slow]);
    await Promise.all([imu.close(), mic.close()]);
    expect(maxMicQueue).toBeLessThanOrEqual(4);
    expect([imuCount, micCount]).toEqual([401, 63]);
    expect(imu.detachedAt).toBeUndefined();
    expect(mic.detachedAt).toBeUndefined();
  });

  it('the byte bound: a queue of audio chunks holds at most maxQueueBytes of payload', async () => {
    const pass = await joinPass(file, { maxQueueMessages: 1000, maxQueueBytes: 12_000, stallMs: 60_000 });
    pass.addLease();
    await pass.head();
    const imu = pass.subscribe('/imu0', []);
    const mic = pass.subscribe('/mic', []);
    if (imu === undefined || mic === undefined) throw new Error('pass sealed');
    // Read imu0 until the pass stops for the microphone's full queue, then look at that queue.
    let reads = 0;
    const reading = (async () => {
      for (let it = await imu.next(); it !== undefined && it.type !== 'end'; it = await imu.next()) reads += 1;
    })();
    await new Promise((r) => setTimeout(r, 300));
    const held = mic.queued;
    expect(held).toBeGreaterThan(0);
    expect(reads).toBeLessThan(401); // paused by the microphone's queue
    let bytes = 0;
    for (let i = 0; i < held; i++) {
      const it = await mic.next();
      if (it?.type === 'message') bytes += it.message.data.byteLength;
    }
    expect(bytes).toBeLessThanOrEqual(12_000);
    await mic.close(); // a closed device stops receiving: imu0 runs to the end
    await reading;
    expect(reads).toBe(401);
    await imu.close();
  });

  it('a device never read is detached after the stall; read later, it resumes alone with every sample once', async () => {
    const before = sharedReaderStats();
    const sharing = { maxQueueMessages: 5, stallMs: 30 };
    const ds = DEVICES.map((d) => device(file, d.id, d.kind, sharing));
    await Promise.all(ds.map((d) => d.open()));
    // Read the devices one after the other, each to the end: the others' queues fill and they are detached.
    const got: string[][] = [];
    for (const d of ds) got.push(await rest(d, []));
    await Promise.all(ds.map((d) => d.close()));
    const after = sharedReaderStats();
    expect(after.passes - before.passes).toBe(1);
    expect(after.detached - before.detached).toBeGreaterThanOrEqual(1);
    expect(got).toEqual(alone);
  });

  it('a closed device stops receiving and never holds the others, even with an endless stall', async () => {
    const sharing = { maxQueueMessages: 2, stallMs: 600_000 };
    const [imu, mic] = [device(file, 'imu0', 'imu', sharing), device(file, 'mic', 'audio', sharing)];
    await Promise.all([imu.open(), mic.open()]);
    expect(await readOne(mic)).toBe(alone[1]?.[0]);
    await mic.close();
    expect(await rest(imu, [])).toEqual(alone[0]);
    await imu.close();
  });

  it('re-open replays from the start; a device opened after the others began reading gets its own pass', async () => {
    const before = sharedReaderStats();
    const imu = device(file, 'imu0', 'imu');
    await imu.open();
    const first = await readOne(imu);
    await readOne(imu);
    const late = device(file, 'mic', 'audio');
    await late.open();
    expect(await rest(late, [])).toEqual(alone[1]);
    await late.close();
    await imu.close();
    await imu.open();
    expect(await readOne(imu)).toBe(first);
    await imu.close();
    expect(sharedReaderStats().passes - before.passes).toBe(3);
  });

  it('damage and truncation (fast-check): under any read schedule every device gets what it gets alone, in order', async () => {
    let n = 0;
    const before = sharedReaderStats();
    let withErrors = 0;
    const damage = fc.oneof(
      fc.record({ cut: fc.integer({ min: 8, max: original.length - 1 }) }),
      fc.record({ flips: fc.array(fc.record({ at: fc.integer({ min: 8, max: original.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }) }),
    );
    const schedule = fc.array(fc.integer({ min: 0, max: DEVICES.length - 1 }), { minLength: 0, maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(damage, schedule, fc.integer({ min: 1, max: 16 }), async (how, order, bound) => {
        let bytes = original;
        if ('cut' in how) bytes = original.subarray(0, how.cut);
        else {
          bytes = Uint8Array.from(original);
          for (const f of how.flips) bytes[f.at] = (bytes[f.at] ?? 0) ^ f.xor;
        }
        const path = join(dir, `shared-${n++}.mcap`);
        await writeFile(path, bytes);
        const expected: string[][] = [];
        for (const d of DEVICES) expected.push(await readAlone(path, d.id, d.kind));
        if (expected.flat().some((x) => x.startsWith('e:'))) withErrors += 1;
        const ds = DEVICES.map((d) => device(path, d.id, d.kind, { maxQueueMessages: bound, stallMs: 15 }));
        const got: string[][] = await Promise.all(ds.map(async (d) => d.open().then(() => [], (err: Error) => [`open:${err.message}`])));
        const done = got.map((g) => g.length > 0);
        for (const i of order) {
          const d = ds[i];
          if (d === undefined || done[i] === true) continue;
          const r = await readOne(d);
          if (r === null) done[i] = true;
          else got[i]?.push(r);
        }
        await Promise.all(ds.map(async (d, i) => (done[i] === true ? undefined : rest(d, got[i] ?? []))));
        await Promise.all(ds.map((d) => d.close()));
        expect(got).toEqual(expected);
      }),
      { numRuns: 60, seed: 21 },
    );
    // The runs went through both paths: damage delivered as SampleErrors, and devices detached mid-file.
    expect(withErrors).toBeGreaterThan(5);
    expect(sharedReaderStats().detached - before.detached).toBeGreaterThan(20);
    console.info(`${n} damaged files, ${withErrors} with SampleErrors, ${sharedReaderStats().detached - before.detached} devices detached and resumed`);
  }, 120_000);
});
