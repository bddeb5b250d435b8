import type { Socket } from 'node:net';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import type { HudScene } from '../../src/bus/topics.js';
import { HudServer } from '../../src/hud/server.js';
import type { HudServerOptions } from '../../src/hud/types.js';
import {
  HudTestClient,
  decodeWorldFrames,
  fakeStats,
  frameEvent,
  halFrame,
  hostBus,
  poll,
  sceneFor,
  sleep,
  worldJpegNames,
  type RawImage,
} from './helpers.js';

const BOX = [388, 2, 556, 388] as const;
let images: RawImage[];
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  images = await decodeWorldFrames(worldJpegNames().slice(80, 85));
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function startServer(options: Partial<HudServerOptions> = {}): Promise<{ bus: Bus; server: HudServer }> {
  const bus = options.bus ?? hostBus();
  const server = await HudServer.start({ bus, port: 0, stats: () => fakeStats(), ...options });
  cleanup.push(() => bus.close(), () => server.close());
  return { bus, server };
}

async function connect(url: string): Promise<HudTestClient> {
  const client = new HudTestClient(url);
  cleanup.push(() => client.close());
  await client.opened();
  await client.until('hello', () => client.ofType('hello').length === 1);
  return client;
}

const image = (i: number): RawImage => images[i % images.length] as RawImage;

describe('HudServer: HTTP', () => {
  it('listens on an ephemeral port and serves the page, script, stylesheet and health check', async () => {
    const { server } = await startServer();
    const port = Number(new URL(server.url).port);
    expect(server.url).toBe(`http://127.0.0.1:${port}/`);
    expect(port).toBeGreaterThan(0);
    const page = await fetch(server.url);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<canvas id="world"');
    const js = await fetch(new URL('hud.js', server.url));
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await js.text()).toContain('window.__hud = hud');
    const css = await fetch(new URL('hud.css', server.url));
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const health = await fetch(new URL('healthz', server.url));
    expect(await health.json()).toEqual({ ok: true, clients: 0, url: server.url });
  });

  it('answers 404 with the path for unknown paths, other methods and a plain GET of /ws', async () => {
    const { server } = await startServer();
    const notFound = await fetch(new URL('nope/../../package.json', server.url));
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: 'not found', method: 'GET', path: '/package.json' });
    expect((await fetch(new URL('src/hud/server.ts', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(new URL('ws', server.url))).status).toBe(404);
  });

  it('logs through a pino logger when given one', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const { server } = await startServer({ logger });
    await fetch(new URL('healthz', server.url));
    expect(lines.some((l) => l.includes('"url":"/healthz"'))).toBe(true);
  });

  it('rejects bad options and a port in use, naming them', async () => {
    const bus = hostBus();
    cleanup.push(() => bus.close());
    await expect(HudServer.start({ bus, port: 0, stats: fakeStats, sceneHz: 0 })).rejects.toThrow(
      '"sceneHz" must be a positive number, got 0',
    );
    const { server } = await startServer();
    const port = Number(new URL(server.url).port);
    await expect(HudServer.start({ bus, port, stats: fakeStats })).rejects.toThrow(
      `HUD server cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`,
    );
  });
});

