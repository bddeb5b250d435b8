/**
 * `gstreamer`: a camera read through a GStreamer pipeline — the CSI cameras of a Raspberry Pi 5
 * (`libcamerasrc`) and a Jetson Orin Nano (`nvarguscamerasrc`), or any `gst-launch-1.0` description (see
 * `pipeline.ts`). `gst-launch-1.0 -q <pipeline> ! videoconvert ! video/x-raw,format=… ! gdppay ! fdsink fd=1`
 * runs as a child process (through a {@link Spawner}); its stdout is a GDP stream (`gdp.ts`) of the caps,
 * then every buffer with its PTS.
 *
 * Samples: {@link CameraFrame} GRAY8 or RGB8, packed rows (GStreamer's 4-byte row padding removed), one copy
 * out of the pipe's chunks into the frame's own buffer.
 * - `seq` = buffers received since open, 0-based (decoders and libcamerasrc do not number frames; a gap in
 *   `deviceTimeNs` larger than a frame period shows a drop).
 * - `deviceTimeNs` = the buffer's PTS: pipeline RUNNING TIME, ns — the pipeline clock minus the base time
 *   taken when it went to PLAYING. For live sources the pipeline clock is the GstSystemClock, whose default
 *   type is CLOCK_MONOTONIC; libcamerasrc stamps the sensor's frame start (libcamera `SensorTimestamp`,
 *   CLOCK_MONOTONIC) and nvarguscamerasrc the Argus capture time, both minus the base time. So
 *   `CLOCK_MONOTONIC(capture) = PTS + base_time`. gst-launch does not print base_time; the lower envelope
 *   of `hostTimeNs − PTS` ({@link GstCamera.baseTimeEstimateNs}) estimates it (base time + the smallest
 *   pipe latency), and the hardware layer's time sync maps the pair like any device clock. For a file
 *   source the PTS is the position in the recording.
 * - `hostTimeNs` = `hostNowNs()` when the buffer's last byte arrived from the pipe.
 *
 * Errors: `open()` → {@link DeviceError} when gst-launch-1.0 is missing (install hint), the pipeline fails
 * before its caps (its stderr, and the package providing a missing element) or the caps are not raw video
 * the driver reads. While streaming: a damaged GDP packet, a buffer of the wrong size or a PTS that does not
 * advance → {@link SampleError} `{frame, byteOffset}` (stream offset) and the stream goes on; the pipeline
 * exiting → the device fails (`pipeline ended (EOS)` for a clean end).
 */
import { lastLines, nodeSpawner, startTool } from '../alsa/spawner.js';
import type { SpawnedProcess, Spawner } from '../alsa/spawner.js';
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import { BYTES_PER_PIXEL, DeviceError, SampleError } from '../types.js';
import type { CameraCalibration, CameraFrame, CameraInfo, CameraRole } from '../types.js';
import { parseRawVideoCaps } from './caps.js';
import type { RawVideoCaps } from './caps.js';
import { GdpParser } from './gdp.js';
import type { GdpError, GdpPacket } from './gdp.js';
import { gstLaunchArgs, missingElementHint } from './pipeline.js';
import type { GstRequest, GstSource } from './pipeline.js';

export const GST_INSTALL_HINT = 'install it with "apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"';

export interface GstCameraOptions extends Partial<Omit<GstRequest, 'format'>> {
  readonly id: string;
  /** Where the frames come from (`parseGstSpec`). */
  readonly source: GstSource;
  /** Shown as the device's source, e.g. `gst:libcamera`. */
  readonly spec: string;
  /** Default `world`. */
  readonly role?: CameraRole;
  /** Default GRAY8 for `tracking`, RGB8 for `world`. */
  readonly format?: 'GRAY8' | 'RGB8';
  readonly calibration?: CameraCalibration;
  /** Default `gst-launch-1.0` from PATH. */
  readonly gstLaunchPath?: string;
  readonly spawner?: Spawner;
  /** How long `open()` waits for the caps, ms (default 15000: libcamera and Argus take seconds to start). */
  readonly openTimeoutMs?: number;
  /** Frames held for a slow reader, default 8. */
  readonly queueCapacity?: number;
}

export class GstCamera extends LiveDevice<CameraInfo, CameraFrame> {
  readonly #options: GstCameraOptions;
  #process: SpawnedProcess | undefined;
  #closing = false;
  #baseTimeNs: bigint | undefined;

