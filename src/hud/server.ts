/**
 * The HUD server: serves the HUD page (`GET /`, `/hud.js`, `/hud.css`), a health check (`GET /healthz`)
 * and a WebSocket (`GET /ws`) that pushes what the page draws:
 *
 * - `ui.hud` scenes as JSON text `{type:'scene', scene}`, at most `sceneHz` per second (newer scenes
 *   replace older ones between sends);
 * - frames of the shown camera (the first `world` camera; the first `tracking` camera while no world
 *   frame has been seen) as binary JPEG messages with a `KHF1` header (`frame-codec.ts`), encoded by
 *   sharp, one encode in flight, always the newest frame, and only while a client is connected;
 * - run figures `{type:'stats', stats, link}` at `statsHz` from the `stats()` callback.
 *
 * Every client has a keep-latest outbox per message kind (`client.ts`): a slow client never makes the
 * server queue without bound; what it misses is dropped and counted. Protocol: `docs/hud.md`.
 */
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { CameraRole } from '../../hal/types.js';
import type { CameraFrameEvent, HudScene } from '../bus/topics.js';
import { HudClient } from './client.js';
import { encodeFrameMessage, frameToJpeg, type JpegOptions } from './frame-codec.js';
import { PAGE_ASSETS } from './page/index.js';
import type { HudServerHandle, HudServerOptions, HudServerStats } from './types.js';

/** Version of the WebSocket protocol, sent in the `hello` message. */
export const HUD_PROTOCOL_VERSION = 1;
/** How long `close()` waits for a client to answer the close frame before cutting it off, ms. */
const CLOSE_GRACE_MS = 1000;

interface ShownCamera {
  readonly deviceId: string;
  readonly role: CameraRole;
}

export class HudServer implements HudServerHandle {
  private readonly subs: Subscription[] = [];
  private readonly clients = new Map<number, HudClient>();
  /** Counters of clients that have gone, so totals survive disconnects. */
  private readonly retired = { scenesSent: 0, framesSent: 0, statsSent: 0, dropped: 0 };
  private readonly counters = {
    connections: 0,
    scenesReceived: 0,
    scenesBuilt: 0,
    framesReceived: 0,
    framesEncoded: 0,
    framesSkipped: 0,
    encodeErrors: 0,
    statsErrors: 0,
  };
  private readonly sceneHz: number;
  private readonly statsHz: number;
  private readonly sceneIntervalMs: number;
  private readonly jpeg: JpegOptions;
  private readonly maxBufferedBytes: number;
  private nextClientId = 1;
  private camera: ShownCamera | null = null;
  private lastScene: HudScene | null = null;
  private sceneDirty = false;
  private lastSceneBuiltMs = -Infinity;
  private sceneTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private pendingFrame: CameraFrameEvent | null = null;
  private frameMessage: Buffer | null = null;
  private encoding = false;
  private closed = false;
  private urlValue = '';

  private constructor(
    private readonly options: HudServerOptions,
    private readonly app: FastifyInstance,
  ) {
    this.sceneHz = positive('sceneHz', options.sceneHz ?? 30);
    this.statsHz = positive('statsHz', options.statsHz ?? 2);
    this.sceneIntervalMs = 1000 / this.sceneHz;
    this.jpeg = {
      quality: Math.round(Math.min(100, Math.max(1, options.jpegQuality ?? 80))),
      maxWidthPx: positive('maxFrameWidthPx', options.maxFrameWidthPx ?? 1280),
    };
    this.maxBufferedBytes = positive('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024);
  }

  /**
   * Start listening on `host:port` (port 0: a free port) and observing the bus. Resolves once the socket
   * listens; rejects with an error naming the address when it cannot (port in use, bad host), or with a
   * RangeError naming an option that is not a positive number.
   */
  static async start(options: HudServerOptions): Promise<HudServer> {
    const app = Fastify(options.logger !== undefined ? { loggerInstance: options.logger } : { logger: false });
    const server = new HudServer(options, app);
    try {
      await server.routes();
      const host = options.host ?? '127.0.0.1';
      await app.listen({ port: options.port, host });
      const address = app.server.address() as AddressInfo;
      const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      server.urlValue = `http://${urlHost}:${address.port}/`;
    } catch (err) {
      await app.close();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`HUD server cannot listen on ${options.host ?? '127.0.0.1'}:${options.port}: ${reason}`);
    }
    server.subs.push(options.bus.observe('ui.hud').subscribe((e) => server.onScene(e.payload)));
    server.subs.push(options.bus.observe('camera.frame').subscribe((e) => server.onFrame(e.payload)));
    server.statsTimer = setInterval(() => server.pushStats(), 1000 / server.statsHz);
    return server;
  }

  get url(): string {
    return this.urlValue;
  }

  stats(): HudServerStats {
    const live = [...this.clients.values()].map((c) => c.stats());
    const sum = (f: (c: (typeof live)[number]) => number): number => live.reduce((a, c) => a + f(c), 0);
    return {
      clients: live.length,
      connections: this.counters.connections,
      scenesReceived: this.counters.scenesReceived,
      scenesBuilt: this.counters.scenesBuilt,
      scenesSent: this.retired.scenesSent + sum((c) => c.sent.scene),
      framesReceived: this.counters.framesReceived,
      framesEncoded: this.counters.framesEncoded,
      framesSkipped: this.counters.framesSkipped,
      encodeErrors: this.counters.encodeErrors,
      framesSent: this.retired.framesSent + sum((c) => c.sent.frame),
      statsSent: this.retired.statsSent + sum((c) => c.sent.stats),
      dropped: this.retired.dropped + sum((c) => c.dropped.scene + c.dropped.frame + c.dropped.stats),
      cameraDeviceId: this.camera?.deviceId ?? null,
      perClient: live,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subs) s.unsubscribe();
    if (this.sceneTimer !== null) clearTimeout(this.sceneTimer);
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    await Promise.all([...this.clients.values()].map((c) => c.close(1001, 'HUD server closing', CLOSE_GRACE_MS)));
    await this.app.close();
  }

