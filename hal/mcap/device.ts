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
 *
 * Reading: the devices of one file opened together share one pass over it (`shared-reader.ts`: one
 * decompression of every chunk, bounded per-device queues, back-pressure); a device re-opened, or opened after
 * the others have started reading, gets a pass of its own from the start of the file.
 */
import { requireFile } from '../mock/files.js';
import { ReplayDevice } from '../mock/replay-device.js';
import { isAfterWindow, isBeforeWindow } from '../mock/time-window.js';
import type { TimeWindow } from '../mock/time-window.js';
import { DeviceError, SampleError } from '../types.js';
import type { AnyDevice, DeviceInfo, DeviceKind } from '../types.js';
import { decodeSample } from './codec.js';
import type { AnySample } from './codec.js';
import { McapFormatError } from './scan.js';
import { joinPass } from './shared-reader.js';
import type { Delivery, SharedPass, SharedReaderLimits, Subscription } from './shared-reader.js';
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
  /** Queue bounds and stall of the shared pass (`shared-reader.ts`); taken from the first device of a pass. */
  readonly sharing?: Partial<SharedReaderLimits>;
}

/** One recorded device replayed from an MCAP file (see the module documentation). */
export class McapDevice extends ReplayDevice<DeviceInfo, AnySample> {
  readonly #options: McapDeviceOptions;
  #sub: Subscription | undefined;
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
    const { id, path } = this.#options;
    await requireFile(id, path);
    // A pass sealed between joining and subscribing (another device read first): join the next one.
    for (;;) {
      const pass = await joinPass(path, this.#options.sharing);
      try {
        const { info, topic, initial } = await this.#describe(pass);
        const sub = pass.subscribe(topic, initial);
        if (sub === undefined) {
          pass.release();
          continue;
        }
        this.#sub = sub;
        return info;
      } catch (err) {
        pass.release();
        if (err instanceof McapFormatError) throw new DeviceError(id, err.message, { cause: err });
        throw err;
      }
    }
  }

  /** The device's description, topic and the head's damage after it, from the head of the file. */
  async #describe(pass: SharedPass): Promise<{ info: DeviceInfo; topic: string; initial: Delivery[] }> {
    const { id, path, kind } = this.#options;
    const recordedId = this.#options.recordedId ?? id;
    const head = await pass.head();
    const seen: string[] = [];
    for (const [i, item] of head.entries()) {
      if (item.type !== 'metadata' || !item.metadata.name.startsWith(DEVICE_METADATA_PREFIX)) continue;
      const meta = item.metadata.metadata;
      const name = item.metadata.name.slice(DEVICE_METADATA_PREFIX.length);
      seen.push(name);
      if (name !== recordedId) continue;
      const recorded = parseInfo(id, path, meta.get('info'));
      if (recorded.kind !== kind) throw new DeviceError(id, `${path}: device "${recordedId}" was recorded as ${recorded.kind}, not ${kind}`);
      this.#hostClock = meta.get('logTime') === 'host';
      const initial = head.slice(i + 1).filter((x): x is Delivery => x.type === 'damage');
      return { info: { ...recorded, id, driver: 'mcap', replay: true, source: path }, topic: meta.get('topic') ?? `/${recordedId}`, initial };
    }
    const held = seen.length > 0 ? seen.join(', ') : 'none';
    throw new DeviceError(id, `${path} holds no recorded device "${recordedId}" (devices: ${held})`);
  }

  protected async readSample(): Promise<AnySample | null> {
    const { id, path, kind, window } = this.#options;
    for (;;) {
      const item = await this.#sub?.next();
      if (item === undefined || item.type === 'end') return null;
      if (item.type === 'damage') throw new SampleError(id, { file: path, byteOffset: item.offset }, item.message);
      const { publishTime, logTime, data } = item.message;
      if (isBeforeWindow(publishTime, window)) continue;
      if (isAfterWindow(publishTime, window)) return null;
      const sample = decodeSample(kind, data, publishTime, { deviceId: id, file: path, byteOffset: item.offset });
      return this.#hostClock ? { ...sample, hostTimeNs: logTime } : sample;
    }
  }

  protected async closeSource(): Promise<void> {
    const sub = this.#sub;
    this.#sub = undefined;
    await sub?.close();
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
