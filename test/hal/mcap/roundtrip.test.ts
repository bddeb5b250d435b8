/**
 * Record → replay round trip on real recordings: the EuRoC MH_01 excerpt (automatic session: 600 frames,
 * 5,991 IMU samples) and the bundled sample session (tracking and world cameras, IMU, microphone, thermal and
 * power traces) are recorded with `recordSession`, then replayed through the `mcap` driver
 * (`openMcapSession`). Every device must give back the same samples in the same order: same device clock
 * (bigint ns), same session time, same values (−0 included) and the same pixel and audio bytes; the file's
 * message order is the session-time merge of the devices.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSample } from '../../../hal/mcap/codec.js';
import type { AnySample } from '../../../hal/mcap/codec.js';
import { openMcapSession, planMcapSession } from '../../../hal/mcap/session.js';
import { loadSession } from '../../../hal/session/index.js';
import type { Session } from '../../../hal/session/index.js';
import { recordSession } from '../../../src/record/record.js';
import { SAMPLE_SESSION, expectedMessages, readBack } from '../../record/helpers.js';
import { MH01, tmpFolder } from '../data.js';

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeAll(async () => ({ dir, remove } = await tmpFolder('mcap-roundtrip')));
afterAll(async () => remove());

async function next(session: Session, i: number): Promise<AnySample | null> {
  return (await session.devices[i]?.device.read()) as AnySample | null;
}

/** Reads both sessions device by device in lockstep and compares every sample; returns the counts. */
async function compareSessions(source: Session, replay: Session): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const end = source.durationNs ?? Number.POSITIVE_INFINITY;
  expect(replay.devices.map((d) => d.device.info.id)).toEqual(source.devices.map((d) => d.device.info.id));
  for (const [i, src] of source.devices.entries()) {
    const rep = replay.devices[i];
    if (rep === undefined) throw new Error('missing replayed device');
    const id = src.device.info.id;
    const { driver: _a, source: _b, ...srcInfo } = src.device.info;
    const { driver, source: _c, ...repInfo } = rep.device.info;
    expect(driver).toBe('mcap');
    expect(repInfo).toEqual(srcInfo);
    let n = 0;
    for (;;) {
      let s = await next(source, i);
      while (s !== null && src.toSessionNs(s.deviceTimeNs) < 0) s = await next(source, i);
      if (s !== null && src.toSessionNs(s.deviceTimeNs) > end) s = null;
      const r = await next(replay, i);
      if (s === null || r === null) {
        expect(r, `${id}: replay has more samples than the source (${n})`).toBeNull();
        expect(s, `${id}: replay ended after ${n} samples`).toBeNull();
        break;
      }
      if (r.deviceTimeNs !== s.deviceTimeNs) expect.fail(`${id} sample ${n}: device time ${r.deviceTimeNs} ≠ ${s.deviceTimeNs}`);
      if (rep.toSessionNs(r.deviceTimeNs) !== src.toSessionNs(s.deviceTimeNs)) expect.fail(`${id} sample ${n}: session time differs`);
      if ((r.hostTimeNs === undefined) !== (s.hostTimeNs === undefined)) expect.fail(`${id} sample ${n}: hostTimeNs presence differs`);
      const kind = src.device.info.kind;
      if (!Buffer.from(encodeSample(kind, id, r)).equals(Buffer.from(encodeSample(kind, id, s)))) expect.fail(`${id} sample ${n}: payload differs`);
      if ('data' in s && 'data' in r && !Buffer.from(r.data).equals(Buffer.from(s.data))) expect.fail(`${id} frame ${n}: pixels differ`);
      if ('samples' in s && 'samples' in r && !Buffer.from(r.samples.buffer).equals(Buffer.from(s.samples.buffer, s.samples.byteOffset, s.samples.byteLength))) {
        expect.fail(`${id} chunk ${n}: audio samples differ`);
      }
      n += 1;
    }
    counts[id] = n;
  }
  return counts;
}

async function roundTrip(sessionPath: string, name: string): Promise<{ counts: Record<string, number>; file: string }> {
  const file = join(dir, `${name}.mcap`);
  const source = await loadSession(sessionPath);
  const summary = await recordSession(source, { out: file });
  await source.close();
  expect(summary.failed).toEqual([]);
  expect(summary.skipped).toBe(0);
  const [again, replay] = await Promise.all([loadSession(sessionPath), openMcapSession(file)]);
  try {
    expect(replay.failed).toEqual([]);
    expect(replay.startNs).toBe(again.startNs);
    expect(replay.durationNs).toBe(again.durationNs);
    const counts = await compareSessions(again, replay);
    expect(counts).toEqual(summary.perDevice);
    return { counts, file };
  } finally {
    await Promise.all([again.close(), replay.close()]);
  }
}

describe('mcap record → replay round trip', () => {
  it('EuRoC MH_01 excerpt: 600 frames and 5,991 IMU samples come back identical, clocks and bytes', async () => {
    const { counts, file } = await roundTrip(MH01, 'mh01');
    expect(counts).toEqual({ cam0: 600, imu0: 5991 });
    const back = await readBack(file);
    expect(back.complete).toBe(true);
    expect(back.messages).toEqual(await expectedMessages(MH01));
  }, 240_000);

  it('the bundled sample session: six devices of five kinds come back identical, in the same merged order', async () => {
    const { counts, file } = await roundTrip(SAMPLE_SESSION, 'sample');
    expect(counts).toEqual({ cam0: 200, imu0: 1991, world: 100, mic: 311, soc: 10, battery: 2 });
    const back = await readBack(file);
    expect(back.messages).toEqual(await expectedMessages(SAMPLE_SESSION));
    const plan = await planMcapSession(file);
    expect(plan.name).toBe('sample');
    expect(plan.devices.map((d) => [d.id, d.kind, d.clock, d.offsetS])).toEqual([
      ['cam0', 'camera', 'absolute', 0],
      ['imu0', 'imu', 'absolute', 0],
      ['world', 'camera', 'relative', 0],
      ['mic', 'audio', 'relative', 0],
      ['soc', 'thermal', 'relative', 0],
      ['battery', 'power', 'relative', 0],
    ]);
  }, 240_000);
});
