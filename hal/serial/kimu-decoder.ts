/**
 * Streaming decoder of KIMU v1 frames (`kimu-protocol.ts`, `docs/serial-protocol.md`): finds the sync word,
 * checks version, length and CRC, and hands out whole frames; re-synchronises after garbage.
 *
 * - Bytes before a sync word are skipped and reported once per run (offset of the first skipped byte).
 * - A header with a wrong version or a length over 240 is a false sync: reported, search resumes one byte on.
 * - A CRC mismatch is reported at the frame's offset and the search resumes one byte after its sync (the
 *   "frame" may be garbage that contained a sync word), so a valid frame inside or after it still decodes.
 * - Sequence numbers are checked by the caller ({@link KimuDecoder} only frames).
 * Never throws on data; memory is bounded by one maximal frame (249 bytes) plus the last chunk.
 */
import { KIMU_CRC_BYTES, KIMU_HEADER_BYTES, KIMU_MAX_PAYLOAD, KIMU_SYNC0, KIMU_SYNC1, KIMU_VERSION, crc16CcittFalse } from './kimu-protocol.js';
import { StreamWindow } from './stream-window.js';

export interface KimuFrame {
  /** Stream offset of the frame's first sync byte. */
  readonly byteOffset: number;
  readonly type: number;
  readonly seq: number;
  /** The payload; a view valid only during the sink call. */
  readonly payload: Buffer;
}

export interface KimuDecodeError {
  readonly byteOffset: number;
  readonly message: string;
}

export interface KimuSink {
  frame(frame: KimuFrame): void;
  error(error: KimuDecodeError): void;
}

export class KimuDecoder {
  readonly #window = new StreamWindow();

  push(chunk: Uint8Array, sink: KimuSink): void {
    const w = this.#window;
    w.append(chunk);
    for (;;) {
      const s = w.indexOfPair(KIMU_SYNC0, KIMU_SYNC1);
      if (s < 0) {
        const keep = w.length > 0 && w.at(w.length - 1) === KIMU_SYNC0 ? 1 : 0;
        w.skip(w.length - keep);
        return;
      }
      if (s > 0) w.skip(s);
      if (w.length < KIMU_HEADER_BYTES) return;
      const version = w.at(2) as number;
      const length = w.at(6) as number;
      if (version !== KIMU_VERSION || length > KIMU_MAX_PAYLOAD) {
        this.#flushSkipped(sink);
        const why = version !== KIMU_VERSION ? `version ${version} (expected ${KIMU_VERSION})` : `payload length ${length} (max ${KIMU_MAX_PAYLOAD})`;
        sink.error({ byteOffset: w.offset, message: `KIMU header with ${why}: not a frame, re-synchronising` });
        w.consume(1);
        continue;
      }
      const total = KIMU_HEADER_BYTES + length + KIMU_CRC_BYTES;
      if (w.length < total) return;
      const f = w.view(0, total);
      const sent = f.readUInt16LE(KIMU_HEADER_BYTES + length);
      const computed = crc16CcittFalse(f, 2, KIMU_HEADER_BYTES + length);
      this.#flushSkipped(sink);
      if (sent !== computed) {
        sink.error({ byteOffset: w.offset, message: `KIMU CRC mismatch: frame says 0x${hex4(sent)}, computed 0x${hex4(computed)} (type 0x${(f[3] as number).toString(16)}, ${length}-byte payload)` });
        w.consume(1);
        continue;
      }
      sink.frame({ byteOffset: w.offset, type: f[3] as number, seq: f.readUInt16LE(4), payload: f.subarray(KIMU_HEADER_BYTES, KIMU_HEADER_BYTES + length) });
      w.consume(total);
    }
  }

  reset(): void {
    this.#window.reset();
  }

  #flushSkipped(sink: KimuSink): void {
    const run = this.#window.takeSkipped();
    if (run !== undefined) sink.error({ byteOffset: run.byteOffset, message: `skipped ${run.bytes} byte(s) that are not a KIMU frame (no 0xA55A sync)` });
  }
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}
