/**
 * `video-camera`: replays a video file (MP4, MKV, WebM, … anything FFmpeg demuxes) as a camera, default role
 * `world`. FFmpeg runs as a child process decoding the first video stream to raw RGB24 on stdout
 * (`-f rawvideo -pix_fmt rgb24`), read as fixed-size frames; size, rate and frame count come from
 * `ffprobe -of json`. Source: FFmpeg documentation (ffmpeg, ffprobe, the `showinfo` filter).
 *
 * Samples: {@link CameraFrame} `RGB8`, `seq` = decoded frame index, `deviceTimeNs` = the frame's pts on the
 * container's timeline (`-copyts`, from `showinfo`; a relative clock that starts at the stream's start time,
 * often 0), or `seq / fps` if FFmpeg did not report it.
 *
 * Errors: `open()` → {@link DeviceError} when the file is missing, FFmpeg is not installed (the message says
 * how to install it) or ffprobe finds no video stream. `read()` → {@link SampleError} `{file, frame}` for a
 * frame cut short, and once after the last frame when FFmpeg reported damaged input (a truncated file, invalid
 * data), located at the frame where the stream ended; a {@link DeviceError} carrying FFmpeg's last error lines if it
 * exits with a failure. `close()` kills FFmpeg.
 */
import { once } from 'node:events';
import { DeviceError, SampleError } from '../types.js';
import type { CameraFrame, CameraInfo, CameraRole } from '../types.js';
import { ExactReader, FFMPEG_INSTALL_HINT, ShowinfoLog, ToolMissingError, probeVideo, spawnDecoder } from './ffmpeg.js';
import type { Decoder } from './ffmpeg.js';
import { requireFile } from './files.js';
import { ReplayDevice } from './replay-device.js';

export interface VideoCameraOptions {
  /** Device id within the session, e.g. `world`. */
  readonly id: string;
  /** Path of the video file. */
  readonly path: string;
  /** Default `world`. */
  readonly role?: CameraRole;
  /** ffmpeg executable, default `ffmpeg` (from PATH). */
  readonly ffmpegPath?: string;
  /** ffprobe executable, default `ffprobe` (from PATH). */
  readonly ffprobePath?: string;
}

interface Running {
  readonly child: Decoder;
  readonly frames: ExactReader;
  readonly log: ShowinfoLog;
  readonly exit: Promise<number | null>;
}

/** Camera replayed from a video file through FFmpeg (see the module documentation); extra: decoder pid, frame count. */
export class VideoCamera extends ReplayDevice<CameraInfo, CameraFrame> {
  readonly #options: VideoCameraOptions;
  #running: Running | undefined;
  #seq = 0;
  #damageReported = false;
  #frameCount: number | undefined;

  constructor(options: VideoCameraOptions) {
    super({
      id: options.id,
      kind: 'camera',
      driver: 'video-camera',
      replay: true,
      nominalRateHz: 0,
      source: options.path,
      role: options.role ?? 'world',
      widthPx: 0,
      heightPx: 0,
      format: 'RGB8',
    });
    this.#options = options;
  }

  /** Process id of the running FFmpeg decoder (undefined when closed). */
  get decoderPid(): number | undefined {
    return this.#running?.child.pid;
  }

  /** Frames in the video according to ffprobe (undefined when it cannot tell); valid after `open()`. */
  get frameCount(): number | undefined {
    return this.#frameCount;
  }

  protected async openSource(): Promise<CameraInfo> {
    const { id, path } = this.#options;
    await requireFile(id, path);
    let probe;
    try {
      probe = await probeVideo(path, this.#options.ffprobePath ?? 'ffprobe');
    } catch (err) {
      throw this.#toolError(err, 'ffprobe', path);
    }
    this.#frameCount = probe.frameCount;
    this.#seq = 0;
    this.#damageReported = false;
    this.#running = await this.#start();
    return { ...this.info, nominalRateHz: probe.frameRateHz, widthPx: probe.widthPx, heightPx: probe.heightPx };
  }

  protected async readSample(): Promise<CameraFrame | null> {
    const running = this.#running;
    if (running === undefined) return null;
    const { id, widthPx, heightPx, nominalRateHz } = this.info;
    const frameBytes = widthPx * heightPx * 3;
    const data = await running.frames.read(frameBytes);
    const seq = this.#seq;
    if (data.length === 0) {
      const code = await running.exit;
      if (code !== 0) {
        throw new DeviceError(id, `ffmpeg failed on ${this.#options.path} (exit code ${code}): ${running.log.errors()}`);
      }
      const damage = running.log.damage();
      if (damage !== '' && !this.#damageReported) {
        this.#damageReported = true;
        throw new SampleError(id, { file: this.#options.path, frame: seq }, `FFmpeg reported damaged input: ${damage}`);
      }
      return null;
    }
    this.#seq += 1;
    if (data.length < frameBytes) {
      throw new SampleError(id, { file: this.#options.path, frame: seq }, `frame cut short: ${data.length} of ${frameBytes} bytes`);
    }
    const pts = await running.log.timeNs(seq);
    const deviceTimeNs = pts ?? BigInt(Math.round((seq * 1e9) / (nominalRateHz || 1)));
    return { seq, deviceTimeNs, widthPx, heightPx, format: 'RGB8', strideBytes: widthPx * 3, data };
  }

  protected async closeSource(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (running === undefined) return;
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    running.child.stdout.destroy();
    await running.exit;
  }

  /** Spawns ffmpeg and waits until it has started. */
  async #start(): Promise<Running> {
    const child = spawnDecoder(this.#options.path, this.#options.ffmpegPath ?? 'ffmpeg');
    const log = new ShowinfoLog();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => log.push(text));
    child.stderr.on('end', () => log.end());
    const exit = new Promise<number | null>((resolve) => {
      child.on('close', (code) => resolve(code));
      child.on('error', () => resolve(null));
    });
    try {
      await once(child, 'spawn');
    } catch (err) {
      throw this.#toolError(err, 'ffmpeg', this.#options.path);
    }
    return { child, frames: new ExactReader(child.stdout), log, exit };
  }

  #toolError(err: unknown, tool: string, path: string): DeviceError {
    const code = err instanceof ToolMissingError ? err.code : (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      return new DeviceError(
        this.info.id,
        `${tool} not found (${code}): the video-camera driver needs FFmpeg to read ${path}; ${FFMPEG_INSTALL_HINT}`,
        { cause: err },
      );
    }
    return new DeviceError(this.info.id, `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
}
