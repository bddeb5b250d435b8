/**
 * The live view's server on real sockets, fed by a publisher: real frames of the sample session (cam0 EuRoC
 * GRAY8, world RGB8) published on a bus on the host clock. A Foxglove client (`FoxgloveClient` over `ws`)
 * subscribes, decodes and compares with what was published; unsubscribing stops the traffic; bad client
 * messages leave the server serving; a client that stops reading loses camera frames (drop newest above the
 * send-buffer limit) while a reading client gets them all.
 */
import { connect, type Socket } from 'node:net';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FOXGLOVE_RAW_IMAGE, SCHEMAS } from '../../hal/mcap/codec.js';
import type { DeviceInfo } from '../../hal/types.js';
import { Bus } from '../../src/bus/bus.js';
import { TOPICS, type CameraFrameEvent, type TopicName } from '../../src/bus/topics.js';
import { startFoxgloveBridge, type FoxgloveBridgeHandle, type FoxgloveBridgeOptions } from '../../src/foxglove/server.js';
import { poll, sampleDevices, sampleFrames, schemaIssue, TestClient } from './helpers.js';

let devices: DeviceInfo[];
let cam0: CameraFrameEvent[];
let world: CameraFrameEvent[];
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  [devices, cam0, world] = await Promise.all([sampleDevices(), sampleFrames('cam0', 60), sampleFrames('world', 3)]);
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(options: Partial<FoxgloveBridgeOptions> = {}): Promise<{ bus: Bus; bridge: FoxgloveBridgeHandle; errors: Error[] }> {
  const bus = new Bus({ now: () => Number(process.hrtime.bigint()) });
  const errors: Error[] = [];
  const bridge = await startFoxgloveBridge({ bus, port: 0, devices, onError: (e) => errors.push(e), ...options });
  cleanup.push(() => bus.close(), () => bridge.close());
  return { bus, bridge, errors };
}

async function client(url: string): Promise<TestClient> {
  const c = new TestClient(url);
  cleanup.push(() => c.close());
  await c.ready(10);
  return c;
}

/** A round trip: a subscription to a channel that does not exist is answered by a status; earlier messages are then handled. */
async function barrier(c: TestClient): Promise<void> {
  const n = c.statuses.length;
  c.client.subscribe(999_999);
  await poll('status reply', () => c.statuses.length > n);
}

const channelStats = (b: FoxgloveBridgeHandle, topic: string) => b.stats().channels.find((c) => c.topic === topic);

describe('Foxglove live view: channels', () => {
  it('advertises every bus topic with a JSON schema, the camera with the very RawImage schema karana record writes', async () => {
    const { bridge } = await start();
    expect(bridge.url).toBe(`ws://127.0.0.1:${bridge.port}`);
    const c = await client(bridge.url);
    const schemaOf = (t: string): string | undefined => c.channels.get(t)?.schemaName;
    expect(Object.fromEntries(['/camera/cam0/image', '/camera/cam0/calibration', '/camera/world/compressed', '/imu/imu0', '/pose/vio', '/pose/predicted', '/pose/ahrs', '/tf', '/objects/detected', '/objects/tracked', '/anchors', '/log', '/thermal.reading', '/ui.hud'].map((t) => [t, schemaOf(t)]))).toEqual({
      '/camera/cam0/image': 'foxglove.RawImage',
      '/camera/cam0/calibration': 'foxglove.CameraCalibration',
      '/camera/world/compressed': 'foxglove.CompressedImage',
      '/imu/imu0': 'karana.ImuSample',
      '/pose/vio': 'foxglove.PoseInFrame',
      '/pose/predicted': 'foxglove.PoseInFrame',
      '/pose/ahrs': 'foxglove.PoseInFrame',
      '/tf': 'foxglove.FrameTransforms',
      '/objects/detected': 'foxglove.ImageAnnotations',
      '/objects/tracked': 'foxglove.ImageAnnotations',
      '/anchors': 'foxglove.SceneUpdate',
      '/log': 'foxglove.Log',
      '/thermal.reading': 'karana.ThermalReading',
      '/ui.hud': 'karana.UiHud',
    });
    const raw = c.channels.get('/camera/cam0/image');
    expect([raw?.encoding, raw?.schemaEncoding]).toEqual(['json', 'jsonschema']);
    expect(raw?.schema).toBe(new TextDecoder().decode(FOXGLOVE_RAW_IMAGE.data));
    expect(SCHEMAS.camera).toBe(FOXGLOVE_RAW_IMAGE);
    expect(c.channels.get('/imu/imu0')?.schema).toBe(new TextDecoder().decode(SCHEMAS.imu.data));
    const fed = new Set(bridge.stats().channels.flatMap((s) => s.busTopics));
    expect((Object.keys(TOPICS) as TopicName[]).filter((t) => !fed.has(t))).toEqual([]); // nothing invisible
  });

  it('does no encoding while nobody subscribes', async () => {
    const { bus, bridge } = await start();
    await client(bridge.url);
    for (const e of cam0.slice(0, 5)) bus.publish('camera.frame', e);
    bus.flush();
    expect(bridge.stats().channels.reduce((n, s) => n + s.encoded + s.messages, 0)).toBe(0);
  });
});

