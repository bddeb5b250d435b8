/**
 * Streaming parser of the GStreamer Data Protocol (GDP) 1.0, what `gdppay` writes: each GstBuffer, caps and
 * serialized event as a 62-byte header followed by its payload. Source: GStreamer `gst/gdp/dataprotocol.c`
 * and `dp-private.h` (gst-plugins-bad), header layout (all integers big-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 0, 1 | major, minor version (1, 0) |
 * | 2 | flags: bit 0 header CRC present, bit 1 payload CRC present |
 * | 3 | padding (0) |
 * | 4–5 | payload type: 1 buffer, 2 caps, 64 + GstEventType for events |
 * | 6–9 | payload length, bytes |
 * | 10–17 | buffer PTS, ns (GST_CLOCK_TIME_NONE = 2⁶⁴ − 1 when unset) |
 * | 18–25 | duration, ns |
 * | 26–33, 34–41 | offset, offset_end (a frame counter for video sources; NONE = 2⁶⁴ − 1) |
 * | 42–43 | buffer flags (LIVE, DISCONT, HEADER, GAP, DELTA_UNIT) |
 * | 44–51 | DTS, ns |
 * | 52–57 | reserved |
 * | 58–59 | CRC-16 of bytes 0–57 (0 without the flag) |
 * | 60–61 | CRC-16 of the payload (0 without the flag) |
 *
 * CRC-16: CCITT polynomial 0x1021, initial value 0xFFFF, result XOR 0xFFFF (`gst_dp_crc`).
 * Caps and event payloads are NUL-terminated strings (`gst_caps_to_string`, `gst_structure_to_string`).
 *
 * Robustness: a header with a wrong version, a bad CRC (or none, once the stream's first packet had one) or
 * an absurd length is reported as a {@link GdpError}
 * at its byte offset in the stream, and the parser resynchronises by scanning for the next valid header one
 * byte further on, so the stream goes on after garbage. Every `push` consumes all it can; the parser keeps at
 * most one incomplete packet.
 */
import { crc16CcittFalse } from '../live/crc16.js';

export const GDP_HEADER_BYTES = 62;
/** GST_CLOCK_TIME_NONE / GST_BUFFER_OFFSET_NONE. */
export const GDP_NONE = 0xffff_ffff_ffff_ffffn;
/** Payloads above this are taken as garbage (a 4K RGBA frame is 33 MB). */
export const GDP_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export type GdpPacket =
  | { readonly kind: 'caps'; readonly byteOffset: number; readonly caps: string }
  | { readonly kind: 'event'; readonly byteOffset: number; readonly eventType: number; readonly structure: string }
  | {
      readonly kind: 'buffer';
      readonly byteOffset: number;
      /** PTS, ns, or undefined for GST_CLOCK_TIME_NONE. */
      readonly ptsNs: bigint | undefined;
      readonly dtsNs: bigint | undefined;
      readonly durationNs: bigint | undefined;
      readonly offset: bigint | undefined;
      readonly flags: number;
      readonly payload: Buffer;
    };

/** A damaged part of the stream, at `byteOffset` from the start of the stream. */
export interface GdpError {
  readonly kind: 'error';
  readonly byteOffset: number;
  readonly message: string;
}

/** The first two bytes of every GDP 1.0 header. */
const HEADER_START = Buffer.from([1, 0]);

/** `gst_dp_crc`: CRC-16/CCITT with init 0xFFFF and final XOR 0xFFFF (CRC-16/GENIBUS). */
export function gdpCrc(bytes: Uint8Array): number {
  return crc16CcittFalse(bytes) ^ 0xffff;
}

function optional(v: bigint): bigint | undefined {
  return v === GDP_NONE ? undefined : v;
}

/** Why `h` (62 bytes) is not a valid GDP 1.0 header, or undefined when it is. */
function headerProblem(h: Buffer, requireCrc: boolean): string | undefined {
  if (h[0] !== 1 || h[1] !== 0) return `not a GDP 1.0 header (version bytes ${h[0]}.${h[1]})`;
  const flags = h[2] as number;
  if ((flags & ~0x03) !== 0) return `unknown header flags 0x${flags.toString(16)}`;
  if (requireCrc && (flags & 0x01) === 0) return 'header without a CRC in a stream whose headers have one';
  const type = h.readUInt16BE(4);
  if (type !== 1 && type !== 2 && type < 64) return `unknown payload type ${type}`;
  const length = h.readUInt32BE(6);
  if (length > GDP_MAX_PAYLOAD_BYTES) return `payload length ${length} bytes exceeds ${GDP_MAX_PAYLOAD_BYTES}`;
  if (flags & 0x01) {
    const crc = gdpCrc(h.subarray(0, 58));
    if (crc !== h.readUInt16BE(58)) return `header CRC 0x${h.readUInt16BE(58).toString(16)} != computed 0x${crc.toString(16)}`;
  }
  return undefined;
}

