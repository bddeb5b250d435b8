/**
 * Reads an MCAP file front to back, record by record, and survives damage: the one reader of recordings made
 * by `karana record` (the replay driver and the tests use it), for complete files and for files cut short by
 * a crash (no summary, no footer, a partial last chunk).
 *
 * The file is framed here (each top-level record is opcode u8 + length u64 + content, MCAP specification,
 * "Records"), so every item carries the byte offset of its record; the records themselves are parsed, CRC-
 * checked and decompressed by `@mcap/core`'s `McapStreamReader`, fed one top-level record at a time.
 * Index and summary records are skipped unread: the data section holds everything.
 *
 * Damage: a record that does not parse (bad CRC, bad zstd data, a field past its record) gives a `damage`
 * item naming its byte offset, and reading goes on with the next record; a framing error (unknown opcode,
 * a length past the end of the file) gives a `damage` item and a search for the next valid chunk. Messages
 * before the damage have been delivered. A file that ends without a footer ends with `{ type: 'end',
 * complete: false }` after a `damage` item for a partial record, if any.
 * Not an MCAP file at all (no magic): {@link McapFormatError}.
 *
 * Resuming: with a {@link ScanResume} the scan starts framing at a record boundary inside the data section
 * (a chunk or a top-level record whose offset an earlier scan reported), its stream reader primed with the
 * schemas and channels known there; it gives the same items from that record on as a scan from the start.
 * `shared-reader.ts` uses it to let a device that fell behind the shared pass go on alone.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { McapRecordBuilder, McapStreamReader, Opcode, isKnownOpcode } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { DECOMPRESS, loadZstd } from './compression.js';

type Channel = McapTypes.Channel;
type Schema = McapTypes.Schema;

export type ScanItem =
  | { readonly type: 'header'; readonly profile: string; readonly library: string }
  | { readonly type: 'schema'; readonly schema: Schema }
  | { readonly type: 'channel'; readonly channel: Channel }
  /** `offset`: the message's record, or the chunk holding it. */
  | { readonly type: 'message'; readonly message: McapTypes.Message; readonly offset: number }
  | { readonly type: 'metadata'; readonly metadata: McapTypes.Metadata; readonly offset: number }
  | { readonly type: 'attachment'; readonly attachment: McapTypes.Attachment; readonly offset: number }
  | { readonly type: 'damage'; readonly offset: number; readonly message: string }
  /** Last item: `complete` when the footer was reached; `offset` where reading stopped. */
  | { readonly type: 'end'; readonly complete: boolean; readonly offset: number };

/** Where a scan resumes: a record's offset and the schemas and channels defined before it. */
export interface ScanResume {
  readonly offset: number;
  readonly schemas: readonly Schema[];
  readonly channels: readonly Channel[];
}

/** The file is not an MCAP file (missing or wrong magic). */
export class McapFormatError extends Error {
  override readonly name = 'McapFormatError';
}

const MAGIC = Uint8Array.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]);
const RECORD_HEAD = 9;
/** Records the scan has no use for: indexes and summary. */
const SKIPPED = new Set<number>([
  Opcode.MESSAGE_INDEX,
  Opcode.CHUNK_INDEX,
  Opcode.ATTACHMENT_INDEX,
  Opcode.METADATA_INDEX,
  Opcode.STATISTICS,
  Opcode.SUMMARY_OFFSET,
  Opcode.DATA_END,
]);
const SEARCH_BLOCK = 1 << 20;

const opName = (opcode: number): string => (isKnownOpcode(opcode) ? Opcode[opcode].toLowerCase() : `opcode 0x${opcode.toString(16).padStart(2, '0')}`);
const errorText = (err: unknown): string => (err instanceof Error ? err.message.replace(/ \[(no header|library=[^\]]*)\]$/, '') : String(err));

/**
 * Scans `path` from its start, or from `resume`; see the module documentation. Throws
 * {@link McapFormatError} or the file system's error.
 */
