/**
 * Helpers of the live-view tests: real frames of the bundled sample session (cam0: EuRoC MH_01 752×480 GRAY8;
 * world: 768×432 RGB8) as bus events, a Foxglove WebSocket client (`FoxgloveClient` of @foxglove/ws-protocol over
 * `ws`) that collects and decodes what it receives, schema validation with zod's JSON Schema import, and an
 * `@mcap/core` indexed reader over a file.
 */
import { open } from 'node:fs/promises';
import wsProtocol, { type Channel, type MessageData } from '@foxglove/ws-protocol';
import { McapIndexedReader } from '@mcap/core';
import WebSocket from 'ws';
import { z } from 'zod';
import { DECOMPRESS } from '../../hal/mcap/compression.js';
import { loadSession } from '../../hal/session/index.js';
import type { CameraFrame, CameraRole, DeviceInfo } from '../../hal/types.js';
import type { CameraFrameEvent } from '../../src/bus/topics.js';
import { sampleSessionPath } from '../../src/paths.js';

const { FoxgloveClient } = wsProtocol;

/** The first `n` frames of a camera of the sample session, stamped with their session time as `tNs`. */
export async function sampleFrames(deviceId: string, n: number): Promise<CameraFrameEvent[]> {
  const session = await loadSession(sampleSessionPath());
  try {
    const d = session.devices.find((x) => x.device.info.id === deviceId);
    if (d === undefined) throw new Error(`sample session has no device ${deviceId}`);
    const role = (d.device.info as { role?: CameraRole }).role ?? 'tracking';
    const out: CameraFrameEvent[] = [];
    while (out.length < n) {
      const frame = (await d.device.read()) as CameraFrame | null;
      if (frame === null) break;
      out.push({ deviceId, role, tNs: Math.max(0, Math.round(d.toSessionNs(frame.deviceTimeNs))), frame });
    }
    return out;
  } finally {
    await session.close();
  }
}

/** The device infos of the sample session. */
export async function sampleDevices(): Promise<DeviceInfo[]> {
  const session = await loadSession(sampleSessionPath());
  try {
    return session.devices.map((d) => d.device.info);
  } finally {
    await session.close();
  }
}

export interface Received {
  readonly topic: string;
  /** The protocol's message timestamp, ns. */
  readonly logTimeNs: bigint;
  readonly bytes: number;
  readonly json: Record<string, unknown>;
}

/** A Foxglove client that records the channels advertised and every message, decoded from JSON. */
export class TestClient {
  readonly ws: WebSocket;
  readonly client: InstanceType<typeof FoxgloveClient>;
  readonly channels = new Map<string, Channel>();
  readonly received: Received[] = [];
  readonly statuses: { level: number; message: string }[] = [];
  private readonly subs = new Map<string, number>();
  private readonly topicOfSub = new Map<number, string>();
  private readonly opened: Promise<void>;
  closed = false;

  constructor(url: string) {
    this.ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    this.client = new FoxgloveClient({ ws: this.ws });
    this.opened = new Promise((resolve, reject) => {
      this.client.on('open', resolve);
      this.client.on('error', reject);
    });
    this.client.on('advertise', (chs) => chs.forEach((c) => this.channels.set(c.topic, c)));
    this.client.on('status', (s) => this.statuses.push({ level: s.level, message: s.message }));
    this.client.on('close', () => (this.closed = true));
    this.client.on('message', (m: MessageData) => this.onMessage(m));
  }

  private onMessage(m: MessageData): void {
    const topic = this.topicOfSub.get(m.subscriptionId) ?? '?';
    const text = new TextDecoder().decode(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    this.received.push({ topic, logTimeNs: m.timestamp, bytes: m.data.byteLength, json: JSON.parse(text) as Record<string, unknown> });
  }

  async ready(minChannels = 1): Promise<void> {
    await this.opened;
    await poll('channels advertised', () => this.channels.size >= minChannels);
  }

  subscribe(...topics: string[]): void {
    for (const t of topics) {
      const ch = this.channels.get(t);
      if (ch === undefined) throw new Error(`no channel ${t} (have ${[...this.channels.keys()].join(', ')})`);
      const id = this.client.subscribe(ch.id);
      this.subs.set(t, id);
      this.topicOfSub.set(id, t);
    }
  }

  unsubscribe(...topics: string[]): void {
    for (const t of topics) {
      const id = this.subs.get(t);
      if (id !== undefined) this.client.unsubscribe(id);
      this.subs.delete(t);
    }
  }

  of(topic: string): Received[] {
    return this.received.filter((r) => r.topic === topic);
  }

  close(): void {
    this.client.close();
  }
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs` naming `what`. */
export async function poll(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const validators = new Map<string, z.ZodType>();
/** Parses `json` with the JSON Schema text `schema` (zod's `fromJSONSchema`); returns the first issue or null. */
export function schemaIssue(schema: string, json: unknown): string | null {
  let v = validators.get(schema);
  if (v === undefined) {
    v = z.fromJSONSchema(JSON.parse(schema) as Parameters<typeof z.fromJSONSchema>[0]);
    validators.set(schema, v);
  }
  const r = v.safeParse(json);
  return r.success ? null : `${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''}`;
}

/** An indexed MCAP reader over `file` (zstd chunks); `close()` closes the file. */
export async function openMcap(file: string): Promise<{ reader: McapIndexedReader; close: () => Promise<void> }> {
  const handle = await open(file, 'r');
  const size = BigInt((await handle.stat()).size);
  const readable = {
    size: async () => size,
    read: async (offset: bigint, length: bigint) => {
      const buf = new Uint8Array(Number(length));
      await handle.read(buf, 0, Number(length), Number(offset));
      return buf;
    },
  };
  const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers: DECOMPRESS });
  return { reader, close: () => handle.close() };
}
