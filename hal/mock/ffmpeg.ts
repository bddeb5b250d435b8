/**
 * Small adapters over the FFmpeg command-line tools (https://ffmpeg.org/ffmpeg.html, ffprobe.html): probe a
 * video's first video stream (`ffprobe -of json`), and decode it to raw RGB24 frames on stdout with each
 * frame's pts logged by the `showinfo` filter on stderr (`-copyts`: the container's own timestamps).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { z } from 'zod';

/** How to get FFmpeg, for error messages. */
export const FFMPEG_INSTALL_HINT = 'install it with "apt-get install ffmpeg" (Debian/Ubuntu) or run the project\'s setup.sh';

/** A tool could not be started: `code` is the spawn error code (`ENOENT` when it is not installed). */
export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
  constructor(
    readonly tool: string,
    readonly code: string,
  ) {
    super(`${tool} could not be started (${code})`);
  }
}

/** What ffprobe says about the first video stream. */
export interface VideoProbe {
  readonly widthPx: number;
  readonly heightPx: number;
  /** Average frame rate, Hz. */
  readonly frameRateHz: number;
  /** Frames in the stream (container count, else packets counted by demuxing). */
  readonly frameCount: number | undefined;
}

const ProbeJson = z.object({
  streams: z
    .array(
      z.object({
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        avg_frame_rate: z.string().optional(),
        r_frame_rate: z.string().optional(),
        nb_frames: z.string().optional(),
        nb_read_packets: z.string().optional(),
      }),
    )
    .min(1, 'no video stream'),
});

/** Runs ffprobe on `file`. Throws {@link ToolMissingError} when ffprobe cannot run, `Error` when it fails. */
export async function probeVideo(file: string, ffprobePath: string): Promise<VideoProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-of', 'json', '-show_entries',
    'stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets', file];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(ffprobePath, args, { maxBuffer: 1 << 20 }, (err, out, errText) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (typeof code === 'string') reject(new ToolMissingError('ffprobe', code));
      else if (err !== null) reject(new Error(`ffprobe failed: ${lastLines(errText) || err.message}`));
      else resolve(out);
    });
  });
  const parsed = ProbeJson.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new Error(`ffprobe found no usable video stream (${parsed.error.issues[0]?.message ?? 'bad output'})`);
  const s = parsed.data.streams[0];
  if (s === undefined) throw new Error('ffprobe found no video stream');
  const count = Number(s.nb_frames ?? s.nb_read_packets ?? Number.NaN);
  return {
    widthPx: s.width,
    heightPx: s.height,
    frameRateHz: ratio(s.avg_frame_rate) ?? ratio(s.r_frame_rate) ?? 0,
    frameCount: Number.isInteger(count) && count > 0 ? count : undefined,
  };
}

/** A running decoder: raw RGB24 frames on stdout, showinfo lines on stderr. */
export type Decoder = ChildProcessByStdio<null, Readable, Readable>;

/** Starts ffmpeg decoding the first video stream of `file` to RGB24 at its own frame timing. */
export function spawnDecoder(file: string, ffmpegPath: string): Decoder {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-copyts', '-i', file,
    '-map', '0:v:0', '-vf', 'showinfo', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  return spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `num/den` as a number, or undefined for `0/0` and malformed text. */
function ratio(text: string | undefined): number | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  const value = m === null ? Number.NaN : Number(m[1]) / Number(m[2]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The last non-empty lines of a tool's stderr, joined with ` | `. */
export function lastLines(text: string, count = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-count)
    .join(' | ');
}

/** FFmpeg log lines that say the input is damaged. */
const DAMAGE = /ended prematurely|invalid data|corrupt|concealing|error while decoding|truncat/i;

/**
 * Frame timestamps parsed from ffmpeg's stderr with `-vf showinfo`: `config in time_base: N/D` then one
 * `n: <frame> pts: <ticks>` line per frame. Other lines are kept (the last few, and those reporting damaged
 * input) for error reports, without the `@ 0x…` context addresses.
 */
export class ShowinfoLog {
  /** pts in ns by frame number; `null` when ffmpeg logged `NOPTS`. */
  readonly #times = new Map<number, bigint | null>();
  readonly #other: string[] = [];
  readonly #damaged: string[] = [];
  #waiter: { readonly n: number; readonly wake: () => void } | undefined;
  #timeBase: readonly [bigint, bigint] = [1n, 1n];
  #lastFrame = -1;
  #partial = '';
  #ended = false;

  /** Feeds stderr text. */
  push(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** stderr closed: no more stamps will come. */
  end(): void {
    this.#line(this.#partial);
    this.#partial = '';
    this.#ended = true;
    this.#wake();
  }

  /**
   * The pts of frame `n` in ns, once its line (or a later frame's) has been logged; undefined when ffmpeg
   * logged no pts for it. Frames are logged in order, so a later frame's line means `n` will not come.
   */
  async timeNs(n: number): Promise<bigint | undefined> {
    while (this.#lastFrame < n && !this.#ended) await new Promise<void>((wake) => (this.#waiter = { n, wake }));
    const t = this.#times.get(n);
    for (const k of this.#times.keys()) if (k <= n) this.#times.delete(k);
    return t ?? undefined;
  }

  /** The last lines that were not frame reports (ffmpeg's errors end up here). */
  errors(): string {
    return this.#other.slice(-3).join(' | ');
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter !== undefined && (this.#ended || this.#lastFrame >= waiter.n)) {
      this.#waiter = undefined;
      waiter.wake();
    }
  }

  /** Warnings about damaged input (truncated file, invalid data, concealed errors), first three. */
  damage(): string {
    return this.#damaged.join(' | ');
  }

  #line(line: string): void {
    const frame = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)/.exec(line);
    if (frame !== null) {
      const n = Number(frame[1]);
      const [num, den] = this.#timeBase;
      const pts = frame[2] === 'NOPTS' || frame[2] === undefined ? null : (BigInt(frame[2]) * 1_000_000_000n * num) / den;
      this.#times.set(n, pts);
      this.#lastFrame = Math.max(this.#lastFrame, n);
      this.#wake();
      return;
    }
    const base = /config in time_base:\s*(\d+)\/(\d+)/.exec(line);
    if (base !== null && base[2] !== '0') {
      this.#timeBase = [BigInt(base[1] ?? '1'), BigInt(base[2] ?? '1')];
      return;
    }
    if (line.includes('Parsed_showinfo') || line.trim() === '') return;
    const text = line.trim().replace(/ @ 0x[0-9a-f]+\]/, ']');
    if (DAMAGE.test(text) && this.#damaged.length < 3) this.#damaged.push(text);
    this.#other.push(text);
    if (this.#other.length > 20) this.#other.shift();
  }
}

/** Reads exact byte counts from a stream (fixed-size raw frames). */
export class ExactReader {
  readonly #source: AsyncIterator<Buffer>;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #done = false;

  constructor(stream: Readable) {
    this.#source = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /**
   * The next `size` bytes in a buffer of their own (its `.buffer` holds nothing else, so it can be transferred);
   * fewer only at the end of the stream (empty once it is exhausted).
   */
  async read(size: number): Promise<Buffer> {
    while (this.#buffered < size && !this.#done) {
      const r = await this.#source.next();
      if (r.done === true) this.#done = true;
      else {
        this.#chunks.push(r.value);
        this.#buffered += r.value.length;
      }
    }
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#buffered);
    const take = Math.min(size, all.length);
    const rest = all.subarray(take);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return Buffer.from(new Uint8Array(all.subarray(0, take)).buffer);
  }
}
