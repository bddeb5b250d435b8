/**
 * Test helpers for `karana top`: a minimal Foxglove WebSocket server (`FoxgloveServer` from @foxglove/ws-protocol
 * over a real `ws` socket on a free port) advertising bus topics as JSON channels, as the live-view bridge does
 * (topic name as on the bus, JSON encoding, schema `karana.<topic>`), and a captured output stream.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import wsProtocol from '@foxglove/ws-protocol';
import { WebSocketServer } from 'ws';
import type { Bus } from '../../src/bus/bus.js';
import type { TopicName } from '../../src/bus/topics.js';

const { FoxgloveServer } = wsProtocol;

export interface TestBridge {
  readonly url: string;
  readonly server: InstanceType<typeof FoxgloveServer>;
  /** Topics a client subscribed to. */
  readonly subscribed: Set<string>;
  /** Send raw bytes on a topic's channel (bad-message tests). */
  sendRaw(topic: string, bytes: Uint8Array): void;
  /** Drop every client connection (as a run that ends does). */
  disconnectAll(): void;
  close(): Promise<void>;
}

/** Serve `topics` (and publish what `bus` delivers on them, when given) on 127.0.0.1, any free port. */
export async function startTestBridge(topics: readonly string[], bus?: Bus): Promise<TestBridge> {
  const server = new FoxgloveServer({ name: 'karana-test-bridge' });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => server.handleProtocols(protocols) });
  await once(wss, 'listening');
  wss.on('connection', (conn, req) => server.handleConnection(conn, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
  const channels = new Map<string, number>();
  const byId = new Map<number, string>();
  for (const topic of topics) {
    const id = server.addChannel({ topic, encoding: 'json', schemaName: `karana.${topic}`, schema: JSON.stringify({ type: 'object' }), schemaEncoding: 'jsonschema' });
    channels.set(topic, id);
    byId.set(id, topic);
  }
  const subscribed = new Set<string>();
  server.on('subscribe', (id) => subscribed.add(byId.get(id) ?? `?${id}`));
  server.on('unsubscribe', (id) => subscribed.delete(byId.get(id) ?? `?${id}`));
  const encoder = new TextEncoder();
  const subs = bus === undefined ? [] : topics.map((topic) => bus.observe(topic as TopicName).subscribe((e) => server.sendMessage(channels.get(topic) as number, BigInt(Math.round(e.publishedNs)), encoder.encode(JSON.stringify(e.payload, jsonable)))));
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    server,
    subscribed,
    sendRaw: (topic, bytes) => server.sendMessage(channels.get(topic) as number, 0n, bytes),
    disconnectAll: () => {
      for (const c of wss.clients) c.terminate();
    },
    async close() {
      for (const s of subs) s.unsubscribe();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** An output stream that keeps what is written; `isTTY`/`rows` as given. */
export class CapturedOutput extends EventEmitter {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly rows?: number,
  ) {
    super();
  }

  write(chunk: string): boolean {
    this.text += chunk;
    this.emit('write', chunk);
    return true;
  }

  /** Resolves once the output contains `needle` (n times). */
  async waitFor(needle: string, times = 1): Promise<void> {
    while (this.text.split(needle).length - 1 < times) await once(this, 'write');
  }
}

/** A keyboard: a TTY-like input whose raw-mode calls are recorded. */
export class FakeKeys extends EventEmitter {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.rawModes.push(raw);
    return this;
  }
  override off(event: 'data', listener: (chunk: Buffer | string) => void): this {
    return super.off(event, listener);
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  press(key: string): void {
    this.emit('data', Buffer.from(key));
  }
}

/** JSON of bus payloads: bigints as strings, typed arrays and buffers by length only. */
function jsonable(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return { bytes: value.byteLength };
  return value;
}
