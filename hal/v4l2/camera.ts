/**
 * `v4l2`: a camera on a V4L2 capture node (`/dev/videoN`: UVC webcams, USB global-shutter tracking cameras,
 * any single-planar capture driver), read with mmap streaming I/O over a {@link V4l2Backend} — the C addon
 * on a device, the emulated UVC device (`hal/emulators/v4l2/`) on a laptop; this code is the same for both.
 *
 * Open: VIDIOC_QUERYCAP (capture + streaming, else a {@link DeviceError}), ENUM_FMT/FRAMESIZES/INTERVALS,
 * {@link chooseFormat} (GREY / YUYV / NV12 / MJPG, nearest size and rate), VIDIOC_S_FMT — the driver keeps
 * what the device actually set, see {@link V4l2Camera.negotiated} — VIDIOC_S_PARM, then `bufferCount` mmap
 * buffers and STREAMON. A loop then waits for buffers off the JS thread (poll + DQBUF on a worker thread),
 * converts each with the ONE copy of `convert.ts` straight from the mapped buffer into the frame's own
 * buffer, re-queues the buffer, and pushes the frame.
 *
 * Samples: {@link CameraFrame} GRAY8 or RGB8 (default GRAY8 for `tracking`, RGB8 for `world`), packed rows.
 * - `seq` = the driver's `sequence` (counts frames the device produced since STREAMON; a gap = frames the
 *   device dropped because no buffer was queued; counted in {@link V4l2Camera.captureStats}).
 * - `deviceTimeNs` = the kernel timestamp when the buffer carries V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC: the
 *   host CLOCK_MONOTONIC (the clock of `process.hrtime.bigint()`), taken by the driver at the end of the
 *   frame (or the start of exposure with V4L2_BUF_FLAG_TSTAMP_SRC_SOE; uvcvideo stamps the first USB packet
 *   of the frame). With `copy` or `unknown` timestamps (mem-to-mem or old drivers, whose clock is not
 *   known) it is the dequeue time on CLOCK_MONOTONIC instead, and `captureStats.timestampClock` says so.
 * - `hostTimeNs` = `hostNowNs()` when the frame reached the driver (after DQBUF).
 *
 * Errors: `open()` → DeviceError naming the path and the errno (`ENOENT` no such device, `EACCES` not in the
 * `video` group, `EBUSY` another program streams, `ENOTTY` not a V4L2 node, no usable format). While
 * streaming: a buffer flagged V4L2_BUF_FLAG_ERROR, cut short or undecodable → {@link SampleError}
 * `{frame: seq, byteOffset}` and the stream goes on; unplug (`ENODEV`) or a stall longer than
 * `stallTimeoutMs` → the device fails with a DeviceError.
 */
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import { DeviceError, SampleError } from '../types.js';
import type { CameraCalibration, CameraFrame, CameraInfo, CameraRole } from '../types.js';
import { V4L2_CAP } from './backend.js';
import type { V4l2Backend, V4l2DequeuedBuffer, V4l2Fraction, V4l2PixFormat, V4l2Port } from './backend.js';
import { convertV4l2Frame } from './convert.js';
import type { FrameConverter } from './convert.js';
import { chooseFormat, isSupportedFourcc, rateOf } from './negotiate.js';
import type { SupportedFourcc, V4l2OutputFormat } from './negotiate.js';

export interface V4l2CameraOptions {
  /** Device id within the session, e.g. `cam0`. */
  readonly id: string;
  /** The capture node, `/dev/videoN`. */
  readonly path: string;
  /** Native addon or emulator. */
  readonly backend: V4l2Backend;
  /** Default `world`. */
  readonly role?: CameraRole;
  /** Frame format delivered; default GRAY8 for `tracking`, RGB8 for `world`. */
  readonly format?: V4l2OutputFormat;
  /** Force a pixel format instead of the preference order of `negotiate.ts`. */
  readonly fourcc?: SupportedFourcc;
  readonly widthPx?: number;
  readonly heightPx?: number;
  readonly rateHz?: number;
  /** mmap buffers, 2–32, default 4. */
  readonly bufferCount?: number;
  /** The device fails when no frame arrives for this long, ms (default 3000). */
  readonly stallTimeoutMs?: number;
  readonly calibration?: CameraCalibration;
  /** Frames held for a slow reader (LiveDevice queue), default 8. */
  readonly queueCapacity?: number;
  /** The copy-and-convert step; default {@link convertV4l2Frame} (tests instrument it). */
  readonly converter?: FrameConverter;
}

