/**
 * `euroc-camera`: replays a camera stored as an EuRoC/ASL folder (`mav0/cam0/`): `data.csv`
 * (`#timestamp [ns],filename`), the images in `data/` (PNG, JPEG, WebP, … decoded with sharp) and an
 * optional `sensor.yaml` (resolution, `rate_hz`, pinhole intrinsics, distortion, `T_BS`). The same driver
 * serves a world camera recorded as a folder of JPEG frames (role `world`, no sensor.yaml needed).
 * Source format: EuRoC MAV dataset (Burri et al., IJRR 2016).
 *
 * Samples: {@link CameraFrame} with `seq` = the frame's data-row index in data.csv and `deviceTimeNs` = its
 * data.csv stamp (the recording's clock: UNIX ns for EuRoC). Pixels: `GRAY8` for 1-channel images, `RGB8` for
 * colour (the first readable image decides, or the `format` option), tightly packed rows.
 *
 * Errors: `open()` → {@link DeviceError} when the folder, data.csv or every image is unusable, or when
 * sensor.yaml is malformed or disagrees with the images. `read()` → {@link SampleError} for a bad data.csv row
 * (`{file: data.csv, line}`), a missing or corrupt image or one of another size (`{file: image, frame: seq}`);
 * the next `read()` returns the following frame.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BYTES_PER_PIXEL, DeviceError, SampleError } from '../types.js';
import type { CameraFrame, CameraInfo, CameraRole } from '../types.js';
import { medianRateHz } from './csv-fields.js';
import { describeFsError, requireDirectory } from './files.js';
import { isFrame, readFrameIndex } from './frame-index.js';
import type { FrameEntry, IndexEntry } from './frame-index.js';
import { decodeImage, readImageHeader } from './image-decode.js';
import type { ImageFormat, ImageHeader } from './image-decode.js';
import { ReplayDevice } from './replay-device.js';
import { cameraCalibration, cameraResolution, readSensorYaml, sensorRateHz } from './sensor-yaml.js';
import type { TimeWindow } from './time-window.js';

export interface EurocCameraOptions {
  /** Device id within the session, e.g. `cam0`. */
  readonly id: string;
  /** The camera folder, e.g. `…/mav0/cam0` (holding `data.csv`, `data/`, optionally `sensor.yaml`). */
  readonly path: string;
  /** Default `tracking`. */
  readonly role?: CameraRole;
  /** Pixel format to deliver; default: the first readable image's (1 channel → GRAY8, else RGB8). */
  readonly format?: ImageFormat;
  /** Nominal frame rate, Hz; default sensor.yaml `rate_hz`, else the median data.csv frame interval. */
  readonly rateHz?: number;
  /** Only the frames stamped inside this window (device clock) are replayed. */
  readonly window?: TimeWindow;
}

/** Camera replayed from an EuRoC/ASL folder (see the module documentation); extra: frame count and stamp range. */
export class EurocCamera extends ReplayDevice<CameraInfo, CameraFrame> {
  readonly #options: EurocCameraOptions;
  readonly #csvPath: string;
  #entries: IndexEntry[] = [];
  #next = 0;

  constructor(options: EurocCameraOptions) {
    super({
      id: options.id,
      kind: 'camera',
      driver: 'euroc-camera',
      replay: true,
      nominalRateHz: options.rateHz ?? 0,
      source: options.path,
      role: options.role ?? 'tracking',
      widthPx: 0,
      heightPx: 0,
      format: options.format ?? 'GRAY8',
    });
    this.#options = options;
    this.#csvPath = join(options.path, 'data.csv');
  }

  /** Frames listed (inside the window), bad rows excluded; valid after `open()`. */
  get frameCount(): number {
    return this.#entries.filter(isFrame).length;
  }

  /** Stamp of the first listed frame (device clock, ns); valid after `open()`. */
  get firstTimeNs(): bigint | undefined {
    return this.#entries.find(isFrame)?.tNs;
  }

