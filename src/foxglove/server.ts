/**
 * The live view for developers: a Foxglove WebSocket server (`foxglove.websocket.v1`, `FoxgloveServer` of
 * @foxglove/ws-protocol over a `ws` WebSocketServer) that advertises the runtime's bus topics as channels
 * (`channels.ts`) so Foxglove or Lichtblick, opened on `ws://<host>:<port>`, shows a running runtime.
 *
 * - No work without clients: the bridge observes a bus topic only while some client subscribes to a channel fed
 *   by it, and encodes only for subscribed channels.
 * - Backpressure per client (`client-socket.ts`): droppable channels drop their newest message for a client whose
 *   send buffer is over `sendBufferLimitBytes`; JPEG encodes run one at a time per channel, newest frame next.
 * - Clock: message timestamps (and the protocol's message `logTime`) are on the runtime clock: a message's
 *   protocol timestamp is its bus publication time, its payload `timestamp` the event's own time (capture time
 *   for sensors). The server declares the `time` capability and broadcasts the bus clock so the client's
 *   timeline follows the runtime.
 * - A bad client message (not JSON, unknown op, unknown channel) is answered with a status message or dropped
 *   and counted (`clientErrors`); it never stops the server.
 * Source: Foxglove WebSocket protocol v1 (github.com/foxglove/ws-protocol/blob/main/docs/spec.md).
 */
import wsProtocol from '@foxglove/ws-protocol';
import type { Subscription } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DeviceInfo } from '../../hal/types.js';
import type { AnyEnvelope, Bus } from '../bus/bus.js';
import type { TopicName } from '../bus/topics.js';
import { foxgloveChannels, type ChannelMessage, type ChannelSpec, type ImageMode } from './channels.js';
import { ClientSocket, type ChannelCounters, type SendContext } from './client-socket.js';
import { runtimeNsU64 } from './schemas.js';

const { FoxgloveServer } = wsProtocol;

/** foxglove_bridge's default `send_buffer_limit`, bytes. */
export const DEFAULT_SEND_BUFFER_LIMIT_BYTES = 10_000_000;
/** Default port of Foxglove WebSocket servers. */
export const DEFAULT_FOXGLOVE_PORT = 8765;
/** Bus time between two `time` broadcasts, ns. */
const TIME_BROADCAST_NS = 10_000_000;
const CLOSE_GRACE_MS = 1000;

export interface FoxgloveBridgeOptions {
  readonly bus: Bus;
  /** TCP port (default 8765; 0: any free port). */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 to reach it from another machine). */
  readonly host?: string;
  /** The session's devices: a camera channel per camera (with its calibration and mounting), an IMU channel per IMU. */
  readonly devices?: readonly DeviceInfo[];
  readonly images?: ImageMode;
  readonly jpegQuality?: number;
  /** Per-client bytes buffered above which droppable channels drop messages (default 10 MB). */
  readonly sendBufferLimitBytes?: number;
  /** Server name in `serverInfo` (default `karana-edge`). */
  readonly name?: string;
  /** Encoding failures and bad client messages, as they happen (default: ignored, counted in `stats()`). */
  readonly onError?: (error: Error) => void;
  /** Host clock for the bytes-per-second figures, ns (default `process.hrtime.bigint`). */
  readonly hostNowNs?: () => bigint;
}

export interface FoxgloveChannelStats {
  readonly topic: string;
  readonly schemaName: string;
  readonly busTopics: readonly TopicName[];
  readonly subscribed: boolean;
  /** Messages encoded and their payload bytes (once per message, whatever the number of clients). */
  readonly encoded: number;
  readonly encodedBytes: number;
  /** Messages and payload+header bytes sent, summed over clients. */
  readonly messages: number;
  readonly bytes: number;
  /** Messages not sent to a client whose buffer was full. */
  readonly dropped: number;
  /** JPEG frames never encoded because a newer one came while an encode ran. */
  readonly skipped: number;
  readonly encodeErrors: number;
  /** `bytes` over the bus-clock span from the first to the last message sent (real time at `--speed 1`), B/s. */
  readonly bytesPerRuntimeS: number;
  /** `encodedBytes` over the same span: what one client that keeps up gets per second of runtime, B/s. */
  readonly encodedBytesPerRuntimeS: number;
  /** `bytes` over the host-clock span from the first to the last message sent, B/s. */
  readonly bytesPerHostS: number;
}

export interface FoxgloveBridgeStats {
  readonly clients: number;
  readonly connections: number;
  /** Client messages the server could not take (bad JSON, unknown op…). */
  readonly clientErrors: number;
  readonly channels: readonly FoxgloveChannelStats[];
}

