/**
 * The live view and a bus recording on a real run: the bundled sample session (EuRoC MH_01 cam0 + imu0, the
 * world camera with YOLOX detections, audio, thermal and power traces) through the real runtime at `--speed 0`
 * (virtual clock), with an anchor created at 3 s. A Foxglove client subscribed to every channel decodes what it
 * gets and compares it with the bus events observed in the same run; every message is checked against the JSON
 * schema its channel advertised. The same run is recorded to MCAP with `recordBus`, read back with @mcap/core's
 * indexed reader: same topics, schema names and schema texts as advertised, every pose and detection of the bus,
 * payloads byte-identical to the live view's. Bytes per second per topic are printed (docs/foxglove.md).
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession, type Session } from '../../hal/session/index.js';
import type { CameraInfo } from '../../hal/types.js';
import type { CameraFrameEvent, ObjectsDetectedEvent, PoseEvent } from '../../src/bus/topics.js';
import { startFoxgloveBridge, type FoxgloveBridgeHandle } from '../../src/foxglove/server.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { sampleSessionPath } from '../../src/paths.js';
import { recordBus, type BusRecordSummary } from '../../src/record/bus-record.js';
import { scriptFromFlags } from '../../src/runtime/anchor-script.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { tmpFolder } from '../hal/data.js';
import { openMcap, poll, schemaIssue, TestClient, type Received } from './helpers.js';

const tmp = tmpFolder('karana-foxglove-');
let session: Session;
let detector: YoloxDetector;
let bridge: FoxgloveBridgeHandle;
let client: TestClient;
let recording: BusRecordSummary;
let mcapFile: string;
const bus = { cam0: new Map<number, CameraFrameEvent>(), world: new Map<number, CameraFrameEvent>(), poses: [] as PoseEvent[], detected: [] as ObjectsDetectedEvent[], counts: new Map<string, number>() };
const time = (ns: number): { sec: number; nsec: number } => ({ sec: Math.floor(ns / 1e9), nsec: ns % 1e9 });

beforeAll(async () => {
  session = await loadSession(sampleSessionPath());
  detector = await YoloxDetector.load();
  const runtime = new Runtime({ session, speed: 0, tickHz: 1000, filter: madgwickFilter(), detector, anchors: { script: scriptFromFlags(['0.5,0.2,1@3']) } });
  const devices = session.devices.map((d) => d.device.info);
  bridge = await startFoxgloveBridge({ bus: runtime.bus, port: 0, devices });
  mcapFile = join((await tmp).dir, 'run.mcap');
  const recorder = await recordBus(runtime.bus, mcapFile, { devices });
  client = new TestClient(bridge.url);
  await client.ready(20);
  client.subscribe(...client.channels.keys());
  client.client.subscribe(999_999);
  await poll('subscriptions taken', () => client.statuses.length > 0);
  runtime.bus.all$.subscribe((e) => {
    bus.counts.set(e.topic, (bus.counts.get(e.topic) ?? 0) + 1);
    if (e.topic === 'camera.frame') (e.payload.deviceId === 'cam0' ? bus.cam0 : bus.world).set(e.payload.tNs, e.payload);
    if (e.topic === 'pose.updated') bus.poses.push(e.payload);
    if (e.topic === 'objects.detected') bus.detected.push(e.payload);
  });
  await runtime.run();
  recording = await recorder.close();
  const sent = (): number => bridge.stats().channels.reduce((n, c) => n + c.messages, 0);
  await poll('every message sent has arrived', () => client.received.length === sent(), 60_000);
}, 300_000);

afterAll(async () => {
  client?.close();
  await bridge?.close();
  await detector?.close();
  await (await tmp).remove();
});

const of = (topic: string): Received[] => client.of(topic);

describe('Foxglove live view of a real run', () => {
  it('every message matches the JSON schema its channel advertised', () => {
    const issues = new Map<string, string>();
    for (const r of client.received) {
      if (issues.has(r.topic)) continue;
      const issue = schemaIssue(client.channels.get(r.topic)?.schema ?? '', r.json);
      if (issue !== null) issues.set(r.topic, issue);
    }
    expect(Object.fromEntries(issues)).toEqual({});
    expect(new Set(client.received.map((r) => r.topic)).size).toBeGreaterThan(15);
  });

  it('cam0 RawImage messages carry the pixels and capture times of the bus frames', () => {
    const got = of('/camera/cam0/image');
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) {
      const tNs = (r.json.timestamp as { sec: number; nsec: number }).sec * 1e9 + (r.json.timestamp as { nsec: number }).nsec;
      const e = bus.cam0.get(tNs);
      expect(e?.frame.seq).toBe(r.json.seq);
      expect(Buffer.from(r.json.data as string, 'base64').equals(Buffer.from(e?.frame.data ?? []))).toBe(true);
    }
    const s = bridge.stats().channels.find((c) => c.topic === '/camera/cam0/image');
    expect((s?.messages ?? 0) + (s?.dropped ?? 0)).toBe(bus.cam0.size); // each frame sent or, over the buffer limit, dropped
  });

  it('world CompressedImage messages are JPEGs of bus frames', async () => {
    const got = of('/camera/world/compressed');
    expect(got.length).toBeGreaterThan(10);
    const stamps = new Set([...bus.world.keys()].map((t) => JSON.stringify(time(t))));
    expect(got.every((r) => stamps.has(JSON.stringify(r.json.timestamp)))).toBe(true);
    const meta = await sharp(Buffer.from(got[0]?.json.data as string, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 432]);
  });

  it('poses are PoseInFrame in world and FrameTransforms world → body → cam0, equal to the bus poses', () => {
    const vio = bus.poses.filter((p) => p.source === 'vio');
    expect(vio.length).toBeGreaterThan(50);
    const byTime = new Map(vio.map((p) => [JSON.stringify(time(p.tNs)), p]));
    const got = of('/pose/vio');
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) {
      const p = byTime.get(JSON.stringify(r.json.timestamp)) as PoseEvent;
      const [w, x, y, z] = p.q_world_body;
      const [px, py, pz] = p.p_world_body_m ?? [NaN, NaN, NaN];
      expect(r.json).toEqual({ timestamp: time(p.tNs), frame_id: 'world', pose: { position: { x: px, y: py, z: pz }, orientation: { x, y, z, w } } });
    }
    const cam = session.devices.find((d) => d.device.info.id === 'cam0')?.device.info as CameraInfo;
    const T = cam.calibration?.T_body_camera ?? [];
    const tf = of('/tf').map((r) => r.json.transforms as { parent_frame_id: string; child_frame_id: string; translation: { x: number; y: number; z: number } }[]);
    const vioTf = tf.find((ts) => ts[0]?.child_frame_id === 'body');
    expect(vioTf?.map((t) => `${t.parent_frame_id}→${t.child_frame_id}`)).toEqual(['world→body', 'body→cam0']);
    expect(vioTf?.[1]?.translation).toEqual({ x: T[3], y: T[7], z: T[11] });
    expect(of('/pose/predicted').length).toBeGreaterThan(0);
    expect(tf.some((ts) => ts[0]?.child_frame_id === 'body_predicted')).toBe(true);
  });

  it('detections are ImageAnnotations with a box outline and label per YOLOX object, at the frame time', () => {
    const byTime = new Map(bus.detected.map((d) => [JSON.stringify(time(d.tNs)), d]));
    const got = of('/objects/detected');
    const s = bridge.stats().channels.find((c) => c.topic === '/objects/detected');
    expect(s?.dropped).toBe(0);
    expect(got).toHaveLength(bus.detected.length);
    let boxes = 0;
    for (const r of got) {
      const d = byTime.get(JSON.stringify(r.json.timestamp)) as ObjectsDetectedEvent;
      const points = r.json.points as { type: number; points: { x: number; y: number }[] }[];
      const texts = r.json.texts as { text: string }[];
      expect(points.map((p) => p.points)).toEqual(d.objects.map((o) => [{ x: o.boxPx[0], y: o.boxPx[1] }, { x: o.boxPx[2], y: o.boxPx[1] }, { x: o.boxPx[2], y: o.boxPx[3] }, { x: o.boxPx[0], y: o.boxPx[3] }]));
      expect(texts.map((t) => t.text)).toEqual(d.objects.map((o) => `${o.label} ${o.score.toFixed(2)}`));
      boxes += points.length;
    }
    expect(boxes).toBeGreaterThan(30);
  });

  it('logs device states and the anchor result; anchors are a SceneUpdate', () => {
    const lines = of('/log').map((r) => r.json.message as string);
    expect(lines).toContain('camera cam0: open');
    expect(lines.some((l) => /^anchor cli-1: create \S+ at \[0\.500, 0\.200, 1\.000\] m$/.test(l))).toBe(true);
    const scene = of('/anchors').at(-1)?.json as { entities: { id: string; frame_id: string }[]; deletions: { type: number }[] };
    expect(scene.deletions).toEqual([{ timestamp: expect.any(Object) as unknown, type: 1, id: '' }]);
    expect(scene.entities.map((e) => e.frame_id)).toEqual(['world']);
  });

  it('reports bytes per second per topic', () => {
    const durationS = (session.durationNs ?? 1e10) / 1e9;
    const rows = bridge
      .stats()
      .channels.filter((c) => c.encoded > 0)
      .sort((a, b) => b.encodedBytes - a.encodedBytes)
      .map((c) => `| \`${c.topic}\` | ${c.schemaName} | ${(c.encoded / durationS).toFixed(1)} | ${(c.encodedBytes / durationS / 1e3).toFixed(1)} | ${c.dropped} |`);
    console.log(['| topic | schema | msg/s | kB/s | dropped (speed 0) |', '|---|---|---|---|---|', ...rows].join('\n'));
    const total = bridge.stats().channels.reduce((n, c) => n + c.encodedBytes, 0) / durationS;
    console.log(`total ${(total / 1e6).toFixed(2)} MB/s per client over ${durationS} s of session; MCAP ${recording.bytes} B (${(recording.bytes / durationS / 1e6).toFixed(2)} MB/s), ${recording.messages} messages`);
    expect(total).toBeGreaterThan(0);
  });
});

describe('bus recording of the same run', () => {
  it('reads back with @mcap/core: the advertised topics, schema names and texts; every pose and detection; live payloads byte for byte', async () => {
    const { reader, close } = await openMcap(mcapFile);
    try {
      const channels = [...reader.channelsById.values()];
      expect(channels.map((c) => c.topic).sort()).toEqual([...client.channels.keys()].sort());
      for (const c of channels) {
        const schema = reader.schemasById.get(c.schemaId);
        const live = client.channels.get(c.topic);
        expect([c.topic, schema?.name, schema?.encoding, c.messageEncoding]).toEqual([c.topic, live?.schemaName, 'jsonschema', 'json']);
        expect(new TextDecoder().decode(schema?.data)).toBe(live?.schema);
      }
      const topicOf = new Map(channels.map((c) => [c.id, c.topic]));
      const messages = new Map<string, string[]>();
      for await (const m of reader.readMessages()) {
        const t = topicOf.get(m.channelId) ?? '?';
        messages.set(t, [...(messages.get(t) ?? []), new TextDecoder().decode(m.data)]);
      }
      expect(messages.get('/pose/vio')).toHaveLength(bus.poses.filter((p) => p.source === 'vio').length);
      expect(messages.get('/objects/detected')).toHaveLength(bus.detected.length);
      expect(messages.get('/camera/cam0/image')).toHaveLength(bus.cam0.size);
      expect(messages.get('/camera/world/compressed')).toHaveLength(bus.world.size);
      const recorded = new Set(messages.get('/pose/vio'));
      const live = of('/pose/vio').map((r) => JSON.stringify(r.json));
      expect(live.filter((j) => !recorded.has(j))).toEqual([]);
      expect(recording.encodeErrors).toBe(0);
      expect(Object.fromEntries([...messages].map(([t, ms]) => [t, ms.length]))).toEqual(Object.fromEntries(Object.entries(recording.perTopic).filter(([, n]) => n > 0)));
    } finally {
      await close();
    }
  });
});
