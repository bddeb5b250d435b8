/**
 * Records bus topics of a running runtime to an MCAP file with the live view's channels and encoders
 * (`src/foxglove/channels.ts`), so poses, detections, anchors and logs of a run open in Foxglove or Lichtblick
 * with the same topics and schemas as `ws://…:8765` shows (`karana run --record FILE.mcap`).
 *
 * File: `@mcap/core` McapWriter, chunked (1 MiB), zstd (`hal/mcap/compression.ts`), header profile
 * `karana.bus`; JSON messages with `jsonschema` schemas, one schema record per schema name; a Metadata record
 * `karana.bus` names the clock. Every channel chosen is registered at the start, so an empty one still shows.
 * Clocks (u64 ns, both on the runtime clock): `logTime` = the event's bus publication time; `publishTime` = the
 * message's own time (capture time for sensors), the payload's `timestamp`.
 *
 * Lossless: unlike the live view nothing is dropped; messages are encoded as the bus delivers them (JPEG frames
 * in order, one at a time) and written in delivery order. An event that cannot be encoded is counted
 * (`encodeErrors`) and skipped; a write error (disk full) stops the recording, and `close()` raises it naming the
 * file; what was written before stays readable up to the last complete chunk.
 */
import { McapWriter } from '@mcap/core';
import type { Subscription } from 'rxjs';
import { chunkCompressor, loadZstd, type ChunkCompression } from '../../hal/mcap/compression.js';
import { FileWritable } from '../../hal/mcap/file-writable.js';
import type { DeviceInfo } from '../../hal/types.js';
import type { AnyEnvelope, Bus } from '../bus/bus.js';
import type { TopicName } from '../bus/topics.js';
import { foxgloveChannels, type ChannelMessage, type ChannelSpec, type ImageMode } from '../foxglove/channels.js';
import { runtimeNsU64 } from '../foxglove/schemas.js';
import { globToRegExp } from './topics.js';

export const BUS_PROFILE = 'karana.bus';

export interface BusRecordOptions {
  /** The session's devices (camera and IMU channels). */
  readonly devices?: readonly DeviceInfo[];
  /**
   * Which channels: patterns matched against the Foxglove topic (`/pose/*`, `/camera/cam0/image`) or the bus topic
   * (`objects.*`), `*` any run of characters, `?` one; default all. A pattern matching nothing is an error naming it.
   */
  readonly topics?: readonly string[];
  readonly images?: ImageMode;
  readonly jpegQuality?: number;
  readonly compression?: ChunkCompression;
  /** Uncompressed bytes after which a chunk is written (default 1 MiB). */
  readonly chunkSizeBytes?: number;
}

export interface BusRecordSummary {
  readonly file: string;
  readonly messages: number;
  readonly bytes: number;
  /** Messages per Foxglove topic. */
  readonly perTopic: Readonly<Record<string, number>>;
  readonly encodeErrors: number;
}

interface Recorded {
  readonly id: number;
  readonly spec: ChannelSpec;
  messages: number;
}

/** The channels matching `patterns` (all without). Throws naming a pattern that matches no channel. */
export function selectChannels(channels: readonly ChannelSpec[], patterns: readonly string[] | undefined): ChannelSpec[] {
  if (patterns === undefined || patterns.length === 0) return [...channels];
  const res = patterns.map((p) => ({ p, re: globToRegExp(p.trim()) }));
  const matches = (c: ChannelSpec, re: RegExp): boolean => re.test(c.topic) || c.busTopics.some((t) => re.test(t));
  for (const { p, re } of res) {
    if (!channels.some((c) => matches(c, re))) throw new Error(`--record-topics: "${p}" matches no channel (channels: ${channels.map((c) => c.topic).join(', ')})`);
  }
  return channels.filter((c) => res.some(({ re }) => matches(c, re)));
}

export class BusRecorder {
  private readonly subs: Subscription[] = [];
  private tail: Promise<void> = Promise.resolve();
  private sequence = 0;
  private encodeErrors = 0;
  private failure: Error | null = null;
  private closed: Promise<BusRecordSummary> | null = null;

  private constructor(
    readonly file: string,
    private readonly out: FileWritable,
    private readonly writer: McapWriter,
    private readonly channels: readonly Recorded[],
  ) {}