export async function* scanMcap(path: string, resume?: ScanResume): AsyncGenerator<ScanItem, void, void> {
  await loadZstd();
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const magic = await readAt(handle, 0, MAGIC.length);
    if (magic.byteLength < MAGIC.length || !magic.every((b, i) => b === MAGIC[i])) {
      throw new McapFormatError(`${path}: byte 0: not an MCAP file (no MCAP magic)`);
    }
    const known = new Known(resume);
    let reader = known.primedReader();
    let pos = resume === undefined ? MAGIC.length : Math.min(Math.max(resume.offset, MAGIC.length), size);
    while (pos < size) {
      if (size - pos < RECORD_HEAD) {
        yield { type: 'damage', offset: pos, message: `truncated record header (${size - pos} bytes left): the recording was cut short` };
        pos = size;
        break;
      }
      const head = await readAt(handle, pos, RECORD_HEAD);
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const opcode = view.getUint8(0);
      const length = view.getBigUint64(1, true);
      const left = BigInt(size - pos - RECORD_HEAD);
      if (!isKnownOpcode(opcode) || length > left) {
        const why = !isKnownOpcode(opcode) ? `unknown ${opName(opcode)}` : `${opName(opcode)} record of ${length} bytes, only ${left} left in the file: truncated or damaged`;
        yield { type: 'damage', offset: pos, message: why };
        pos = await nextChunk(handle, size, pos + 1, known);
        continue;
      }
      const end = pos + RECORD_HEAD + Number(length);
      if (opcode === Opcode.FOOTER) {
        yield { type: 'end', complete: true, offset: end };
        return;
      }
      if (SKIPPED.has(opcode)) {
        pos = end;
        continue;
      }
      const record = await readAt(handle, pos, end - pos);
      try {
        reader.append(record);
        for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
          const item = known.item(r, pos);
          if (item !== undefined) yield item;
        }
      } catch (err) {
        yield { type: 'damage', offset: pos, message: `${opName(opcode)}: ${errorText(err)}` };
        reader = known.primedReader();
      }
      pos = end;
    }
    yield { type: 'end', complete: false, offset: pos };
  } finally {
    await handle.close();
  }
}

/** Schemas and channels seen so far, to prime a fresh stream reader after damage. */
class Known {
  readonly schemas = new Map<number, Schema>();
  readonly channels = new Map<number, Channel>();

  constructor(resume?: ScanResume) {
    for (const s of resume?.schemas ?? []) this.schemas.set(s.id, s);
    for (const c of resume?.channels ?? []) this.channels.set(c.id, c);
  }

  primedReader(): McapStreamReader {
    const reader = new McapStreamReader({ noMagicPrefix: true, decompressHandlers: DECOMPRESS });
    if (this.schemas.size + this.channels.size === 0) return reader;
    const builder = new McapRecordBuilder();
    for (const s of this.schemas.values()) builder.writeSchema(s);
    for (const c of this.channels.values()) builder.writeChannel(c);
    reader.append(builder.buffer);
    while (reader.nextRecord() !== undefined);
    return reader;
  }

  item(r: McapTypes.TypedMcapRecord, offset: number): ScanItem | undefined {
    switch (r.type) {
      case 'Header':
        return { type: 'header', profile: r.profile, library: r.library };
      case 'Schema':
        if (this.schemas.has(r.id)) return undefined;
        this.schemas.set(r.id, r);
        return { type: 'schema', schema: r };
      case 'Channel':
        if (this.channels.has(r.id)) return undefined;
        this.channels.set(r.id, r);
        return { type: 'channel', channel: r };
      case 'Message':
        return { type: 'message', message: r, offset };
      case 'Metadata':
        return { type: 'metadata', metadata: r, offset };
      case 'Attachment':
        return { type: 'attachment', attachment: r, offset };
      default:
        return undefined;
    }
  }
}

/**
 * Offset of the next chunk at or after `from` that parses (CRC and decompression included), or `size` when
 * there is none: where reading resumes after a framing error.
 */
async function nextChunk(handle: FileHandle, size: number, from: number, known: Known): Promise<number> {
  for (let base = from; base < size; base += SEARCH_BLOCK) {
    const block = await readAt(handle, base, Math.min(SEARCH_BLOCK, size - base));
    for (let i = block.indexOf(Opcode.CHUNK); i >= 0; i = block.indexOf(Opcode.CHUNK, i + 1)) {
      const at = base + i;
      if (size - at < RECORD_HEAD) return size;
      const head = await readAt(handle, at, RECORD_HEAD);
      const length = new DataView(head.buffer, head.byteOffset).getBigUint64(1, true);
      if (length > BigInt(size - at - RECORD_HEAD)) continue;
      if (parses(known, await readAt(handle, at, RECORD_HEAD + Number(length)))) return at;
    }
  }
  return size;
}

function parses(known: Known, record: Uint8Array): boolean {
  try {
    const reader = known.primedReader();
    reader.append(record);
    let any = false;
    for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) any = true;
    return any && reader.bytesRemaining() === 0;
  } catch {
    return false;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}