describe('HudServer: WebSocket', () => {
  it('pushes published scenes as JSON equal to what was published, and frames as KHF1 + JPEG', async () => {
    const { bus, server } = await startServer();
    const client = await connect(server.url);
    const hello = client.ofType('hello')[0] ?? {};
    expect(typeof hello.serverMs).toBe('number');
    expect({ ...hello, serverMs: 0 }).toEqual({ type: 'hello', protocol: 2, sceneHz: 30, statsHz: 2, frameMagic: 'KHF1', serverMs: 0, display: null });
    const scene = sceneFor(41, BOX);
    bus.publish('camera.frame', frameEvent(halFrame(image(0), 41)));
    bus.publish('ui.hud', scene);
    await client.until('a scene and a frame', () => client.ofType('scene').length === 1 && client.frames.length === 1);
    expect(client.ofType('scene')[0]).toEqual({ type: 'scene', scene: JSON.parse(JSON.stringify(scene)) as HudScene });
    const [{ header, jpeg }] = client.frames as [(typeof client.frames)[number]];
    expect(header).toEqual({ deviceId: 'world', role: 'world', seq: 41, sourceWidthPx: 768, sourceHeightPx: 432, tNs: 4.1e9 });
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 432]);
    expect(server.stats()).toMatchObject({ clients: 1, scenesSent: 1, framesSent: 1, framesEncoded: 1, dropped: 0 });
  });

  it('a client that connects later gets the last scene and the last frame at once', async () => {
    const { bus, server } = await startServer();
    const first = await connect(server.url);
    bus.publish('camera.frame', frameEvent(halFrame(image(1), 7)));
    bus.publish('ui.hud', sceneFor(7, BOX));
    await first.until('frame 7', () => first.frames.length === 1 && first.ofType('scene').length === 1);
    const late = await connect(server.url);
    await late.until('the cached scene and frame', () => late.frames.length === 1 && late.ofType('scene').length === 1);
    expect(late.frames[0]?.header.seq).toBe(7);
    expect(server.stats().framesEncoded).toBe(1); // sent from the cache, not encoded again
  });

  it('shows the tracking camera only while no world camera has been seen', async () => {
    const { bus, server } = await startServer();
    const client = await connect(server.url);
    bus.publish('camera.frame', frameEvent(halFrame(image(0), 1, 'GRAY8'), 'cam0', 'tracking'));
    await client.until('tracking frame', () => client.frames.length === 1);
    bus.publish('camera.frame', frameEvent(halFrame(image(0), 1, 'GRAY8'), 'cam1', 'tracking')); // second tracking camera: ignored
    bus.publish('camera.frame', frameEvent(halFrame(image(1), 2), 'world', 'world'));
    await client.until('world frame', () => client.frames.length === 2);
    bus.publish('camera.frame', frameEvent(halFrame(image(2), 3, 'GRAY8'), 'cam0', 'tracking')); // ignored from now on
    bus.publish('camera.frame', frameEvent(halFrame(image(3), 4), 'world', 'world'));
    await client.until('second world frame', () => client.frames.length === 3);
    await sleep(50);
    expect(client.frames.map((f) => [f.header.deviceId, f.header.role, f.header.seq])).toEqual([
      ['cam0', 'tracking', 1],
      ['world', 'world', 2],
      ['world', 'world', 4],
    ]);
    expect(server.stats().cameraDeviceId).toBe('world');
  });

  it('sends scenes at most at sceneHz, always ending on the newest', async () => {
    const { bus, server } = await startServer({ sceneHz: 20 });
    const client = await connect(server.url);
    const started = performance.now();
    let last = 0;
    for (let seq = 1; seq <= 150; seq += 1) {
      bus.publish('ui.hud', sceneFor(seq, BOX));
      last = seq;
      await sleep(2);
    }
    const elapsedMs = performance.now() - started;
    await client.until('the newest scene', () => client.ofType('scene').some((m) => (m.scene as HudScene).tNs === last * 1e8));
    const scenes = client.ofType('scene');
    expect(scenes.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 50) + 2);
    expect(scenes.length).toBeGreaterThanOrEqual(3);
    expect(server.stats()).toMatchObject({ scenesReceived: 150, scenesBuilt: scenes.length });
  });

  it('pushes stats at 2 Hz from the callback, with this client link counters', async () => {
    let calls = 0;
    const { server } = await startServer({ stats: () => fakeStats(++calls * 1e9) });
    const client = await connect(server.url);
    await client.until('two stats messages', () => client.ofType('stats').length >= 2, 3000);
    const [a, b] = client.ofType('stats') as [Record<string, unknown>, Record<string, unknown>];
    expect(a.stats).toEqual(fakeStats(1e9));
    expect(b.stats).toEqual(fakeStats(2e9));
    expect(a.link).toEqual({ clients: 1, framesSent: 0, scenesSent: 0, dropped: 0 });
  });

  it('keeps running when the stats callback throws', async () => {
    const { bus, server } = await startServer({ stats: () => { throw new Error('no stats yet'); }, statsHz: 20 });
    const client = await connect(server.url);
    await sleep(150);
    bus.publish('ui.hud', sceneFor(1, BOX));
    await client.until('a scene', () => client.ofType('scene').length === 1);
    expect(client.ofType('stats')).toEqual([]);
  });
});