  private async routes(): Promise<void> {
    const app = this.app;
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    for (const [path, asset] of PAGE_ASSETS) {
      app.get(path, (_req, reply) => reply.type(asset.contentType).header('cache-control', 'no-store').send(asset.body));
    }
    app.get('/healthz', () => ({ ok: true, clients: this.clients.size, url: this.urlValue }));
    app.get('/ws', { websocket: true }, (socket, req) => this.onConnection(socket, req));
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: 'not found', method: req.method, path: req.url }),
    );
  }

  private onConnection(socket: WebSocket, req: FastifyRequest): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const client = new HudClient(this.nextClientId++, remote, socket, this.maxBufferedBytes);
    this.clients.set(client.id, client);
    this.counters.connections += 1;
    socket.on('close', () => this.retire(client));
    socket.on('message', () => undefined); // the page sends nothing the server needs
    client.sendNow(
      JSON.stringify({
        type: 'hello',
        protocol: HUD_PROTOCOL_VERSION,
        sceneHz: this.sceneHz,
        statsHz: this.statsHz,
        frameMagic: 'KHF1',
      }),
    );
    if (this.lastScene !== null) client.offer('scene', sceneMessage(this.lastScene));
    // The cached frame only when no newer one waits for encoding (it is encoded now that a client is here).
    if (this.frameMessage !== null && this.pendingFrame === null) client.offer('frame', this.frameMessage);
    this.encodeNext();
  }

  private retire(client: HudClient): void {
    if (!this.clients.delete(client.id)) return;
    const s = client.stats();
    this.retired.scenesSent += s.sent.scene;
    this.retired.framesSent += s.sent.frame;
    this.retired.statsSent += s.sent.stats;
    this.retired.dropped += client.droppedTotal();
  }

  /** Keep the newest scene; build and send it now, or when the display interval since the last one ends. */
  private onScene(scene: HudScene): void {
    this.counters.scenesReceived += 1;
    this.lastScene = scene;
    this.sceneDirty = true;
    if (this.sceneTimer !== null) return;
    const waitMs = this.lastSceneBuiltMs + this.sceneIntervalMs - performance.now();
    if (waitMs <= 0) {
      this.broadcastScene();
      return;
    }
    this.sceneTimer = setTimeout(() => {
      this.sceneTimer = null;
      this.broadcastScene();
    }, waitMs);
  }

  private broadcastScene(): void {
    if (!this.sceneDirty || this.lastScene === null || this.closed) return;
    this.sceneDirty = false;
    this.lastSceneBuiltMs = performance.now();
    this.counters.scenesBuilt += 1;
    if (this.clients.size === 0) return;
    const message = sceneMessage(this.lastScene);
    for (const c of this.clients.values()) c.offer('scene', message);
  }

  private onFrame(event: CameraFrameEvent): void {
    if (!this.shows(event)) return;
    this.counters.framesReceived += 1;
    if (this.pendingFrame !== null) this.counters.framesSkipped += 1;
    this.pendingFrame = event;
    this.encodeNext();
  }

  /** The first world camera seen; until one is seen, the first tracking camera. */
  private shows(event: CameraFrameEvent): boolean {
    if (event.role === 'world' && this.camera?.role !== 'world') {
      this.camera = { deviceId: event.deviceId, role: 'world' };
      this.pendingFrame = null;
    } else if (this.camera === null) {
      this.camera = { deviceId: event.deviceId, role: event.role };
    }
    return event.deviceId === this.camera.deviceId && event.role === this.camera.role;
  }

  /** Encode the newest pending frame unless an encode is running or nobody is connected. */
  private encodeNext(): void {
    if (this.encoding || this.closed || this.clients.size === 0 || this.pendingFrame === null) return;
    const event = this.pendingFrame;
    this.pendingFrame = null;
    this.encoding = true;
    void frameToJpeg(event.frame, this.jpeg)
      .then((jpeg) => {
        this.counters.framesEncoded += 1;
        const message = encodeFrameMessage(
          {
            deviceId: event.deviceId,
            role: event.role,
            seq: event.frame.seq,
            sourceWidthPx: event.frame.widthPx,
            sourceHeightPx: event.frame.heightPx,
            tNs: event.tNs,
          },
          jpeg,
        );
        this.frameMessage = message;
        if (!this.closed) for (const c of this.clients.values()) c.offer('frame', message);
      })
      .catch((err: unknown) => {
        this.counters.encodeErrors += 1;
        this.app.log.warn({ err, deviceId: event.deviceId, seq: event.frame.seq }, 'HUD frame encode failed');
      })
      .finally(() => {
        this.encoding = false;
        this.encodeNext();
      });
  }

  private pushStats(): void {
    if (this.clients.size === 0 || this.closed) return;
    let statsJson: string;
    try {
      statsJson = JSON.stringify(this.options.stats());
    } catch (err) {
      this.counters.statsErrors += 1;
      if (this.counters.statsErrors === 1) this.app.log.warn({ err }, 'HUD stats callback failed');
      return;
    }
    for (const c of this.clients.values()) {
      const link = JSON.stringify(c.linkStats(this.clients.size));
      c.offer('stats', `{"type":"stats","stats":${statsJson},"link":${link}}`);
    }
  }
}

function sceneMessage(scene: HudScene): string {
  return JSON.stringify({ type: 'scene', scene });
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`"${name}" must be a positive number, got ${value}`);
  return value;
}