  constructor(options: GstCameraOptions) {
    const role = options.role ?? 'world';
    super(
      {
        id: options.id,
        kind: 'camera',
        driver: 'gstreamer',
        replay: false,
        nominalRateHz: options.rateHz ?? 30,
        source: options.spec,
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

  /** Estimated pipeline base time on CLOCK_MONOTONIC, ns: min(hostTimeNs − PTS) so far (see the module doc). */
  get baseTimeEstimateNs(): bigint | undefined {
    return this.#baseTimeNs;
  }

  protected async openDevice(): Promise<CameraInfo> {
    const o = this.#options;
    const id = o.id;
    const tool = o.gstLaunchPath ?? 'gst-launch-1.0';
    const request: GstRequest = { ...o, format: this.info.format as 'GRAY8' | 'RGB8' };
    this.#closing = false;
    this.#baseTimeNs = undefined;
    const started = await startTool(o.spawner ?? nodeSpawner, tool, gstLaunchArgs(o.source, request), id, GST_INSTALL_HINT);
    const proc = started.proc;
    this.#process = proc;
    const parser = new GdpParser();
    let caps: RawVideoCaps | undefined;
    let seq = 0;
    let lastPts: bigint | undefined;
    let ready!: (c: RawVideoCaps) => void;
    let refuse!: (e: Error) => void;
    const gotCaps = new Promise<RawVideoCaps>((resolve, reject) => {
      ready = resolve;
      refuse = reject;
    });
    gotCaps.catch(() => undefined);
    const onItem = (item: GdpPacket | GdpError, hostTimeNs: bigint): void => {
      if (item.kind === 'error') {
        this.pushSampleError(new SampleError(id, { frame: seq, byteOffset: item.byteOffset }, `GDP stream: ${item.message}`));
      } else if (item.kind === 'caps') {
        const parsed = parseRawVideoCaps(item.caps);
        if ('error' in parsed) refuse(new DeviceError(id, `${o.spec}: ${parsed.error}`));
        else if (caps === undefined) ready((caps = parsed));
        else if (parsed.widthPx !== caps.widthPx || parsed.heightPx !== caps.heightPx || parsed.format !== caps.format) {
          this.fail(new DeviceError(id, `${o.spec}: caps changed mid-stream to ${parsed.widthPx}×${parsed.heightPx} ${parsed.format}; reopen the device`));
        }
      } else if (item.kind === 'buffer' && caps !== undefined) {
        const frameSeq = seq;
        seq += 1;
        try {
          const frame = this.#frame(item, caps, frameSeq, lastPts, hostTimeNs);
          lastPts = frame.deviceTimeNs;
          const offset = hostTimeNs - frame.deviceTimeNs;
          if (this.#baseTimeNs === undefined || offset < this.#baseTimeNs) this.#baseTimeNs = offset;
          this.push(frame);
        } catch (err) {
          if (err instanceof SampleError) this.pushSampleError(err);
          else this.fail(err);
        }
      }
    };
    proc.stdout.on('data', (chunk: Buffer) => {
      const now = hostNowNs();
      for (const item of parser.push(chunk)) onItem(item, now);
    });
    void proc.exited.then(({ code, signal }) => {
      const why = code === 0 ? 'pipeline ended (EOS)' : `${tool} exited (${code !== null ? `code ${code}` : `signal ${signal ?? '?'}`})`;
      const detail = lastLines(started.stderr());
      const error = new DeviceError(id, `${o.spec}: ${why}${detail !== '' ? `: ${detail}` : ''}${missingElementHint(started.stderr())}`);
      refuse(error);
      if (!this.#closing) this.fail(error);
    });
    const timeoutMs = o.openTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeviceError(id, `${o.spec}: no caps from the pipeline within ${timeoutMs} ms: ${lastLines(started.stderr()) || 'no output'}`)), timeoutMs);
    });
    try {
      const c = await Promise.race([gotCaps, timeout]);
      return { ...this.info, widthPx: c.widthPx, heightPx: c.heightPx, format: c.format, nominalRateHz: c.rateHz > 0 ? c.rateHz : this.info.nominalRateHz };
    } finally {
      clearTimeout(timer);
    }
  }

  protected async closeDevice(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    this.#closing = true;
    if (proc === undefined) return;
    proc.kill('SIGTERM');
    const killed = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await proc.exited;
    clearTimeout(killed);
  }

  #frame(item: Extract<GdpPacket, { kind: 'buffer' }>, caps: RawVideoCaps, seq: number, lastPts: bigint | undefined, hostTimeNs: bigint): CameraFrame {
    const id = this.info.id;
    const where = { frame: seq, byteOffset: item.byteOffset };
    const row = caps.widthPx * BYTES_PER_PIXEL[caps.format];
    const packed = row * caps.heightPx;
    const padded = caps.strideBytes * caps.heightPx;
    const src = item.payload;
    if (src.length !== packed && src.length !== padded) {
      throw new SampleError(id, where, `buffer of ${src.length} bytes, expected ${padded} for ${caps.widthPx}×${caps.heightPx} ${caps.format}`);
    }
    const pts = item.ptsNs ?? (lastPts !== undefined && item.durationNs !== undefined ? lastPts + item.durationNs : undefined);
    if (pts === undefined) throw new SampleError(id, where, 'buffer without a PTS');
    if (lastPts !== undefined && pts <= lastPts) throw new SampleError(id, where, `PTS ${pts} ns does not advance past ${lastPts} ns`);
    let data: Uint8Array;
    if (src.length === packed) data = new Uint8Array(src);
    else {
      data = new Uint8Array(packed);
      for (let y = 0; y < caps.heightPx; y++) data.set(src.subarray(y * caps.strideBytes, y * caps.strideBytes + row), y * row);
    }
    return { seq, deviceTimeNs: pts, hostTimeNs, widthPx: caps.widthPx, heightPx: caps.heightPx, format: caps.format, strideBytes: row, data };
  }
}
