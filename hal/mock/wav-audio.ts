/**
 * `wav-audio`: replays a RIFF WAVE file (Microsoft/IBM RIFF WAVE format, PCM or IEEE float; read with
 * `wavefile`) as a microphone: chunks of `chunkSamples` sample frames (default 512 = 32 ms at 16 kHz).
 *
 * Samples: {@link AudioChunk}, interleaved channels as Float32 in [-1, 1] (integer PCM of b bits divided by
 * 2^(b-1), 8-bit unsigned PCM centred first; float PCM clamped). `deviceTimeNs` = index of the chunk's first
 * sample frame / sample rate, i.e. time since the start of the file (a relative clock), floored to the ns.
 * The last chunk is shorter unless `lastChunk` says `pad` (zeros) or `drop`.
 *
 * Errors: `open()` → {@link DeviceError} when the file is missing, is not RIFF WAVE, or holds a sample format
 * other than 8/16/24/32-bit integer or 32/64-bit float PCM. A file cut short inside its data chunk replays what
 * it holds, then `read()` throws one {@link SampleError} `{file, byteOffset: file size}` saying so, then `null`.
 */
import wavefile from 'wavefile';
import { DeviceError, SampleError } from '../types.js';
import type { AudioChunk, AudioInfo } from '../types.js';
import { readWholeFile } from './files.js';
import { ReplayDevice } from './replay-device.js';

export interface WavAudioOptions {
  /** Device id within the session, e.g. `mic`. */
  readonly id: string;
  /** Path of the .wav file. */
  readonly path: string;
  /** Sample frames per chunk, default 512. */
  readonly chunkSamples?: number;
  /** What to do with a last chunk shorter than `chunkSamples`: `partial` (default), `pad` with zeros, `drop`. */
  readonly lastChunk?: 'partial' | 'pad' | 'drop';
}

/** Default chunk: 512 sample frames (32 ms at 16 kHz, the Silero VAD window). */
export const DEFAULT_CHUNK_SAMPLES = 512;

interface WavFormat {
  readonly sampleRate: number;
  readonly numChannels: number;
}

interface WavData {
  readonly chunkSize: number;
  readonly samples: Uint8Array;
}

/** Microphone replayed from a RIFF WAVE file (see the module documentation); extra: frame count. */
export class WavAudio extends ReplayDevice<AudioInfo, AudioChunk> {
  readonly #options: WavAudioOptions;
  #samples: Float32Array = new Float32Array(0);
  #nextFrame = 0;
  /** Set when the data chunk is cut short; reported once after the last chunk. */
  #truncation: SampleError | undefined;

  constructor(options: WavAudioOptions) {
    const chunkSamples = options.chunkSamples ?? DEFAULT_CHUNK_SAMPLES;
    if (!Number.isInteger(chunkSamples) || chunkSamples < 1) {
      throw new DeviceError(options.id, `"chunkSamples" must be a positive integer, got ${chunkSamples}`);
    }
    super({
      id: options.id,
      kind: 'audio',
      driver: 'wav-audio',
      replay: true,
      nominalRateHz: 0,
      source: options.path,
      sampleRateHz: 0,
      channels: 0,
      chunkSamples,
    });
    this.#options = options;
  }

  /** Sample frames in the file (per channel); valid after `open()`. */
  get frameCount(): number {
    return this.info.channels === 0 ? 0 : this.#samples.length / this.info.channels;
  }

  protected async openSource(): Promise<AudioInfo> {
    const { id, path } = this.#options;
    const bytes = await readWholeFile(id, path);
    let wav: wavefile.WaveFile;
    try {
      wav = new wavefile.WaveFile(bytes);
    } catch (err) {
      throw new DeviceError(id, `${path}: not a RIFF WAVE file: ${(err as Error).message}`, { cause: err });
    }
    const fmt = wav.fmt as Partial<WavFormat>;
    const rate = fmt.sampleRate ?? 0;
    const channels = fmt.numChannels ?? 0;
    if (!(rate > 0) || !(channels > 0)) throw new DeviceError(id, `${path}: bad fmt chunk (rate ${rate} Hz, ${channels} channels)`);
    this.#samples = toUnitFloat(id, path, wav);
    this.#nextFrame = 0;
    const data = wav.data as Partial<WavData>;
    const held = data.samples?.length ?? 0;
    const declared = data.chunkSize ?? held;
    this.#truncation =
      held < declared
        ? new SampleError(id, { file: path, byteOffset: bytes.length }, `file ends inside the data chunk: ${held} of ${declared} bytes`)
        : undefined;
    return { ...this.info, nominalRateHz: rate, sampleRateHz: rate, channels };
  }

  protected async readSample(): Promise<AudioChunk | null> {
    const { sampleRateHz, channels, chunkSamples } = this.info;
    const totalFrames = this.#samples.length / channels;
    const first = this.#nextFrame;
    const count = Math.min(chunkSamples, totalFrames - first);
    if (count <= 0 || (count < chunkSamples && this.#options.lastChunk === 'drop')) {
      const truncation = this.#truncation;
      this.#truncation = undefined;
      this.#nextFrame = totalFrames;
      if (truncation !== undefined) throw truncation;
      return null;
    }
    this.#nextFrame = first + count;
    const part = this.#samples.subarray(first * channels, (first + count) * channels);
    const samples = new Float32Array(this.#options.lastChunk === 'pad' ? chunkSamples * channels : part.length);
    samples.set(part);
    return {
      deviceTimeNs: (BigInt(first) * 1_000_000_000n) / BigInt(sampleRateHz),
      sampleRateHz,
      samples,
      channels,
    };
  }

  protected async closeSource(): Promise<void> {
    this.#samples = new Float32Array(0);
  }
}

const INTEGER_BITS: Readonly<Record<string, number | undefined>> = Object.freeze({ '8': 8, '16': 16, '24': 24, '32': 32 });

/** All samples of `wav`, interleaved, scaled to [-1, 1]. */
function toUnitFloat(id: string, path: string, wav: wavefile.WaveFile): Float32Array {
  const depth = wav.bitDepth;
  const samples = wav.getSamples(true, Float32Array) as unknown as Float32Array;
  if (depth === '32f' || depth === '64') {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.max(-1, Math.min(1, samples[i] ?? 0));
    return samples;
  }
  const bits = INTEGER_BITS[depth];
  if (bits === undefined) {
    throw new DeviceError(id, `${path}: unsupported sample format "${depth}" (expected 8/16/24/32-bit integer or 32/64-bit float PCM)`);
  }
  const offset = bits === 8 ? 128 : 0;
  const scale = 1 / 2 ** (bits - 1);
  for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i] ?? 0) - offset) * scale;
  return samples;
}
