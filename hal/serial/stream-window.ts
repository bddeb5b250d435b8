/**
 * The unconsumed tail of a byte stream (a UART read in chunks of any size), with each byte's offset in the
 * stream since the port was opened, for the frame decoders (`rvc-decoder.ts`, `frame-decoder.ts`). Bytes
 * are appended as they arrive and consumed from the front; offsets are what `SampleError`s report.
 */
export class StreamWindow {
  #buf: Buffer = Buffer.alloc(0);
  #start = 0;
  /** Stream offset of `#buf[0]`. */
  #base = 0;
  /** Stream offset of the first byte of the current run of skipped bytes, or -1. */
  #skipStart = -1;
  #skipped = 0;

  /** Appends a chunk (copied). */
  append(chunk: Uint8Array): void {
    const rest = this.#buf.subarray(this.#start);
    this.#base += this.#start;
    this.#buf = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    this.#start = 0;
  }

  /** Bytes not consumed yet. */
  get length(): number {
    return this.#buf.length - this.#start;
  }

  /** Stream offset of the first unconsumed byte. */
  get offset(): number {
    return this.#base + this.#start;
  }

  /** Byte `i` of the unconsumed bytes (0 = first); undefined past the end. */
  at(i: number): number | undefined {
    return this.#buf[this.#start + i];
  }

  /** A view of `length` unconsumed bytes from `i` (valid until the next `append`). */
  view(i: number, length: number): Buffer {
    return this.#buf.subarray(this.#start + i, this.#start + i + length);
  }

  /** Index of the first `b0 b1` pair at or after `from` among the unconsumed bytes, or -1. */
  indexOfPair(b0: number, b1: number, from = 0): number {
    const buf = this.#buf;
    for (let i = this.#start + from; i + 1 < buf.length; i++) {
      if (buf[i] === b0 && buf[i + 1] === b1) return i - this.#start;
    }
    return -1;
  }

  /** Drops `n` bytes from the front. */
  consume(n: number): void {
    this.#start = Math.min(this.#buf.length, this.#start + n);
  }

  /**
   * Drops `n` bytes that are not part of a frame (garbage before a sync word), adding them to the current run
   * of skipped bytes; {@link takeSkipped} reports the run once, so a burst of noise is one error, not one per byte.
   */
  skip(n: number): void {
    if (n <= 0) return;
    if (this.#skipStart < 0) this.#skipStart = this.offset;
    this.#skipped += n;
    this.consume(n);
  }

  /** The run of skipped bytes since the last call (stream offset of its first byte, its length), or undefined. */
  takeSkipped(): { readonly byteOffset: number; readonly bytes: number } | undefined {
    if (this.#skipStart < 0) return undefined;
    const run = { byteOffset: this.#skipStart, bytes: this.#skipped };
    this.#skipStart = -1;
    this.#skipped = 0;
    return run;
  }

  /** Forgets everything (a re-opened port starts at offset 0). */
  reset(): void {
    this.#buf = Buffer.alloc(0);
    this.#start = 0;
    this.#base = 0;
    this.#skipStart = -1;
    this.#skipped = 0;
  }
}