/** What VIDIOC_S_FMT / S_PARM actually set. */
export interface V4l2Negotiated {
  readonly format: V4l2PixFormat;
  /** The frame interval in force, or null when the device has no rate control. */
  readonly interval: V4l2Fraction | null;
  readonly card: string;
  readonly driver: string;
}

/** Counters of the capture since open. */
export interface V4l2CaptureStats {
  dequeued: number;
  /** Frames the device skipped (sum of the gaps in `sequence`). */
  sequenceGaps: number;
  /** Buffers that became SampleErrors. */
  badFrames: number;
  /** Clock of the last kernel timestamp (`monotonic` expected). */
  timestampClock: V4l2DequeuedBuffer['timestampClock'] | 'none';
}

export class V4l2Camera extends LiveDevice<CameraInfo, CameraFrame> {
  readonly #options: V4l2CameraOptions;
  #port: V4l2Port | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #negotiated: V4l2Negotiated | undefined;
  readonly captureStats: V4l2CaptureStats = { dequeued: 0, sequenceGaps: 0, badFrames: 0, timestampClock: 'none' };

  constructor(options: V4l2CameraOptions) {
    const role = options.role ?? 'world';
    super(
      {
        id: options.id,
        kind: 'camera',
        driver: 'v4l2',
        replay: false,
        nominalRateHz: options.rateHz ?? 30,
        source: options.path,
        role,
        widthPx: options.widthPx ?? 0,
        heightPx: options.heightPx ?? 0,
        format: options.format ?? (role === 'tracking' ? 'GRAY8' : 'RGB8'),
        ...(options.calibration !== undefined ? { calibration: options.calibration } : {}),
      },
      { queueCapacity: options.queueCapacity ?? 8 },
    );
    this.#options = options;
  }

  /** What the device set at the last open (undefined before). */
  get negotiated(): V4l2Negotiated | undefined {
    return this.#negotiated;
  }

  protected async openDevice(): Promise<CameraInfo> {
    const o = this.#options;
    const id = o.id;
    const output = this.info.format as V4l2OutputFormat;
    const port = await o.backend.open(o.path).catch((err: unknown) => {
      throw new DeviceError(id, errText(err), { cause: err });
    });
    this.#port = port;
    try {
      const cap = port.queryCap();
      if ((cap.deviceCaps & V4L2_CAP.VIDEO_CAPTURE) === 0 || (cap.deviceCaps & V4L2_CAP.STREAMING) === 0) {
        throw new DeviceError(id, `${o.path} (${cap.card}, driver ${cap.driver}) is not a streaming video capture node`);
      }
      const choice = chooseFormat(port.enumFormats(), { output, fourcc: o.fourcc, widthPx: o.widthPx, heightPx: o.heightPx, rateHz: o.rateHz });
      if ('error' in choice) throw new DeviceError(id, `${o.path} (${cap.card}): ${choice.error}`);
      const format = port.setFormat(choice.fourcc, choice.widthPx, choice.heightPx);
      if (!isSupportedFourcc(format.fourcc)) {
        throw new DeviceError(id, `${o.path}: VIDIOC_S_FMT set ${format.fourcc} instead of ${choice.fourcc}; the driver reads GREY, YUYV, NV12 and MJPG`);
      }
      const interval = choice.interval !== undefined ? port.setFrameInterval(choice.interval.numerator, choice.interval.denominator) : null;
      this.#negotiated = { format, interval, card: cap.card, driver: cap.driver };
      const buffers = port.startStreaming(o.bufferCount ?? 4);
      this.#stopping = false;
      Object.assign(this.captureStats, { dequeued: 0, sequenceGaps: 0, badFrames: 0, timestampClock: 'none' });
      const rate = rateOf(interval) || rateOf(choice.interval) || (o.rateHz ?? 30);
      this.#loop = this.#run(port, buffers, format, output, rate).catch((err: unknown) => this.fail(err));
      return { ...this.info, widthPx: format.widthPx, heightPx: format.heightPx, nominalRateHz: rate };
    } catch (err) {
      throw err instanceof DeviceError ? err : new DeviceError(id, errText(err), { cause: err });
    }
  }