/** Incremental GDP parser: feed stdout chunks, get packets and errors in stream order. */
export class GdpParser {
  /** Unparsed bytes, as received (concatenated only when a header or packet straddles chunks). */
  #chunks: Buffer[] = [];
  #size = 0;
  /** Stream offset of the first unparsed byte. */
  #base = 0;
  /** True while skipping garbage (one error per damaged stretch). */
  #resyncing = false;
  /** Whether the stream's headers carry a CRC (set by its first valid packet; gdppay's default is yes). */
  #crcHeaders: boolean | undefined;

  /** Bytes consumed so far (the stream offset of the next unparsed byte). */
  get offset(): number {
    return this.#base;
  }

  /** Bytes held waiting for the rest of a packet. */
  get buffered(): number {
    return this.#size;
  }

  /** Parses what `chunk` completes; returns packets and errors in stream order. */
  push(chunk: Uint8Array): (GdpPacket | GdpError)[] {
    if (chunk.length > 0) {
      this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.#size += chunk.length;
    }
    const out: (GdpPacket | GdpError)[] = [];
    while (this.#size >= GDP_HEADER_BYTES) {
      const header = this.#flatten(GDP_HEADER_BYTES).subarray(0, GDP_HEADER_BYTES);
      const problem = headerProblem(header, this.#crcHeaders === true);
      if (problem !== undefined) {
        if (!this.#resyncing) out.push({ kind: 'error', byteOffset: this.#base, message: `${problem}; skipping to the next valid header` });
        this.#resyncing = true;
        // Skip to the next candidate start (version bytes 1, 0); keep a last byte that may begin one.
        const first = this.#chunks[0] as Buffer;
        const next = first.indexOf(HEADER_START, 1);
        this.#consume(next > 0 ? next : Math.max(1, first.length - 1));
        continue;
      }
      const total = GDP_HEADER_BYTES + header.readUInt32BE(6);
      if (this.#size < total) break;
      const whole = this.#flatten(total);
      const payload = whole.subarray(GDP_HEADER_BYTES, total);
      const byteOffset = this.#base;
      this.#resyncing = false;
      this.#crcHeaders ??= ((whole[2] as number) & 0x01) !== 0;
      if ((whole[2] as number) & 0x02 && payload.length > 0 && gdpCrc(payload) !== whole.readUInt16BE(60)) {
        out.push({ kind: 'error', byteOffset, message: `payload CRC mismatch in a ${payload.length}-byte packet` });
      } else {
        out.push(this.#packet(whole.subarray(0, GDP_HEADER_BYTES), payload, byteOffset));
      }
      this.#consume(total);
    }
    return out;
  }

  /** Makes the first `n` unparsed bytes contiguous (n ≤ size) and returns the first chunk. */
  #flatten(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first;
    const all = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [all];
    return all;
  }

  /** Drops `n` bytes of the first chunk (it holds at least `n` after {@link GdpParser.#flatten}). */
  #consume(n: number): void {
    const first = (this.#chunks[0] as Buffer).subarray(n);
    if (first.length === 0) this.#chunks.shift();
    else this.#chunks[0] = first;
    this.#size -= n;
    this.#base += n;
  }

  #packet(h: Buffer, payload: Buffer, byteOffset: number): GdpPacket {
    const type = h.readUInt16BE(4);
    if (type === 2) return { kind: 'caps', byteOffset, caps: cString(payload) };
    if (type >= 64) return { kind: 'event', byteOffset, eventType: type - 64, structure: cString(payload) };
    return {
      kind: 'buffer',
      byteOffset,
      ptsNs: optional(h.readBigUInt64BE(10)),
      durationNs: optional(h.readBigUInt64BE(18)),
      offset: optional(h.readBigUInt64BE(26)),
      flags: h.readUInt16BE(42),
      dtsNs: optional(h.readBigUInt64BE(44)),
      payload,
    };
  }
}

function cString(payload: Buffer): string {
  const end = payload.indexOf(0);
  return payload.toString('utf8', 0, end < 0 ? payload.length : end);
}

/** Builds a GDP packet (header CRC on), for tests and fixtures: the inverse of {@link GdpParser}. */
export function gdpPacket(type: number, payload: Uint8Array, fields: { ptsNs?: bigint; durationNs?: bigint; offset?: bigint; flags?: number } = {}): Buffer {
  const h = Buffer.alloc(GDP_HEADER_BYTES);
  h[0] = 1; // major
  h[1] = 0; // minor
  h[2] = 0x01; // header CRC present
  h.writeUInt16BE(type, 4);
  h.writeUInt32BE(payload.length, 6);
  h.writeBigUInt64BE(fields.ptsNs ?? GDP_NONE, 10);
  h.writeBigUInt64BE(fields.durationNs ?? GDP_NONE, 18);
  h.writeBigUInt64BE(fields.offset ?? GDP_NONE, 26);
  h.writeBigUInt64BE(GDP_NONE, 34); // offset_end
  h.writeUInt16BE(fields.flags ?? 0, 42);
  h.writeBigUInt64BE(GDP_NONE, 44); // DTS
  h.writeUInt16BE(gdpCrc(h.subarray(0, 58)), 58);
  return Buffer.concat([h, payload]);
}