export interface FoxgloveBridgeHandle {
  readonly port: number;
  /** `ws://host:port`. */
  readonly url: string;
  stats(): FoxgloveBridgeStats;
  /** Closes every client (1001), then the server; idempotent. */
  close(): Promise<void>;
}

interface ChannelState extends ChannelCounters {
  readonly id: number;
  readonly spec: ChannelSpec;
  subscribed: boolean;
  encoded: number;
  encodedBytes: number;
  skipped: number;
  encodeErrors: number;
  encoding: boolean;
  pending: AnyEnvelope | null;
  first: { busNs: number; hostNs: bigint } | null;
  last: { busNs: number; hostNs: bigint } | null;
}

/**
 * Starts the live view on `port` of `host`. Rejects when the port cannot be listened on (the error names the
 * address) or an option is out of range (RangeError naming it).
 */
export async function startFoxgloveBridge(options: FoxgloveBridgeOptions): Promise<FoxgloveBridgeHandle> {
  const limit = options.sendBufferLimitBytes ?? DEFAULT_SEND_BUFFER_LIMIT_BYTES;
  if (!(limit > 0)) throw new RangeError(`"sendBufferLimitBytes" must be positive, got ${limit}`);
  const port = options.port ?? DEFAULT_FOXGLOVE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`"port" must be an integer 0–65535, got ${port}`);
  const host = options.host ?? '127.0.0.1';
  const specs = foxgloveChannels({
    ...(options.devices === undefined ? {} : { devices: options.devices }),
    ...(options.images === undefined ? {} : { images: options.images }),
    ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
  });
  const wss = new WebSocketServer({ port, host, handleProtocols: (protocols) => (protocols.has(FoxgloveServer.SUPPORTED_SUBPROTOCOL) ? FoxgloveServer.SUPPORTED_SUBPROTOCOL : false) });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`Foxglove server: cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err })));
  });
  return new FoxgloveBridge(options, wss, specs, limit);
}

class FoxgloveBridge implements FoxgloveBridgeHandle {
  readonly port: number;
  readonly url: string;
  private readonly server: InstanceType<typeof FoxgloveServer>;
  private readonly channels = new Map<number, ChannelState>();
  private readonly busSubs = new Map<TopicName, { refs: number; sub: Subscription }>();
  private readonly sockets = new Set<WebSocket>();
  private readonly context: SendContext = { current: null };
  private readonly hostNowNs: () => bigint;
  private connections = 0;
  private clientErrors = 0;
  private lastTimeNs = -Infinity;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly options: FoxgloveBridgeOptions,
    private readonly wss: WebSocketServer,
    specs: readonly ChannelSpec[],
    private readonly limit: number,
  ) {
    const address = wss.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    const host = options.host ?? '127.0.0.1';
    this.url = `ws://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    this.hostNowNs = options.hostNowNs ?? (() => process.hrtime.bigint());
    this.server = new FoxgloveServer({ name: options.name ?? 'karana-edge', capabilities: ['time'], supportedEncodings: ['json'], metadata: { clock: 'runtime (ns since the runtime started)' } });
    for (const spec of specs) {
      const id = this.server.addChannel({ topic: spec.topic, encoding: 'json', schemaName: spec.schema.name, schema: new TextDecoder().decode(spec.schema.data), schemaEncoding: 'jsonschema' });
      this.channels.set(id, { id, spec, droppable: spec.droppable, subscribed: false, encoded: 0, encodedBytes: 0, messages: 0, bytes: 0, dropped: 0, skipped: 0, encodeErrors: 0, encoding: false, pending: null, first: null, last: null });
    }
    this.server.on('subscribe', (id) => this.setSubscribed(id, true));
    this.server.on('unsubscribe', (id) => this.setSubscribed(id, false));
    this.server.on('error', (err) => {
      this.clientErrors += 1;
      this.options.onError?.(err);
    });
    wss.on('connection', (ws, request) => this.accept(ws, `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`));
  }

  private accept(ws: WebSocket, name: string): void {
    if (ws.protocol !== FoxgloveServer.SUPPORTED_SUBPROTOCOL) {
      ws.close(1002, `expected subprotocol ${FoxgloveServer.SUPPORTED_SUBPROTOCOL}`);
      return;
    }
    this.connections += 1;
    this.sockets.add(ws);
    ws.once('close', () => this.sockets.delete(ws));
    this.server.handleConnection(new ClientSocket(ws, this.context, this.limit), name);
  }

  private setSubscribed(id: number, on: boolean): void {
    const ch = this.channels.get(id);
    if (ch === undefined || ch.subscribed === on || this.closing !== null) return;
    ch.subscribed = on;
    for (const topic of ch.spec.busTopics) {
      const entry = this.busSubs.get(topic);
      if (on && entry === undefined) this.busSubs.set(topic, { refs: 1, sub: this.options.bus.observe(topic).subscribe((e) => this.onEvent(e as AnyEnvelope)) });
      else if (on && entry !== undefined) entry.refs += 1;
      else if (!on && entry !== undefined && --entry.refs === 0) {
        entry.sub.unsubscribe();
        this.busSubs.delete(topic);
      }
    }
  }

  private onEvent(e: AnyEnvelope): void {
    if (e.publishedNs - this.lastTimeNs >= TIME_BROADCAST_NS) {
      this.lastTimeNs = e.publishedNs;
      this.server.broadcastTime(runtimeNsU64(e.publishedNs));
    }
    for (const ch of this.channels.values()) {
      if (!ch.subscribed || !ch.spec.busTopics.includes(e.topic)) continue;
      if (ch.spec.async) this.encodeAsync(ch, e);
      else this.encodeSync(ch, e);
    }
  }

  private encodeSync(ch: ChannelState, e: AnyEnvelope): void {
    let messages: readonly ChannelMessage[];
    try {
      messages = ch.spec.encode(e) as readonly ChannelMessage[];
    } catch (err) {
      this.encodeFailed(ch, err);
      return;
    }
    this.send(ch, e, messages);
  }

  /** One encode in flight per channel; the newest event waits, older waiting ones are skipped. */
  private encodeAsync(ch: ChannelState, e: AnyEnvelope): void {
    if (ch.encoding) {
      if (ch.pending !== null) ch.skipped += 1;
      ch.pending = e;
      return;
    }
    ch.encoding = true;
    void Promise.resolve()
      .then(() => ch.spec.encode(e))
      .then(
        (messages) => this.send(ch, e, messages),
        (err: unknown) => this.encodeFailed(ch, err),
      )
      .finally(() => {
        ch.encoding = false;
        const next = ch.pending;
        ch.pending = null;
        if (next !== null && ch.subscribed && this.closing === null) this.encodeAsync(ch, next);
      });
  }

  private send(ch: ChannelState, e: AnyEnvelope, messages: readonly ChannelMessage[]): void {
    if (messages.length === 0 || !ch.subscribed || this.closing !== null) return;
    const stamp = { busNs: e.publishedNs, hostNs: this.hostNowNs() };
    ch.first ??= stamp;
    ch.last = stamp;
    this.context.current = ch;
    try {
      for (const m of messages) {
        ch.encoded += 1;
        ch.encodedBytes += m.data.byteLength;
        this.server.sendMessage(ch.id, runtimeNsU64(e.publishedNs), m.data);
      }
    } finally {
      this.context.current = null;
    }
  }

  private encodeFailed(ch: ChannelState, err: unknown): void {
    ch.encodeErrors += 1;
    const error = err instanceof Error ? err : new Error(String(err));
    this.options.onError?.(new Error(`Foxglove channel ${ch.spec.topic}: ${error.message}`, { cause: error }));
  }

  stats(): FoxgloveBridgeStats {
    return {
      clients: this.sockets.size,
      connections: this.connections,
      clientErrors: this.clientErrors,
      channels: [...this.channels.values()].map((ch) => {
        const busS = ch.first === null || ch.last === null ? 0 : (ch.last.busNs - ch.first.busNs) / 1e9;
        const hostS = ch.first === null || ch.last === null ? 0 : Number(ch.last.hostNs - ch.first.hostNs) / 1e9;
        return {
          topic: ch.spec.topic,
          schemaName: ch.spec.schema.name,
          busTopics: ch.spec.busTopics,
          subscribed: ch.subscribed,
          encoded: ch.encoded,
          encodedBytes: ch.encodedBytes,
          messages: ch.messages,
          bytes: ch.bytes,
          dropped: ch.dropped,
          skipped: ch.skipped,
          encodeErrors: ch.encodeErrors,
          bytesPerRuntimeS: busS > 0 ? ch.bytes / busS : 0,
          encodedBytesPerRuntimeS: busS > 0 ? ch.encodedBytes / busS : 0,
          bytesPerHostS: hostS > 0 ? ch.bytes / hostS : 0,
        };
      }),
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const { sub } of this.busSubs.values()) sub.unsubscribe();
    this.busSubs.clear();
    const gone = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'server closing');
        }),
    );
    await Promise.all(gone);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
