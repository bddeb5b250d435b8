/**
 * Writes HAL samples to an MCAP file (`@mcap/core` McapWriter, chunked, zstd): one channel per device (topic
 * `/<id>`), JSON messages (`codec.ts`), the session and each device's description (with its calibration) as
 * Metadata records, and the session manifest as an attachment. Layout and clocks: `docs/recording.md`.
 *
 * Clocks of a message (both u64 ns, both exact):
 * - `publishTime` = `deviceTimeNs`, the device's own clock;
 * - `logTime` = `hostTimeNs` (host CLOCK_MONOTONIC at the driver) for live devices, channel metadata
 *   `karana.logTime = "host"` (the recorder's host time if a live driver left a sample unstamped); for replayed devices, which have no host stamp, the session time (ns since the
 *   session start, clamped at 0), `karana.logTime = "session"`. Replay gives `hostTimeNs` back only for
 *   `host` channels, so a sample comes back with exactly the clocks it had.
 *
 * Crash safety: metadata and attachments are written as they are added; messages go into chunks of about
 * `chunkSizeBytes`, each written (and, with `fsync: "chunk"`, fdatasync'ed) as soon as it closes, so a crash
 * loses at most the open chunk. The summary and footer are written by {@link McapRecordingWriter.close}.
 */
import { McapWriter } from '@mcap/core';
import type { DeviceClock } from '../drivers.js';
import { hostNowNs } from '../live/live-device.js';
import type { DeviceInfo, DeviceKind } from '../types.js';
import { SCHEMAS, encodeSample } from './codec.js';
import type { AnySample } from './codec.js';
import { chunkCompressor, loadZstd } from './compression.js';
import type { ChunkCompression } from './compression.js';
import { FileWritable } from './file-writable.js';

/** MCAP header `profile` and the prefix of this project's metadata names. */
export const PROFILE = 'karana';
export const SESSION_METADATA = 'karana.session';
export const DEVICE_METADATA_PREFIX = 'karana.device.';
const MAX_U64 = (1n << 64n) - 1n;

/** When the recorder calls fdatasync: after every chunk, only when the file is closed, or never. */
export type FsyncPolicy = 'chunk' | 'close' | 'none';

export interface McapRecordingOptions {
  /** Uncompressed bytes after which a chunk is closed and written (default 1 MiB). */
  readonly chunkSizeBytes?: number;
  readonly compression?: ChunkCompression;
  /** zstd level (default 3). */
  readonly level?: number;
  readonly fsync?: FsyncPolicy;
}

/** The recorded session, as Metadata `karana.session`. */
export interface RecordedSession {
  readonly name: string;
  readonly description?: string;
  /** Session start on the absolute device clock, ns. */
  readonly startNs: bigint;
  /** Session length, ns, when known. */
  readonly durationNs?: bigint;
  /** What was recorded: the manifest or folder path. */
  readonly source: string;
}

/** A device to record: its description and how its clock maps to session time. */
export interface RecordedDevice {
  readonly info: DeviceInfo;
  /** Clock of the device's stamps (`absolute` or `relative`, see `hal/session/clock.ts`). */
  readonly clock: DeviceClock;
  readonly offsetS: number;
  /** Topic; default `/<id>`. */
  readonly topic?: string;
}

export interface WriterStats {
  readonly messages: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly syncs: number;
}

interface Channel {
  readonly id: number;
  readonly kind: DeviceKind;
  readonly hostClock: boolean;
}

export class McapRecordingWriter {
  readonly #channels = new Map<string, Channel>();
  readonly #schemaIds = new Map<DeviceKind, number>();
  #messages = 0;
  #closed = false;

  private constructor(
    private readonly file: FileWritable,
    private readonly writer: McapWriter,
    private readonly fsync: FsyncPolicy,
  ) {}

