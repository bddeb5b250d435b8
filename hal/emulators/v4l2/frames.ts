/**
 * Recorded frames for the emulated V4L2 camera, from REAL recordings (`../shared/data`, see each folder's
 * PROVENANCE.md):
 * - {@link EurocFrames}: an EuRoC/ASL camera folder (`data/<ns>.png`, e.g. MH_01 cam0, 752×480 8-bit gray,
 *   20 Hz); decoded by sharp to gray, stamped with the file name's ns.
 * - {@link VideoFrames}: a video file decoded by FFmpeg to raw pixels in the layout asked for (`gray`,
 *   `yuyv422`, `nv12` or `rgb24`: FFmpeg's own swscale conversion, as a UVC camera's ISP would produce them),
 *   stamped `index / rate` (the clips are constant-rate).
 * Both can loop (the stamps go on increasing by the recording's length plus one frame).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { ExactReader, probeVideo } from '../../mock/ffmpeg.js';

/** Pixel layout of a recorded frame. */
export type FrameLayout = 'gray' | 'yuyv422' | 'nv12' | 'rgb24';

/** One recorded frame: its pixels (packed rows) and its time on the recording's clock. */
export interface RecordedFrame {
  readonly ptsNs: bigint;
  readonly layout: FrameLayout;
  readonly pixels: Uint8Array;
}

/** A recording, read frame by frame. */
export interface FrameSource {
  readonly description: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly rateHz: number;
  /** Layouts `next()` can deliver natively (the first is the default). */
  readonly layouts: readonly FrameLayout[];
  /** Reads the recording's size and rate (idempotent; the emulated device calls it when opened). */
  load(): Promise<unknown>;
  /** Opens or rewinds the recording, delivering `layout` from now on. */
  start(layout: FrameLayout): Promise<void>;
  /** The next frame, or null at the end of the recording. */
  next(): Promise<RecordedFrame | null>;
  stop(): Promise<void>;
}

/** Frames of an EuRoC/ASL camera folder (`<folder>/data/<ns>.png`). */
export class EurocFrames implements FrameSource {
  readonly layouts = ['gray'] as const;
  #files: string[] = [];
  #index = 0;
  widthPx = 0;
  heightPx = 0;
  rateHz = 0;

  constructor(
    readonly folder: string,
    readonly maxFrames = Number.POSITIVE_INFINITY,
  ) {}

  get description(): string {
    return `EuRoC camera folder ${this.folder}`;
  }

  /** Lists the frames and reads the first one's size; call once before use. */
  async load(): Promise<this> {
    if (this.#files.length > 0) return this;
    const dir = join(this.folder, 'data');
    const names = (await readdir(dir)).filter((n) => /^\d+\.png$/.test(n)).sort((a, b) => (BigInt(a.slice(0, -4)) < BigInt(b.slice(0, -4)) ? -1 : 1));
    if (names.length < 2) throw new Error(`${dir} holds ${names.length} PNG frames named <ns>.png; at least 2 are needed`);
    this.#files = names.slice(0, Math.max(2, Math.min(names.length, this.maxFrames))).map((n) => join(dir, n));
    const meta = await sharp(this.#files[0]).metadata();
    this.widthPx = meta.width ?? 0;
    this.heightPx = meta.height ?? 0;
    const first = stampOf(this.#files[0] ?? '');
    const last = stampOf(this.#files[this.#files.length - 1] ?? '');
    this.rateHz = Math.round((1e9 * (this.#files.length - 1)) / Number(last - first));
    return this;
  }

  async start(): Promise<void> {
    this.#index = 0;
  }

  async next(): Promise<RecordedFrame | null> {
    const file = this.#files[this.#index];
    if (file === undefined) return null;
    this.#index += 1;
    const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    if (info.width !== this.widthPx || info.height !== this.heightPx) throw new Error(`${file} is ${info.width}×${info.height}, the folder's first frame ${this.widthPx}×${this.heightPx}`);
    return { ptsNs: stampOf(file), layout: 'gray', pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }

  async stop(): Promise<void> {
    this.#index = 0;
  }
}

function stampOf(file: string): bigint {
  const m = /(\d+)\.png$/.exec(file);
  return BigInt(m?.[1] ?? '0');
}

const LAYOUT_BYTES: Readonly<Record<FrameLayout, (w: number, h: number) => number>> = {
  gray: (w, h) => w * h,
  yuyv422: (w, h) => w * h * 2,
  nv12: (w, h) => (w * h * 3) / 2,
  rgb24: (w, h) => w * h * 3,
};

/** Frames of a video file decoded by FFmpeg (see the module documentation). */
export class VideoFrames implements FrameSource {
  readonly layouts = ['rgb24', 'gray', 'yuyv422', 'nv12'] as const;
  widthPx = 0;
  heightPx = 0;
  rateHz = 0;
  #layout: FrameLayout = 'rgb24';
  #child: ChildProcessByStdio<null, Readable, null> | undefined;
  #reader: ExactReader | undefined;
  #index = 0;

  constructor(
    readonly file: string,
    readonly maxFrames = Number.POSITIVE_INFINITY,
    readonly ffmpegPath = 'ffmpeg',
  ) {}

  get description(): string {
    return `video ${this.file}`;
  }

  /** Probes the size and rate with ffprobe; call once before use. */
  async load(ffprobePath = 'ffprobe'): Promise<this> {
    if (this.rateHz > 0) return this;
    const probe = await probeVideo(this.file, ffprobePath);
    this.widthPx = probe.widthPx;
    this.heightPx = probe.heightPx;
    this.rateHz = probe.frameRateHz;
    return this;
  }

  async start(layout: FrameLayout): Promise<void> {
    await this.stop();
    this.#layout = layout;
    this.#index = 0;
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', this.file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', layout, 'pipe:1'];
    const child = spawn(this.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.on('error', () => undefined);
    this.#child = child;
    this.#reader = new ExactReader(child.stdout);
  }

  async next(): Promise<RecordedFrame | null> {
    const reader = this.#reader;
    if (reader === undefined || this.#index >= this.maxFrames) return null;
    const bytes = LAYOUT_BYTES[this.#layout](this.widthPx, this.heightPx);
    const data = await reader.read(bytes);
    if (data.length < bytes) return null;
    const ptsNs = BigInt(Math.round((this.#index * 1e9) / this.rateHz));
    this.#index += 1;
    return { ptsNs, layout: this.#layout, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    this.#reader = undefined;
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve())));
  }
}
