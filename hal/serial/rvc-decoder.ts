/**
 * Decoder of the BNO08x "UART-RVC" frame stream (CEVA BNO080/BNO085, RVC = Robot Vacuum Cleaner mode).
 *
 * Source: CEVA, "BNO080/BNO085 Data Sheet" (1000-3927), §1.4.2 "UART-RVC mode" (frame figure and units), and
 * CEVA application note "BNO08X UART-RVC" (1000-4044); cross-checked with Adafruit's `Adafruit_BNO08x_RVC`
 * (Arduino, MIT) which decodes the same 19-byte frame. The sensor sends, at 115200 8N1 and 100 Hz, with no
 * host command (PS0 = 1, PS1 = 0 at reset selects the mode):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | header `0xAA 0xAA` |
 * | 2 | 1 | index, +1 per frame (u8, wraps) |
 * | 3 | 2 | yaw, int16 LE, 0.01° (±180°) |
 * | 5 | 2 | pitch, int16 LE, 0.01° (±90°) |
 * | 7 | 2 | roll, int16 LE, 0.01° (±180°) |
 * | 9 | 6 | acceleration x, y, z, int16 LE, mg (1 mg = 9.80665e-3 m/s²), gravity included |
 * | 15 | 3 | MI (motion intent), MR (motion request), reserved: 0 outside RVC robot use |
 * | 18 | 1 | checksum: sum of bytes 2..17, mod 256 |
 *
 * (Adafruit's CircuitPython port names the second and third angles roll, pitch; the data sheet and the
 * Arduino library say pitch, roll, as here.)
 *
 * Re-synchronisation: bytes before a `0xAA 0xAA` header are skipped and reported once per run as a
 * {@link RvcDecodeError}; a frame whose checksum fails is reported and the search resumes one byte after its
 * header (the header may have been garbage that looked like one), so valid frames after garbage decode.
 */
import { StreamWindow } from './stream-window.js';

export const RVC_FRAME_BYTES = 19;
export const RVC_HEADER = 0xaa;
/** Scale of the angles: 0.01° per LSB. */
export const RVC_ANGLE_DEG_PER_LSB = 0.01;
/** Scale of the accelerations: 1 mg per LSB, in m/s² (standard gravity 9.80665 m/s², ISO 80000-3). */
export const RVC_ACCEL_MPS2_PER_LSB = 9.80665e-3;
/** Output rate of UART-RVC, Hz (data sheet §1.4.2). */
export const RVC_RATE_HZ = 100;

/** One decoded frame, raw integers as sent. */
export interface RvcFrame {
  /** Stream offset of the frame's first header byte. */
  readonly byteOffset: number;
  readonly index: number;
  /** Yaw, pitch, roll, 0.01° LSB. */
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  /** Acceleration x, y, z, mg. */
  readonly accelMg: readonly [number, number, number];
}

/** A run of bytes that is not a valid frame. */
export interface RvcDecodeError {
  readonly byteOffset: number;
  readonly message: string;
}

export interface RvcSink {
  frame(frame: RvcFrame): void;
  error(error: RvcDecodeError): void;
}

/** Streaming decoder: feed chunks as they come off the UART; frames and errors come out in stream order. */
export class RvcDecoder {
  readonly #window = new StreamWindow();
  /** Stream offset where the current run of skipped bytes began, or -1. */

  /** Decodes every complete frame of the bytes received so far. Never throws on data. */
  push(chunk: Uint8Array, sink: RvcSink): void {
    const w = this.#window;
    w.append(chunk);
    for (;;) {
      const h = w.indexOfPair(RVC_HEADER, RVC_HEADER);
      if (h < 0) {
        // Keep a trailing 0xAA: it may be the first half of a header.
        const keep = w.length > 0 && w.at(w.length - 1) === RVC_HEADER ? 1 : 0;
        w.skip(w.length - keep);
        return;
      }
      if (h > 0) w.skip(h);
      if (w.length < RVC_FRAME_BYTES) return;
      const f = w.view(0, RVC_FRAME_BYTES);
      let sum = 0;
      for (let i = 2; i < 18; i++) sum += f[i] as number;
      const checksum = f[18] as number;
      if ((sum & 0xff) !== checksum) {
        this.#flushSkipped(sink);
        sink.error({ byteOffset: w.offset, message: `RVC checksum mismatch: frame says 0x${hex(checksum)}, bytes 2..17 sum to 0x${hex(sum & 0xff)}` });
        w.consume(1);
        continue;
      }
      this.#flushSkipped(sink);
      sink.frame({
        byteOffset: w.offset,
        index: f[2] as number,
        yaw: f.readInt16LE(3),
        pitch: f.readInt16LE(5),
        roll: f.readInt16LE(7),
        accelMg: [f.readInt16LE(9), f.readInt16LE(11), f.readInt16LE(13)],
      });
      w.consume(RVC_FRAME_BYTES);
    }
  }

  /** Forgets buffered bytes and offsets (a re-opened port). */
  reset(): void {
    this.#window.reset();
  }

  #flushSkipped(sink: RvcSink): void {
    const run = this.#window.takeSkipped();
    if (run !== undefined) sink.error({ byteOffset: run.byteOffset, message: `skipped ${run.bytes} byte(s) that are not an RVC frame (no 0xAAAA header)` });
  }
}

function hex(v: number): string {
  return v.toString(16).padStart(2, '0');
}