describe('HudServer: slow clients (keep-latest)', () => {
  it('drops stale messages for a client that stops reading, bounds its buffer, and gives it the newest on resume', async () => {
    const maxBufferedBytes = 64 * 1024;
    const { bus, server } = await startServer({ maxBufferedBytes, jpegQuality: 95 });
    const fast = await connect(server.url);
    let slowSocket: Socket | undefined;
    const slow = new HudTestClient(server.url);
    cleanup.push(() => slow.close());
    slow.ws.on('upgrade', (res) => (slowSocket = res.socket));
    await slow.opened();
    await slow.until('hello', () => slow.ofType('hello').length === 1);
    (slowSocket as Socket).pause(); // the slow client stops reading; kernel buffers fill, then the server's

    let seq = 0;
    let largestFrame = 0;
    let maxBuffered = 0;
    const slowStats = () => server.stats().perClient.find((c) => c.id === 2);
    while ((slowStats()?.dropped.frame ?? 0) < 10) {
      if (seq > 3000) throw new Error(`no frame drops for the stalled client after ${seq} frames`);
      seq += 1;
      const encoded = server.stats().framesEncoded;
      bus.publish('camera.frame', frameEvent(halFrame(image(seq), seq)));
      bus.publish('ui.hud', sceneFor(seq, BOX));
      await poll(`frame ${seq} encoded`, () => server.stats().framesEncoded > encoded);
      largestFrame = Math.max(largestFrame, fast.frames.at(-1)?.jpeg.length ?? 0);
      maxBuffered = Math.max(maxBuffered, slowStats()?.bufferedBytes ?? 0);
    }
    await fast.until(`frame ${seq} at the fast client`, () => fast.frames.at(-1)?.header.seq === seq);
    expect(fast.frames.length).toBe(seq); // the stalled client never held the fast one back
    expect(server.stats().perClient.find((c) => c.id === 1)?.dropped.frame).toBe(0);
    // Held by the socket: below the limit when the last message was written, plus that message.
    expect(maxBuffered).toBeLessThan(maxBufferedBytes + largestFrame + 4096);

    (slowSocket as Socket).resume();
    await slow.until(`frame ${seq} at the slow client`, () => slow.frames.at(-1)?.header.seq === seq, 10_000);
    await slow.until('the newest scene', () => (slow.ofType('scene').at(-1)?.scene as HudScene | undefined)?.tNs === seq * 1e8);
    const seqs = slow.frames.map((f) => f.header.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // never an older frame after a newer one
    const dropped = slowStats()?.dropped.frame ?? 0;
    expect(slow.frames.length + dropped).toBe(seq); // every frame was sent or counted as dropped
    expect(server.stats().dropped).toBeGreaterThanOrEqual(dropped);
  });

  it('close() sends clients code 1001 and returns within the grace period when a client stopped reading', async () => {
    const { server } = await startServer();
    const client = await connect(server.url);
    const stalled = new HudTestClient(server.url);
    cleanup.push(() => stalled.ws.terminate());
    stalled.ws.on('upgrade', (res) => res.socket.pause());
    await stalled.opened();
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(await closed).toBe(1001);
    expect(server.stats().clients).toBe(0);
  });
});
