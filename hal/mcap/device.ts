/**
 * `mcap`: replays one device (one channel) of a recording made by `karana record` — camera, IMU, audio,
 * thermal or power. Format and clocks: `writer.ts`, `codec.ts` and `docs/recording.md`.
 *
 * Samples: as recorded, byte for byte; `deviceTimeNs` = the message's `publishTime`; `hostTimeNs` = its
 * `logTime` when the device was live when recorded (channel metadata `karana.logTime = "host"`), absent
 * otherwise. Info: the recorded description (`karana.device.<id>` metadata: size, rate, calibration…) with
 * `driver: "mcap"`, `replay: true` and `source` = the file. With a `window`, messages stamped outside it
 * (device clock) are skipped.
 *
 * Errors: `open()` → {@link DeviceError} when the file is missing, is not MCAP, or does not hold the device
 * (the message lists the devices it holds) or holds it as another kind. `read()` → {@link SampleError}
 * `{file, byteOffset}` for a damaged record or chunk (reading goes on after it) or a message that does not
 * decode; a file cut short (no footer) ends after its last complete chunk.
 */
import { requireFile } from '../mock/files.js';
import { ReplayDevice } from '../mock/replay-device.js';
import { isAfterWindow, isBeforeWindow } from '../mock/time-window.js';
import type { TimeWindow } from '../mock/time-window.js';
import { DeviceError, SampleError } from '../types.js';
import type { AnyDevice, DeviceInfo, DeviceKind } from '../types.js';
import { decodeSample } from './codec.js';
import type { AnySample } from './codec.js';
import { McapFormatError, scanMcap } from './scan.js';
import type { ScanItem } from './scan.js';
import { DEVICE_METADATA_PREFIX } from './writer.js';

export interface McapDeviceOptions {
  /** Device id in the session; also the recorded device looked up, unless `recordedId` is given. */
  readonly id: string;
  readonly kind: DeviceKind;
  /** The `.mcap` file. */
  readonly path: string;
  /** Id of the device in the recording (default `id`). */
  readonly recordedId?: string;
  /** Only messages stamped inside this window (device clock) are returned. */
  readonly window?: TimeWindow;
}

type Scan = AsyncGenerator<ScanItem, void, void>;

/** One recorded device replayed from an MCAP file (see the module documentation). */
export class McapDevice extends ReplayDevice<DeviceInfo, AnySample> {
  readonly #options: McapDeviceOptions;
  #scan: Scan | undefined;
  #channelId: number | undefined;
  #topic = '';
  #hostClock = false;

  constructor(options: McapDeviceOptions) {
    super({ id: options.id, kind: options.kind, driver: 'mcap', replay: true, nominalRateHz: 0, source: options.path });
    this.#options = options;
  }

  /** This device as the HAL type of its kind. */
  asDevice(): AnyDevice {
    return this as unknown as AnyDevice;
  }

  protected async openSource(): Promise<DeviceInfo> {
    const { id, path, kind } = this.#options;
    const recordedId = this.#options.recordedId ?? id;
    await requireFile(id, path);
    this.#scan = scanMcap(path);
    this.#channelId = undefined;
    const seen: string[] = [];
    for (;;) {
      const item = await this.#next();
      if (item === undefined || item.type === 'end' || item.type === 'channel' || item.type === 'message') {
        const held = seen.length > 0 ? seen.join(', ') : 'none';
        throw new DeviceError(id, `${path} holds no recorded device "${recordedId}" (devices: ${held})`);
      }
      if (item.type !== 'metadata' || !item.metadata.name.startsWith(DEVICE_METADATA_PREFIX)) continue;
      const meta = item.metadata.metadata;
      const name = item.metadata.name.slice(DEVICE_METADATA_PREFIX.length);
      seen.push(name);
      if (name !== recordedId) continue;
      const recorded = parseInfo(id, path, meta.get('info'));
      if (recorded.kind !== kind) throw new DeviceError(id, `${path}: device "${recordedId}" was recorded as ${recorded.kind}, not ${kind}`);
      this.#topic = meta.get('topic') ?? `/${recordedId}`;
      this.#hostClock = meta.get('logTime') === 'host';
      return { ...recorded, id, driver: 'mcap', replay: true, source: path };
    }
  }

  protected async readSample(): Promise<AnySample | null> {
    const { id, path, kind, window } = this.#options;
    for (;;) {
      const item = await this.#next();
      if (item === undefined || item.type === 'end') return null;
      if (item.type === 'damage') throw new SampleError(id, { file: path, byteOffset: item.offset }, item.message);
      if (item.type === 'channel' && item.channel.topic === this.#topic) this.#channelId = item.channel.id;
      if (item.type !== 'message' || item.message.channelId !== this.#channelId) continue;
      const { publishTime, logTime, data } = item.message;
      if (isBeforeWindow(publishTime, window)) continue;
      if (isAfterWindow(publishTime, window)) return null;
      const sample = decodeSample(kind, data, publishTime, { deviceId: id, file: path, byteOffset: item.offset });
      return this.#hostClock ? { ...sample, hostTimeNs: logTime } : sample;
    }
  }

  protected async closeSource(): Promise<void> {
    const scan = this.#scan;
    this.#scan = undefined;
    await scan?.return();
  }

  async #next(): Promise<ScanItem | undefined> {
    if (this.#scan === undefined) return undefined;
    try {
      const r = await this.#scan.next();
      return r.done === true ? undefined : r.value;
    } catch (err) {
      if (err instanceof McapFormatError) throw new DeviceError(this.#options.id, err.message, { cause: err });
      throw err;
    }
  }
}

function parseInfo(id: string, path: string, text: string | undefined): DeviceInfo {
  try {
    const info = JSON.parse(text ?? '') as DeviceInfo;
    if (typeof info.kind !== 'string' || typeof info.nominalRateHz !== 'number') throw new Error('missing kind or nominalRateHz');
    return info;
  } catch (err) {
    throw new DeviceError(id, `${path}: unreadable description of the recorded device: ${err instanceof Error ? err.message : String(err)}`);
  }
}