  /**
   * Creates `file`, registers the chosen channels and starts recording `bus`. Rejects with the file system's
   * error (naming the file), or an Error naming a `topics` pattern that matches no channel.
   */
  static async start(bus: Bus, file: string, options: BusRecordOptions = {}): Promise<BusRecorder> {
    const specs = selectChannels(
      foxgloveChannels({
        ...(options.devices === undefined ? {} : { devices: options.devices }),
        ...(options.images === undefined ? {} : { images: options.images }),
        ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
      }),
      options.topics,
    );
    await loadZstd();
    let out: FileWritable;
    try {
      out = await FileWritable.create(file);
    } catch (err) {
      throw new Error(`--record ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const compressChunk = chunkCompressor(options.compression ?? 'zstd');
    const writer = new McapWriter({ writable: out, chunkSize: options.chunkSizeBytes ?? 1024 * 1024, ...(compressChunk === undefined ? {} : { compressChunk }) });
    await writer.start({ profile: BUS_PROFILE, library: 'karana-edge' });
    await writer.addMetadata({ name: BUS_PROFILE, metadata: new Map([['clock', 'runtime: ns since the runtime started (virtual with --speed 0); logTime = bus publication, publishTime = event time']]) });
    const schemaIds = new Map<string, number>();
    const recorded: Recorded[] = [];
    for (const spec of specs) {
      let schemaId = schemaIds.get(spec.schema.name);
      if (schemaId === undefined) {
        schemaId = await writer.registerSchema(spec.schema);
        schemaIds.set(spec.schema.name, schemaId);
      }
      const id = await writer.registerChannel({ topic: spec.topic, schemaId, messageEncoding: 'json', metadata: new Map([['karana.busTopics', spec.busTopics.join(',')]]) });
      recorded.push({ id, spec, messages: 0 });
    }
    const self = new BusRecorder(file, out, writer, recorded);
    const topics = new Set<TopicName>(specs.flatMap((s) => s.busTopics));
    for (const topic of topics) self.subs.push(bus.observe(topic).subscribe((e) => self.onEvent(e as AnyEnvelope)));
    return self;
  }

  private onEvent(e: AnyEnvelope): void {
    for (const ch of this.channels) {
      if (!ch.spec.busTopics.includes(e.topic)) continue;
      if (ch.spec.async) {
        this.enqueue(async () => this.write(ch, e, await ch.spec.encode(e)));
        continue;
      }
      let messages: readonly ChannelMessage[];
      try {
        messages = ch.spec.encode(e) as readonly ChannelMessage[]; // now: the payload may not outlive the delivery
      } catch {
        this.encodeErrors += 1;
        continue;
      }
      if (messages.length > 0) this.enqueue(() => this.write(ch, e, messages));
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure !== null) return;
      try {
        await job();
      } catch (err) {
        if (err instanceof WriteError) this.failure = err.cause as Error;
        else this.encodeErrors += 1;
      }
    });
  }

  private async write(ch: Recorded, e: AnyEnvelope, messages: readonly ChannelMessage[]): Promise<void> {
    for (const m of messages) {
      try {
        await this.writer.addMessage({ channelId: ch.id, sequence: this.sequence++ >>> 0, logTime: runtimeNsU64(e.publishedNs), publishTime: runtimeNsU64(m.tNs), data: m.data });
      } catch (err) {
        throw new WriteError(err);
      }
      ch.messages += 1;
    }
  }

  /** Messages written so far. */
  get messages(): number {
    return this.channels.reduce((n, c) => n + c.messages, 0);
  }

  /**
   * Stops recording, writes what is queued, the summary and the footer, and closes the file. Idempotent. Throws
   * the first write error, naming the file.
   */
  close(): Promise<BusRecordSummary> {
    this.closed ??= this.finish();
    return this.closed;
  }

  private async finish(): Promise<BusRecordSummary> {
    for (const s of this.subs) s.unsubscribe();
    await this.tail;
    try {
      if (this.failure === null) {
        await this.writer.end();
        await this.out.sync();
      }
    } catch (err) {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      await this.out.close();
    }
    if (this.failure !== null) throw new Error(`--record ${this.file}: ${this.failure.message}`, { cause: this.failure });
    return {
      file: this.file,
      messages: this.messages,
      bytes: this.out.bytes,
      perTopic: Object.fromEntries(this.channels.map((c) => [c.spec.topic, c.messages])),
      encodeErrors: this.encodeErrors,
    };
  }
}

/** Starts recording `bus` to `file` (see {@link BusRecorder.start}). */
export function recordBus(bus: Bus, file: string, options: BusRecordOptions = {}): Promise<BusRecorder> {
  return BusRecorder.start(bus, file, options);
}

class WriteError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
