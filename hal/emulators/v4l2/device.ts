/**
 * An emulated V4L2 capture device that behaves like a UVC camera (uvcvideo) behind the same
 * {@link V4l2Backend} interface as the C addon, fed by a REAL recording ({@link FrameSource}):
 * - VIDIOC_QUERYCAP says `uvcvideo`, capture + streaming; ENUM_FMT lists the configured FourCCs (default
 *   YUYV and MJPG, a typical webcam; GREY/NV12 on request) at the recording's size with two intervals
 *   (the recording's rate and half of it); S_FMT substitutes the first offered format and the recording's
 *   size for anything else, as drivers do; S_PARM snaps to the nearest interval.
 * - Buffers: `startStreaming(n)` allocates n buffers of `sizeimage` bytes, all queued. Each frame period
 *   the device "captures" the next recorded frame into the OLDEST queued buffer (the kernel's FIFO); when
 *   none is queued the frame is dropped and `sequence` still advances, so the reader sees a gap.
 *   `dequeue` hands out filled buffers in order with V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC stamps; `queue(i)`
 *   gives one back. Stop/close detach the ArrayBuffers (byteLength 0), as the addon does before munmap.
 * - Pace: `realtime` (a timer at the frame interval; stamps = host CLOCK_MONOTONIC at capture), `asap`
 *   (a frame is captured when the reader asks and none is waiting; stamps = STREAMON time + the recording's
 *   own frame times, so the timing is the recording's) or `manual` (the test calls `captureFrame()`).
 * - End of the recording: `loop` (stamps keep increasing) or `unplug` (ENODEV, as a pulled USB cable).
 * - Errors shaped like the addon's: ENOENT for an unknown path, EBUSY when a second opener streams,
 *   EINVAL for a bad queue index, ENODEV after unplug; `injectFault` corrupts the next captured buffer.
 */
import { hostNowNs } from '../../live/live-device.js';
import { V4L2_BUF_FLAG, V4L2_CAP, v4l2Error } from '../../v4l2/backend.js';
import type { V4l2Backend, V4l2Capability, V4l2DequeuedBuffer, V4l2FormatDesc, V4l2Fraction, V4l2PixFormat, V4l2Port } from '../../v4l2/backend.js';
import type { SupportedFourcc } from '../../v4l2/negotiate.js';
import { encodeInto, layoutFor, packedBytes } from './encode.js';
import type { FrameSource, RecordedFrame } from './frames.js';

export interface EmulatedCameraConfig {
  /** The node it answers to, e.g. `/dev/video0`. */
  readonly path: string;
  /** The recording (loaded on the first open). */
  readonly source: FrameSource;
  /** Formats offered, in ENUM_FMT order; default `['YUYV', 'MJPG']`. */
  readonly fourccs?: readonly SupportedFourcc[];
  readonly card?: string;
  /** Default `asap`. */
  readonly pace?: 'realtime' | 'asap' | 'manual';
  /** Default `loop`. */
  readonly atEnd?: 'loop' | 'unplug';
  /** MJPG quality 1–100, default 90. */
  readonly jpegQuality?: number;
}

/** Faults `injectFault` applies to the next captured frame. */
export type V4l2Fault = 'error-flag' | 'truncate' | 'garbage';

const DESCRIPTION: Readonly<Record<SupportedFourcc, string>> = { GREY: '8-bit Greyscale', YUYV: 'YUYV 4:2:2', NV12: 'Y/UV 4:2:0', MJPG: 'Motion-JPEG' };

interface Filled {
  readonly index: number;
  readonly bytesUsed: number;
  readonly sequence: number;
  readonly timestampNs: bigint;
  readonly error: boolean;
}

/** One emulated camera (shared by every open of its path): the controls a test drives. */
export class EmulatedCamera {
  readonly config: EmulatedCameraConfig;
  readonly stats = { captured: 0, dropped: 0 };
  #streamer: EmulatedPort | undefined;
  #unplugged = false;

  constructor(config: EmulatedCameraConfig) {
    this.config = config;
  }

  get fourccs(): readonly SupportedFourcc[] {
    return this.config.fourccs ?? ['YUYV', 'MJPG'];
  }