  protected async closeDevice(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    this.#stopping = true;
    if (port === undefined) return;
    port.cancel();
    await this.#loop;
    this.#loop = undefined;
    try {
      port.stopStreaming();
    } finally {
      port.close();
    }
  }

  async #run(port: V4l2Port, buffers: ArrayBuffer[], format: V4l2PixFormat, output: V4l2OutputFormat, rateHz: number): Promise<void> {
    const stallMs = this.#options.stallTimeoutMs ?? 3000;
    const converter = this.#options.converter ?? convertV4l2Frame;
    let lastSeq = -1;
    while (!this.#stopping) {
      let b: V4l2DequeuedBuffer | null;
      try {
        b = await port.dequeue(stallMs);
      } catch (err) {
        if (!this.#stopping) this.fail(new DeviceError(this.info.id, errText(err), { cause: err }));
        return;
      }
      if (this.#stopping) return; // STREAMOFF takes every buffer back
      if (b === null) {
        this.fail(new DeviceError(this.info.id, `${this.#options.path}: no frame for ${stallMs} ms (expected ${rateHz.toFixed(1)} frames/s); the camera stalled`));
        return;
      }
      const hostTimeNs = hostNowNs();
      this.captureStats.dequeued += 1;
      this.captureStats.timestampClock = b.timestampClock;
      if (lastSeq >= 0 && b.sequence > lastSeq + 1) this.captureStats.sequenceGaps += b.sequence - lastSeq - 1;
      lastSeq = b.sequence;
      try {
        const frame = await this.#frame(b, buffers[b.index], format, output, converter, hostTimeNs);
        if (!this.#stopping) this.push(frame);
      } catch (err) {
        if (!(err instanceof SampleError)) {
          this.fail(err);
          return;
        }
        this.captureStats.badFrames += 1;
        this.pushSampleError(err);
      }
      if (this.#stopping) return;
      try {
        port.queue(b.index);
      } catch (err) {
        this.fail(new DeviceError(this.info.id, errText(err), { cause: err }));
        return;
      }
    }
  }

  async #frame(b: V4l2DequeuedBuffer, buffer: ArrayBuffer | undefined, format: V4l2PixFormat, output: V4l2OutputFormat, converter: FrameConverter, hostTimeNs: bigint): Promise<CameraFrame> {
    const where = { deviceId: this.info.id, frame: b.sequence };
    if (buffer === undefined || b.bytesUsed > buffer.byteLength) {
      throw new SampleError(where.deviceId, { frame: b.sequence, byteOffset: 0 }, `buffer ${b.index} with ${b.bytesUsed} bytes is not one of the mapped buffers`);
    }
    if (b.error) {
      throw new SampleError(where.deviceId, { frame: b.sequence, byteOffset: 0 }, 'the driver flagged the buffer as corrupt (V4L2_BUF_FLAG_ERROR)');
    }
    const data = await converter(
      { data: new Uint8Array(buffer, 0, b.bytesUsed), fourcc: format.fourcc as SupportedFourcc, widthPx: format.widthPx, heightPx: format.heightPx, bytesPerLine: format.bytesPerLine },
      output,
      where,
    );
    const deviceTimeNs = b.timestampClock === 'monotonic' ? b.timestampNs : b.dequeuedNs;
    const bpp = output === 'GRAY8' ? 1 : 3;
    return { seq: b.sequence, deviceTimeNs, hostTimeNs, widthPx: format.widthPx, heightPx: format.heightPx, format: output, strideBytes: format.widthPx * bpp, data };
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
