/**
 * `karana record` and the live view share one `foxglove.RawImage` definition: the camera channel of an MCAP
 * written by `recordSession` (the sample session's cam0, EuRoC MH_01) reads back with @mcap/core's indexed reader
 * with the schema name and text the live server advertises for the same camera, and its messages are valid
 * under that schema and carry the same pixels as the live view's RawImage of the same frame.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import { Bus } from '../../src/bus/bus.js';
import { FOXGLOVE_SCHEMAS } from '../../src/foxglove/schemas.js';
import { startFoxgloveBridge } from '../../src/foxglove/server.js';
import { sampleSessionPath } from '../../src/paths.js';
import { recordSession } from '../../src/record/record.js';
import { tmpFolder } from '../hal/data.js';
import { openMcap, poll, sampleDevices, sampleFrames, schemaIssue, TestClient } from './helpers.js';

const tmp = tmpFolder('karana-foxglove-record-');
afterAll(async () => (await tmp).remove());

describe('karana record and the live view', () => {
  it('write and advertise the same foxglove.RawImage schema, and the same pixels', async () => {
    const file = join((await tmp).dir, 'cam0.mcap');
    const session = await loadSession(sampleSessionPath());
    try {
      await recordSession(session, { out: file, topics: ['cam0'], durationS: 0.2 });
    } finally {
      await session.close();
    }
    const bus = new Bus({ now: () => Number(process.hrtime.bigint()) });
    const bridge = await startFoxgloveBridge({ bus, port: 0, devices: await sampleDevices() });
    const client = new TestClient(bridge.url);
    const { reader, close } = await openMcap(file);
    try {
      await client.ready(10);
      const live = client.channels.get('/camera/cam0/image');
      const [channel] = [...reader.channelsById.values()];
      const schema = reader.schemasById.get(channel?.schemaId ?? -1);
      expect([channel?.topic, schema?.name, schema?.encoding, channel?.messageEncoding]).toEqual(['/cam0', live?.schemaName, live?.schemaEncoding, live?.encoding]);
      expect(new TextDecoder().decode(schema?.data)).toBe(live?.schema);
      expect(schema?.data).toEqual(FOXGLOVE_SCHEMAS.rawImage.data);

      const recorded: Record<string, unknown>[] = [];
      for await (const m of reader.readMessages()) recorded.push(JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>);
      expect(recorded).toHaveLength(5); // 0, 50, 100, 150, 200 ms at 20 Hz
      for (const r of recorded) expect(schemaIssue(live?.schema ?? '', r)).toBeNull();

      client.subscribe('/camera/cam0/image');
      client.client.subscribe(999_999);
      await poll('subscribed', () => client.statuses.length > 0);
      const [first] = await sampleFrames('cam0', 1);
      if (first === undefined) throw new Error('no cam0 frame');
      bus.publish('camera.frame', first);
      await poll('frame', () => client.of('/camera/cam0/image').length === 1);
      const got = client.of('/camera/cam0/image')[0]?.json;
      const { timestamp: _a, ...liveRest } = got ?? {};
      const { timestamp: _b, ...recordedRest } = recorded[0] ?? {};
      expect(liveRest).toEqual(recordedRest); // same fields and bytes; only the clock differs (runtime vs device)
    } finally {
      client.close();
      await close();
      await bridge.close();
      bus.close();
    }
  });
});
