/**
 * The HUD server: serves the HUD page (`GET /`, `/hud.js`, `/hud.css`), a health check (`GET /healthz`)
 * and a WebSocket (`GET /ws`) that pushes what the page draws:
 *
 * - `ui.hud` scenes as JSON text `{type:'scene', scene}`, at most `sceneHz` per second (newer scenes
 *   replace older ones between sends);
 * - frames of the shown camera (the first `world` camera; the first `tracking` camera while no world
 *   frame has been seen) as binary JPEG messages with a `KHF1` header (`frame-codec.ts`), encoded by
 *   sharp, one encode in flight, always the newest frame, and only while a client is connected;
 * - run figures `{type:'stats', stats, link}` at `statsHz` from the `stats()` callback;
 * - `pose.updated` of sources `predicted` and `vio` as small JSON `{type:'pose', …, sentMs}` at pose rate
 *   (one keep-latest slot per source), for the page's late latching;
 * - with a display profile: the profile in `hello`, and frames of its background camera too.
 *
 * From the page it takes input (gaze, pinch, keys → `ui.input` on the bus) and clock pings (`page-messages.ts`).
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
import type { CameraFrameEvent, HudScene, PoseEvent } from '../bus/topics.js';
import { HudClient } from './client.js';
import { type JpegOptions } from './frame-codec.js';
import { FrameChannel } from './frame-channel.js';
import { PAGE_ASSETS } from './page/index.js';
import { epochMs, parsePageMessage, toUiInput } from './page-messages.js';
import type { HudMessageKind, HudServerHandle, HudServerOptions, HudServerStats } from './types.js';

/** Version of the WebSocket protocol, sent in the `hello` message (2: poses, display profile, page input). */
export const HUD_PROTOCOL_VERSION = 2;
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
  private readonly retired = { scenesSent: 0, framesSent: 0, statsSent: 0, posesSent: 0, dropped: 0, bytes: { scene: 0, frame: 0, stats: 0, pose: 0 } as Record<HudMessageKind, number> };
  private readonly counters = { connections: 0, scenesReceived: 0, scenesBuilt: 0, statsErrors: 0, posesReceived: 0, inputsPublished: 0, inputsRejected: 0 };
  /** The shown camera's frames, and the display's background camera's when it is another camera. */
  private readonly shownFrames: FrameChannel;
  private readonly backgroundFrames: FrameChannel;
  private readonly latestPoses = new Map<string, string>();
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
    const channel = (): FrameChannel =>
      new FrameChannel(
        this.jpeg,
        () => this.clients.size > 0,
        (message) => this.broadcast('frame', message, 'camera'),
        (err, event) => this.app.log.warn({ err, deviceId: event.deviceId, seq: event.frame.seq }, 'HUD frame encode failed'),
      );
    this.shownFrames = channel();
    this.backgroundFrames = new FrameChannel(
      this.jpeg,
      () => this.clients.size > 0,
      (message) => this.broadcast('frame', message, 'background'),
      (err, event) => this.app.log.warn({ err, deviceId: event.deviceId, seq: event.frame.seq }, 'HUD background frame encode failed'),
    );
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
    server.subs.push(options.bus.observe('pose.updated').subscribe((e) => server.onPose(e.payload)));
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
      framesReceived: this.shownFrames.counters.received,
      framesEncoded: this.shownFrames.counters.encoded,
      framesSkipped: this.shownFrames.counters.skipped,
      encodeErrors: this.shownFrames.counters.encodeErrors + this.backgroundFrames.counters.encodeErrors,
      framesSent: this.retired.framesSent + sum((c) => c.sent.frame),
      statsSent: this.retired.statsSent + sum((c) => c.sent.stats),
      dropped: this.retired.dropped + sum((c) => c.dropped.scene + c.dropped.frame + c.dropped.stats + c.dropped.pose),
      cameraDeviceId: this.camera?.deviceId ?? null,
      posesReceived: this.counters.posesReceived,
      posesSent: this.retired.posesSent + sum((c) => c.sent.pose),
      inputsPublished: this.counters.inputsPublished,
      inputsRejected: this.counters.inputsRejected,
      bytesSent: Object.fromEntries((['scene', 'frame', 'stats', 'pose'] as const).map((k) => [k, this.retired.bytes[k] + sum((c) => c.bytesSent[k])])) as Record<HudMessageKind, number>,
      perClient: live,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subs) s.unsubscribe();
    if (this.sceneTimer !== null) clearTimeout(this.sceneTimer);
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.shownFrames.close();
    this.backgroundFrames.close();
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
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onPageMessage(client, isBinary ? null : data.toString('utf8')));
    client.sendNow(
      JSON.stringify({
        type: 'hello',
        protocol: HUD_PROTOCOL_VERSION,
        sceneHz: this.sceneHz,
        statsHz: this.statsHz,
        frameMagic: 'KHF1',
        serverMs: epochMs(),
        display: this.options.displayProfile ?? null,
      }),
    );
    if (this.lastScene !== null) client.offer('scene', sceneMessage(this.lastScene));
    for (const [source, message] of this.latestPoses) client.offer('pose', message, source);
    // Cached frames only when no newer one waits for encoding (it is encoded now that a client is here).
    if (this.shownFrames.message !== null && !this.shownFrames.hasPending) client.offer('frame', this.shownFrames.message, 'camera');
    if (this.backgroundFrames.message !== null && !this.backgroundFrames.hasPending) client.offer('frame', this.backgroundFrames.message, 'background');
    this.shownFrames.encodeNext();
    this.backgroundFrames.encodeNext();
  }

  /** A text message from a page: input → `ui.input`; ping → pong with the server's epoch ms. */
  private onPageMessage(client: HudClient, text: string | null): void {
    const parsed = text === null ? { error: 'binary message' } : parsePageMessage(text);
    if ('error' in parsed) {
      this.counters.inputsRejected += 1;
      if (this.counters.inputsRejected <= 3) this.app.log.warn({ client: client.remote, reason: parsed.error }, 'HUD page message rejected');
      return;
    }
    const m = parsed.message;
    if (m.type === 'ping') {
      client.sendNow(JSON.stringify({ type: 'pong', t0Ms: m.t0Ms, serverMs: epochMs() }));
      return;
    }
    this.counters.inputsPublished += 1;
    this.options.bus.publish('ui.input', toUiInput(m, this.options.bus.clockNs(), 'hud-page'));
  }

  /**
   * `pose.updated` of the sources the page latches (`predicted`, `vio`): one small JSON per event, stamped
   * with the server's epoch ms and the bus clock when observed (`sentMs`, `busNs`: together they put the pose's
   * runtime time on the host's clock) and the clock's rate, keep-latest per source and client.
   */
  private onPose(p: PoseEvent): void {
    if (p.source !== 'predicted' && p.source !== 'vio') return;
    this.counters.posesReceived += 1;
    const message = JSON.stringify({
      type: 'pose', source: p.source, tNs: p.tNs, q: p.q_world_body, p: p.p_world_body_m ?? null, v: p.v_world_mps ?? null, omega: p.omega_body_radps ?? null, horizonNs: p.horizonNs ?? null,
      sentMs: epochMs(), busNs: this.options.bus.clockNs(), clockRate: this.options.clockRate ?? 0,
    });
    this.latestPoses.set(p.source, message);
    for (const c of this.clients.values()) c.offer('pose', message, p.source);
  }

  private broadcast(kind: HudMessageKind, message: string | Buffer, sub?: string): void {
    for (const c of this.clients.values()) c.offer(kind, message, sub);
  }

  private retire(client: HudClient): void {
    if (!this.clients.delete(client.id)) return;
    const s = client.stats();
    this.retired.scenesSent += s.sent.scene;
    this.retired.framesSent += s.sent.frame;
    this.retired.statsSent += s.sent.stats;
    this.retired.posesSent += s.sent.pose;
    this.retired.dropped += client.droppedTotal();
    for (const k of ['scene', 'frame', 'stats', 'pose'] as const) this.retired.bytes[k] += s.bytesSent[k];
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
    const background = this.options.displayProfile?.backgroundCameraId ?? null;
    const shown = this.shows(event);
    if (shown) this.shownFrames.push(event);
    else if (event.deviceId === background) this.backgroundFrames.push(event);
  }

  /** The first world camera seen; until one is seen, the first tracking camera. */
  private shows(event: CameraFrameEvent): boolean {
    if (event.role === 'world' && this.camera?.role !== 'world') {
      this.camera = { deviceId: event.deviceId, role: 'world' };
      this.shownFrames.clearPending();
    } else if (this.camera === null) {
      this.camera = { deviceId: event.deviceId, role: event.role };
    }
    return event.deviceId === this.camera.deviceId && event.role === this.camera.role;
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