  get unplugged(): boolean {
    return this.#unplugged;
  }

  /** The buffers of the current stream (for identity checks), empty when not streaming. */
  get buffers(): readonly ArrayBuffer[] {
    return this.#streamer?.buffers ?? [];
  }

  /** Pulls the cable: pending and later calls fail with ENODEV. */
  unplug(): void {
    this.#unplugged = true;
    this.#streamer?.wake();
  }

  /** Manual pace: one frame period elapses (capture into a queued buffer, or drop). */
  captureFrame(): Promise<'filled' | 'dropped' | 'ended'> {
    const port = this.#streamer;
    if (port === undefined) return Promise.reject(new Error(`${this.config.path}: not streaming`));
    return port.capture();
  }

  /** Corrupts the next captured buffer. */
  injectFault(fault: V4l2Fault): void {
    if (this.#streamer !== undefined) this.#streamer.fault = fault;
  }

  /** @internal */
  claim(port: EmulatedPort): void {
    if (this.#streamer !== undefined && this.#streamer !== port) throw v4l2Error('EBUSY', this.config.path, 'VIDIOC_REQBUFS', 'Device or resource busy: another open file streams from it');
    this.#streamer = port;
  }

  /** @internal */
  release(port: EmulatedPort): void {
    if (this.#streamer === port) this.#streamer = undefined;
  }
}

/** A {@link V4l2Backend} serving emulated cameras by path. */
export class EmulatedV4l2Backend implements V4l2Backend {
  readonly name = 'emulator';
  readonly #cameras = new Map<string, EmulatedCamera>();

  constructor(configs: readonly EmulatedCameraConfig[]) {
    for (const c of configs) this.#cameras.set(c.path, new EmulatedCamera(c));
  }

  camera(path: string): EmulatedCamera {
    const cam = this.#cameras.get(path);
    if (cam === undefined) throw new Error(`no emulated camera at ${path}`);
    return cam;
  }

  async open(path: string): Promise<V4l2Port> {
    await Promise.resolve();
    const cam = this.#cameras.get(path);
    if (cam === undefined) throw v4l2Error('ENOENT', path, 'open', 'No such file or directory: no such device; list cameras with `ls /dev/video*` or `karana doctor`');
    if (cam.unplugged) throw v4l2Error('ENODEV', path, 'open', 'No such device: the device is gone (unplugged)');
    await cam.config.source.load();
    return new EmulatedPort(cam);
  }
}

class EmulatedPort implements V4l2Port {
  readonly path: string;
  buffers: ArrayBuffer[] = [];
  fault: V4l2Fault | undefined;
  #cam: EmulatedCamera;
  #format: V4l2PixFormat;
  #step = 1;
  #queued: number[] = [];
  #filled: Filled[] = [];
  #sequence = 0;
  #t0 = 0n;
  #ptsFirst: bigint | undefined;
  #ptsOffset = 0n;
  #ptsLast = 0n;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #waiters: (() => void)[] = [];
  #cancelled = false;
  #closed = false;

  constructor(cam: EmulatedCamera) {
    this.#cam = cam;
    this.path = cam.config.path;
    this.#format = this.#formatFor(cam.fourccs[0] ?? 'YUYV');
  }

  queryCap(): V4l2Capability {
    this.#check('VIDIOC_QUERYCAP');
    const caps = V4L2_CAP.VIDEO_CAPTURE | V4L2_CAP.STREAMING;
    return { driver: 'uvcvideo', card: this.#cam.config.card ?? `Emulated UVC camera (${this.#cam.config.source.description})`, busInfo: 'usb-emulator-1', version: 0x060100, capabilities: (caps | V4L2_CAP.DEVICE_CAPS) >>> 0, deviceCaps: caps };
  }

  enumFormats(): V4l2FormatDesc[] {
    this.#check('VIDIOC_ENUM_FMT');
    const { widthPx, heightPx } = this.#cam.config.source;
    return this.#cam.fourccs.map((fourcc) => ({ fourcc, description: DESCRIPTION[fourcc], flags: fourcc === 'MJPG' ? 1 : 0, sizes: [{ widthPx, heightPx, intervals: this.#intervals() }] }));
  }

  setFormat(fourcc: string): V4l2PixFormat {
    this.#check('VIDIOC_S_FMT');
    if (this.buffers.length > 0) throw v4l2Error('EBUSY', this.path, 'VIDIOC_S_FMT', 'Device or resource busy: buffers are allocated');
    const offered = this.#cam.fourccs.find((f) => f === fourcc) ?? this.#cam.fourccs[0] ?? 'YUYV';
    this.#format = this.#formatFor(offered);
    return this.#format;
  }

  setFrameInterval(numerator: number, denominator: number): V4l2Fraction | null {
    this.#check('VIDIOC_S_PARM');
    const want = numerator / denominator;
    const options = this.#intervals();
    const best = [...options].sort((a, b) => Math.abs(a.numerator / a.denominator - want) - Math.abs(b.numerator / b.denominator - want))[0] ?? options[0];
    this.#step = best === options[1] ? 2 : 1;
    return best ?? null;
  }

  startStreaming(bufferCount: number): ArrayBuffer[] {
    this.#check('VIDIOC_REQBUFS');
    if (this.buffers.length > 0) throw v4l2Error('EBUSY', this.path, 'VIDIOC_REQBUFS', 'Device or resource busy: already streaming');
    if (!Number.isInteger(bufferCount) || bufferCount < 2 || bufferCount > 32) throw new RangeError(`"bufferCount" must be an integer in [2, 32], got ${bufferCount}`);
    this.#cam.claim(this);
    this.buffers = Array.from({ length: bufferCount }, () => new ArrayBuffer(this.#format.sizeImage));
    this.#queued = this.buffers.map((_, i) => i);
    this.#filled = [];
    this.#sequence = 0;
    this.#ptsFirst = undefined;
    this.#ptsOffset = 0n;
    this.#cancelled = false;
    this.#t0 = hostNowNs();
    const source = this.#cam.config.source;
    this.#chain = source.start(layoutFor(this.#format.fourcc as SupportedFourcc, source.layouts));
    if (this.#cam.config.pace === 'realtime') {
      const periodMs = (1000 * this.#step) / source.rateHz;
      this.#timer = setInterval(() => void this.capture().catch(() => undefined), periodMs);
    }
    return this.buffers;
  }

  async dequeue(timeoutMs: number): Promise<V4l2DequeuedBuffer | null> {
    this.#check('VIDIOC_DQBUF');
    if (this.buffers.length === 0) throw v4l2Error('EINVAL', this.path, 'VIDIOC_DQBUF', 'Invalid argument: not streaming');
    this.#cancelled = false;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.#check('VIDIOC_DQBUF');
      const next = this.#filled.shift();
      if (next !== undefined) return this.#dequeued(next);
      if (this.#cancelled) return null;
      if ((this.#cam.config.pace ?? 'asap') === 'asap') {
        if (this.#queued.length === 0) throw v4l2Error('EINVAL', this.path, 'VIDIOC_DQBUF (no buffer queued)', 'Invalid argument');
        await this.capture();
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  queue(index: number): void {
    this.#check('VIDIOC_QBUF');
    if (!Number.isInteger(index) || index < 0 || index >= this.buffers.length) throw new RangeError(`"index" must be an integer in [0, ${this.buffers.length - 1}], got ${index}`);
    if (this.#queued.includes(index) || this.#filled.some((f) => f.index === index)) throw v4l2Error('EINVAL', this.path, 'VIDIOC_QBUF', `Invalid argument: buffer ${index} is already queued`);
    this.#queued.push(index);
  }

  cancel(): void {
    this.#cancelled = true;
    this.wake();
  }

  stopStreaming(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const b of this.buffers) structuredClone(b, { transfer: [b] });
    this.buffers = [];
    this.#queued = [];
    this.#filled = [];
    this.#cam.release(this);
    void this.#cam.config.source.stop();
    this.wake();
  }

  close(): void {
    this.stopStreaming();
    this.#closed = true;
  }

  /** Wakes waiting dequeues. */
  wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** One frame period: capture the next recorded frame (see the module documentation). */
  capture(): Promise<'filled' | 'dropped' | 'ended'> {
    const run = this.#chain.then(() => this.#captureOne());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #captureOne(): Promise<'filled' | 'dropped' | 'ended'> {
    if (this.buffers.length === 0 || this.#cam.unplugged) return 'ended';
    const frame = await this.#nextFrame();
    if (frame === null || this.buffers.length === 0) return 'ended';
    this.#ptsFirst ??= frame.ptsNs;
    this.#ptsLast = frame.ptsNs + this.#ptsOffset;
    const sequence = this.#sequence;
    this.#sequence += 1;
    const index = this.#queued.shift();
    if (index === undefined) {
      this.#cam.stats.dropped += 1;
      return 'dropped';
    }
    const { source, jpegQuality } = this.#cam.config;
    const out = new Uint8Array(this.buffers[index] as ArrayBuffer);
    let bytesUsed = await encodeInto(frame, this.#format.fourcc as SupportedFourcc, source.widthPx, source.heightPx, out, jpegQuality ?? 90);
    const fault = this.fault;
    this.fault = undefined;
    if (fault === 'truncate') bytesUsed = Math.floor(bytesUsed / 3);
    if (fault === 'garbage') for (let i = 0; i < Math.min(64, bytesUsed); i++) out[i] = (i * 37 + 11) & 0xff;
    const timestampNs = this.#cam.config.pace === 'realtime' ? hostNowNs() : this.#t0 + (this.#ptsLast - this.#ptsFirst);
    this.#filled.push({ index, bytesUsed, sequence, timestampNs, error: fault === 'error-flag' });
    this.#cam.stats.captured += 1;
    this.wake();
    return 'filled';
  }

  /** The next frame to show (skipping frames at half rate), looping or unplugging at the end. */
  async #nextFrame(): Promise<RecordedFrame | null> {
    const source = this.#cam.config.source;
    let frame: RecordedFrame | null = null;
    for (let i = 0; i < this.#step; i++) {
      frame = await source.next();
      if (frame !== null) continue;
      if (this.#cam.config.atEnd === 'unplug') {
        this.#cam.unplug();
        return null;
      }
      await source.start(layoutFor(this.#format.fourcc as SupportedFourcc, source.layouts));
      frame = await source.next();
      if (frame === null) return null;
      this.#ptsOffset = this.#ptsLast + BigInt(Math.round(1e9 / source.rateHz)) - frame.ptsNs;
    }
    return frame;
  }

  #dequeued(f: Filled): V4l2DequeuedBuffer {
    const flags = V4L2_BUF_FLAG.MAPPED | V4L2_BUF_FLAG.DONE | V4L2_BUF_FLAG.TIMESTAMP_MONOTONIC | (f.error ? V4L2_BUF_FLAG.ERROR : 0);
    return { index: f.index, bytesUsed: f.bytesUsed, sequence: f.sequence, flags, error: f.error, timestampNs: f.timestampNs, timestampClock: 'monotonic', timestampSource: 'soe', dequeuedNs: hostNowNs() };
  }

  #intervals(): V4l2Fraction[] {
    const rate = this.#cam.config.source.rateHz;
    const base = Number.isInteger(rate) ? { numerator: 1, denominator: rate } : { numerator: 1000, denominator: Math.round(rate * 1000) };
    return [base, { numerator: base.numerator * 2, denominator: base.denominator }];
  }

  #formatFor(fourcc: SupportedFourcc): V4l2PixFormat {
    const { widthPx, heightPx } = this.#cam.config.source;
    const bytesPerLine = fourcc === 'YUYV' ? widthPx * 2 : fourcc === 'MJPG' ? 0 : widthPx;
    const sizeImage = fourcc === 'MJPG' ? widthPx * heightPx * 2 : packedBytes(fourcc, widthPx, heightPx);
    return { fourcc, widthPx, heightPx, bytesPerLine, sizeImage, field: 1, colorspace: fourcc === 'MJPG' ? 7 : 1 };
  }

  #check(call: string): void {
    if (this.#closed) throw v4l2Error('EBADF', this.path, call, 'Bad file descriptor: the device is closed');
    if (this.#cam.unplugged) throw v4l2Error('ENODEV', this.path, call, 'No such device: the device is gone (unplugged, or its driver was unloaded)');
  }
}