describe('Foxglove live view: messages', () => {
  it('sends cam0 frames as mono8 RawImage with the published pixels; unsubscribing stops the traffic', async () => {
    const { bus, bridge } = await start();
    const c = await client(bridge.url);
    c.subscribe('/camera/cam0/image', '/log');
    await barrier(c);
    for (const [i, e] of cam0.slice(0, 5).entries()) {
      bus.publish('camera.frame', e);
      await poll(`frame ${i}`, () => c.of('/camera/cam0/image').length === i + 1);
    }
    const got = c.of('/camera/cam0/image');
    for (const [i, r] of got.entries()) {
      const e = cam0[i] as CameraFrameEvent;
      expect(schemaIssue(c.channels.get('/camera/cam0/image')?.schema ?? '', r.json)).toBeNull();
      expect(r.json).toMatchObject({ frame_id: 'cam0', width: 752, height: 480, encoding: 'mono8', step: 752, seq: e.frame.seq, timestamp: { sec: Math.floor(e.tNs / 1e9), nsec: e.tNs % 1e9 } });
      expect(Buffer.from(r.json.data as string, 'base64').equals(Buffer.from(e.frame.data))).toBe(true);
    }
    c.unsubscribe('/camera/cam0/image');
    await barrier(c);
    expect(channelStats(bridge, '/camera/cam0/image')?.subscribed).toBe(false);
    for (const e of cam0.slice(5, 10)) bus.publish('camera.frame', e);
    bus.publish('device.state', { deviceId: 'cam0', kind: 'camera', tNs: 1, state: 'ended' });
    await poll('log line', () => c.of('/log').length === 1);
    expect(c.of('/camera/cam0/image')).toHaveLength(5);
    expect(c.of('/log')[0]?.json).toMatchObject({ level: 2, name: 'device/cam0', message: 'camera cam0: ended', file: 'src/layers/hardware/ingest.ts', line: 0 });
    expect(channelStats(bridge, '/camera/cam0/image')).toMatchObject({ encoded: 5, messages: 5, dropped: 0 });
  });

  it('sends the world camera as JPEG CompressedImage close to the published RGB pixels', async () => {
    const { bus, bridge } = await start();
    const c = await client(bridge.url);
    c.subscribe('/camera/world/compressed');
    await barrier(c);
    const e = world[2] as CameraFrameEvent;
    bus.publish('camera.frame', e);
    await poll('jpeg', () => c.of('/camera/world/compressed').length === 1);
    const r = c.of('/camera/world/compressed')[0];
    expect(schemaIssue(c.channels.get('/camera/world/compressed')?.schema ?? '', r?.json)).toBeNull();
    expect(r?.json).toMatchObject({ frame_id: 'world', format: 'jpeg' });
    const { data, info } = await sharp(Buffer.from(r?.json.data as string, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([768, 432, 3]);
    let diff = 0;
    for (let i = 0; i < data.length; i++) diff += Math.abs((data[i] ?? 0) - (e.frame.data[i] ?? 0));
    const meanAbs = diff / data.length;
    console.log(`world JPEG q80: ${r?.bytes} B per message (raw RGB ${e.frame.data.byteLength} B), mean |Δ| ${meanAbs.toFixed(2)} levels`);
    expect(meanAbs).toBeLessThan(4);
    expect(r?.bytes).toBeLessThan(e.frame.data.byteLength / 10);
  });
});

describe('Foxglove live view: robustness', () => {
  it('answers bad client messages without stopping: the client and a new one are still served', async () => {
    const { bus, bridge, errors } = await start();
    const c = await client(bridge.url);
    c.subscribe('/thermal.reading');
    for (const bad of ['not json', '{"op":"nope"}', '{"op":"subscribe"}', 'null', '{"op":"unsubscribe","subscriptionIds":[4242]}']) c.ws.send(bad);
    c.ws.send(Buffer.from([0xff, 1, 2, 3]));
    await barrier(c);
    expect(bridge.stats().clientErrors).toBeGreaterThanOrEqual(4);
    expect(errors.length).toBe(bridge.stats().clientErrors);
    expect(c.statuses.some((s) => s.message.includes('4242'))).toBe(true);
    bus.publish('thermal.reading', { deviceId: 'soc', zone: 'cpu-thermal', tNs: 1_500_000_000, tempC: 59.5 });
    await poll('thermal', () => c.of('/thermal.reading').length === 1);
    expect(c.of('/thermal.reading')[0]?.json).toEqual({ timestamp: { sec: 1, nsec: 500_000_000 }, deviceId: 'soc', zone: 'cpu-thermal', tNs: 1_500_000_000, tempC: 59.5 });
    const second = await client(bridge.url);
    expect(second.channels.size).toBe(c.channels.size);
    expect(c.closed).toBe(false);
  });

  it('drops camera frames for a client that stops reading, not for one that reads', async () => {
    const { bus, bridge } = await start({ sendBufferLimitBytes: 1_000_000 });
    const reader = await client(bridge.url);
    const id = reader.channels.get('/camera/cam0/image')?.id ?? -1;
    const stalled = await stalledClient(bridge.port, id);
    cleanup.push(() => void stalled.destroy());
    reader.subscribe('/camera/cam0/image');
    await barrier(reader);
    for (const [i, e] of cam0.entries()) {
      bus.publish('camera.frame', e);
      await poll(`frame ${i}`, () => reader.of('/camera/cam0/image').length === i + 1);
    }
    const s = channelStats(bridge, '/camera/cam0/image');
    console.log(`stalled client: ${s?.dropped} of ${cam0.length} frames dropped at a 1 MB send-buffer limit`);
    expect(reader.of('/camera/cam0/image')).toHaveLength(cam0.length);
    expect(s?.dropped).toBeGreaterThan(0);
    expect((s?.messages ?? 0) + (s?.dropped ?? 0)).toBe(2 * cam0.length);
  });

  it('closes its clients and its port', async () => {
    const { bridge } = await start();
    const c = await client(bridge.url);
    await bridge.close();
    await poll('client closed', () => c.closed);
    await bridge.close(); // idempotent
    const probe = new TestClient(bridge.url);
    await expect(probe.ready()).rejects.toBeDefined();
  });
});

/**
 * A raw TCP WebSocket client that subscribes to channel `channelId` and then stops reading (its socket paused),
 * so the server's buffer for it fills. Resolves once the server has taken the subscription (its status reply to a
 * second subscription of an unknown channel has come back).
 */
async function stalledClient(port: number, channelId: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    ['GET / HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: foxglove.websocket.v1', '', ''].join('\r\n'),
  );
  await poll('upgrade', () => text.includes('101 Switching Protocols'));
  socket.write(maskedText(JSON.stringify({ op: 'subscribe', subscriptions: [{ id: 1, channelId }, { id: 2, channelId: 999_999 }] })));
  await poll('status reply', () => text.includes('"op":"status"'));
  socket.pause();
  return socket;
}

/** A masked, unfragmented text frame (RFC 6455 §5.2; clients must mask), payload < 64 KiB. */
function maskedText(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const head = body.length < 126 ? Buffer.from([0x81, 0x80 | body.length]) : Buffer.from([0x81, 0x80 | 126, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(body.map((b, i) => b ^ (mask[i % 4] ?? 0)))]);
}
