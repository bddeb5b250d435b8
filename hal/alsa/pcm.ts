/**
 * Raw PCM from `arecord -f S16_LE -t raw` → {@link AudioChunk}s. S16_LE: signed 16-bit little-endian
 * samples, channels interleaved (ALSA `SND_PCM_FORMAT_S16_LE`; arecord(1) `-f`), scaled by 1/32768 to
 * [-1, 1). The pipe may split a sample or a frame between reads: the parser carries the partial bytes, so
 * any chunking of the byte stream gives the same samples.
 *
 * Clock: the audio clock — `deviceTimeNs` of a chunk = index of its first sample frame since capture
 * started × 10⁹ / rate (floored to the ns). A sound card's sample clock runs at its own crystal's rate, so
 * this clock drifts against the host's by tens of ppm; the hardware layer's time sync estimates the skew
 * from (`deviceTimeNs`, `hostTimeNs`) pairs.
 */
import type { AudioChunk } from '../types.js';

export class S16LeChunker {
  readonly #frameBytes: number;
  readonly #chunkFrames: number;
  readonly #rateHz: number;
  readonly #channels: number;
  #pending: Float32Array;
  #filled = 0;
  /** A byte of a sample split across reads, or -1. */
  #oddByte = -1;
  /** Sample frames delivered so far (the audio clock). */
  #frames = 0n;

  constructor(rateHz: number, channels: number, chunkFrames: number) {
    this.#rateHz = rateHz;
    this.#channels = channels;
    this.#frameBytes = 2 * channels;
    this.#chunkFrames = chunkFrames;
    this.#pending = new Float32Array(chunkFrames * channels);
  }

  /** Sample frames of the completed chunks so far. */
  get framesDelivered(): bigint {
    return this.#frames;
  }

  /** Bytes per sample frame. */
  get frameBytes(): number {
    return this.#frameBytes;
  }

  /** Feeds bytes; returns the chunks they complete (each `chunkFrames` frames), stamped with `hostTimeNs`. */
  push(bytes: Uint8Array, hostTimeNs?: bigint): AudioChunk[] {
    const out: AudioChunk[] = [];
    let i = 0;
    if (this.#oddByte >= 0 && bytes.length > 0) {
      this.#sample(this.#oddByte | ((bytes[0] as number) << 8), out, hostTimeNs);
      this.#oddByte = -1;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) this.#sample((bytes[i] as number) | ((bytes[i + 1] as number) << 8), out, hostTimeNs);
    if (i < bytes.length) this.#oddByte = bytes[i] as number;
    return out;
  }

  #sample(u16: number, out: AudioChunk[], hostTimeNs: bigint | undefined): void {
    this.#pending[this.#filled] = (u16 >= 0x8000 ? u16 - 0x10000 : u16) / 32768;
    this.#filled += 1;
    if (this.#filled < this.#pending.length) return;
    const deviceTimeNs = (this.#frames * 1_000_000_000n) / BigInt(this.#rateHz);
    out.push({ deviceTimeNs, ...(hostTimeNs !== undefined ? { hostTimeNs } : {}), sampleRateHz: this.#rateHz, channels: this.#channels, samples: this.#pending });
    this.#frames += BigInt(this.#chunkFrames);
    this.#pending = new Float32Array(this.#chunkFrames * this.#channels);
    this.#filled = 0;
  }
}