  /** Stamp of the last listed frame (device clock, ns); valid after `open()`. */
  get lastTimeNs(): bigint | undefined {
    return this.#entries.filter(isFrame).at(-1)?.tNs;
  }

  protected async openSource(): Promise<CameraInfo> {
    const { id, path, window } = this.#options;
    await requireDirectory(id, path);
    const yamlPath = join(path, 'sensor.yaml');
    const yaml = await readSensorYaml(id, yamlPath);
    this.#entries = await readFrameIndex(id, this.#csvPath, join(path, 'data'), window);
    this.#next = 0;
    const frames = this.#entries.filter(isFrame);
    if (frames.length === 0) {
      throw new DeviceError(id, `${this.#csvPath} lists no frames${window === undefined ? '' : ' inside the time window'}`);
    }
    const header = await this.#probe(frames);
    const resolution = yaml === undefined ? undefined : cameraResolution(id, yamlPath, yaml);
    if (resolution !== undefined && (resolution[0] !== header.widthPx || resolution[1] !== header.heightPx)) {
      throw new DeviceError(
        id,
        `${yamlPath}: resolution ${resolution[0]}×${resolution[1]} does not match the images (${header.widthPx}×${header.heightPx})`,
      );
    }
    const rate =
      this.#options.rateHz ??
      (yaml === undefined ? undefined : sensorRateHz(id, yamlPath, yaml)) ??
      medianRateHz(frames.slice(0, 64).map((f) => f.tNs));
    if (rate === undefined) throw new DeviceError(id, `cannot tell the frame rate of ${path}: give rateHz`);
    const calibration = yaml === undefined ? undefined : cameraCalibration(id, yamlPath, yaml);
    return {
      ...this.info,
      nominalRateHz: rate,
      widthPx: header.widthPx,
      heightPx: header.heightPx,
      format: this.#options.format ?? header.format,
      ...(calibration === undefined ? {} : { calibration }),
    };
  }

  protected async readSample(): Promise<CameraFrame | null> {
    const entry = this.#entries[this.#next];
    if (entry === undefined) return null;
    this.#next += 1;
    const { id, widthPx, heightPx, format } = this.info;
    if (!isFrame(entry)) throw new SampleError(id, { file: this.#csvPath, line: entry.line }, entry.error);
    const where = { file: entry.file, frame: entry.seq };
    let bytes: Buffer;
    try {
      bytes = await readFile(entry.file);
    } catch (err) {
      throw new SampleError(id, where, `cannot read image: ${describeFsError(err)}`, { cause: err });
    }
    let image;
    try {
      image = await decodeImage(bytes, format as ImageFormat);
    } catch (err) {
      throw new SampleError(id, where, `cannot decode image: ${(err as Error).message}`, { cause: err });
    }
    if (image.widthPx !== widthPx || image.heightPx !== heightPx) {
      throw new SampleError(id, where, `image is ${image.widthPx}×${image.heightPx}, expected ${widthPx}×${heightPx}`);
    }
    return {
      seq: entry.seq,
      deviceTimeNs: entry.tNs,
      widthPx,
      heightPx,
      format,
      strideBytes: widthPx * BYTES_PER_PIXEL[format],
      data: image.data,
    };
  }

  protected async closeSource(): Promise<void> {
    this.#next = this.#entries.length;
  }

  /** Size and format from the first image whose header can be read. */
  async #probe(frames: readonly FrameEntry[]): Promise<ImageHeader> {
    let firstError = '';
    for (const frame of frames) {
      try {
        return await readImageHeader(await readFile(frame.file));
      } catch (err) {
        if (firstError === '') firstError = `${frame.file}: ${describeFsError(err)}`;
      }
    }
    throw new DeviceError(this.info.id, `none of the ${frames.length} images listed in ${this.#csvPath} can be read (first: ${firstError})`);
  }
}