  /** Creates `path` and writes the header and the session metadata. Errors are the file system's. */
  static async create(path: string, session: RecordedSession, options: McapRecordingOptions = {}): Promise<McapRecordingWriter> {
    await loadZstd();
    const file = await FileWritable.create(path);
    const compressChunk = chunkCompressor(options.compression ?? 'zstd', options.level);
    const writer = new McapWriter({ writable: file, chunkSize: options.chunkSizeBytes ?? 1024 * 1024, ...(compressChunk === undefined ? {} : { compressChunk }) });
    const self = new McapRecordingWriter(file, writer, options.fsync ?? 'chunk');
    await writer.start({ profile: PROFILE, library: 'karana-edge' });
    const metadata = new Map([
      ['name', session.name],
      ['startNs', session.startNs.toString()],
      ['source', session.source],
      ...(session.description === undefined ? [] : [['description', session.description] as [string, string]]),
      ...(session.durationNs === undefined ? [] : [['durationNs', session.durationNs.toString()] as [string, string]]),
    ]);
    await writer.addMetadata({ name: SESSION_METADATA, metadata });
    return self;
  }

  /** Registers a device: its channel and its Metadata record (`karana.device.<id>`). */
  async addDevice(device: RecordedDevice): Promise<void> {
    const { info } = device;
    if (this.#channels.has(info.id)) throw new Error(`device "${info.id}" is already recorded`);
    let schemaId = this.#schemaIds.get(info.kind);
    if (schemaId === undefined) {
      schemaId = await this.writer.registerSchema(SCHEMAS[info.kind]);
      this.#schemaIds.set(info.kind, schemaId);
    }
    const hostClock = !info.replay;
    const topic = device.topic ?? `/${info.id}`;
    const channelMeta = new Map([
      ['karana.deviceId', info.id],
      ['karana.kind', info.kind],
      ['karana.logTime', hostClock ? 'host' : 'session'],
    ]);
    const id = await this.writer.registerChannel({ topic, schemaId, messageEncoding: 'json', metadata: channelMeta });
    this.#channels.set(info.id, { id, kind: info.kind, hostClock });
    await this.writer.addMetadata({
      name: `${DEVICE_METADATA_PREFIX}${info.id}`,
      metadata: new Map([
        ['info', JSON.stringify(info)],
        ['topic', topic],
        ['clock', device.clock],
        ['offsetS', String(device.offsetS)],
        ['logTime', hostClock ? 'host' : 'session'],
      ]),
    });
  }

  /** Adds a file (the session manifest, a calibration file) as an Attachment record. */
  async attach(name: string, mediaType: string, data: Uint8Array): Promise<void> {
    await this.writer.addAttachment({ name, mediaType, data, logTime: 0n, createTime: 0n });
  }

  /**
   * Writes one sample of device `deviceId` at session time `sessionNs`. Throws a RangeError when its device
   * time is negative or beyond u64 (MCAP times are unsigned).
   */
  async write(deviceId: string, sample: AnySample, sessionNs: number): Promise<void> {
    const channel = this.#channels.get(deviceId);
    if (channel === undefined) throw new Error(`device "${deviceId}" was not added to the recording`);
    if (sample.deviceTimeNs < 0n || sample.deviceTimeNs > MAX_U64) throw new RangeError(`${deviceId}: deviceTimeNs ${sample.deviceTimeNs} is outside MCAP's u64 range`);
    const logTime = channel.hostClock ? (sample.hostTimeNs ?? hostNowNs()) : BigInt(Math.max(0, Math.round(sessionNs)));
    const chunksBefore = this.chunks;
    await this.writer.addMessage({ channelId: channel.id, sequence: this.#messages >>> 0, logTime, publishTime: sample.deviceTimeNs, data: encodeSample(channel.kind, deviceId, sample) });
    this.#messages += 1;
    if (this.fsync === 'chunk' && this.chunks !== chunksBefore) await this.file.sync();
  }

  /** Chunks written so far. */
  get chunks(): number {
    return this.writer.statistics?.chunkCount ?? 0;
  }

  get stats(): WriterStats {
    return { messages: this.#messages, bytes: this.file.bytes, chunks: this.chunks, syncs: this.file.syncs };
  }

  /** Writes the open chunk, the summary and the footer, syncs (unless `fsync: "none"`) and closes. Idempotent. */
  async close(): Promise<WriterStats> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        await this.writer.end();
        if (this.fsync !== 'none') await this.file.sync();
      } finally {
        await this.file.close();
      }
    }
    return this.stats;
  }
}
