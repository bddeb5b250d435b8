/**
 * Device ingest: the I/O edge of layer 1. One reader per device pulls samples (`device.read()`), stamps
 * them on the runtime clock (`toRuntimeNs`) and buffers them until the tick loop takes the ones that are
 * due. Replay devices are read ahead up to a bounded buffer (and, on a real clock, up to `readAheadNs` of
 * runtime time, so the readers work in small steps between ticks instead of long bursts); in virtual-clock
 * replay `ready(t)` makes the readers go at least one sample past `t`, so a tick sees exactly the samples
 * stamped at or before it.
 *
 * Bad input never stops the other devices: a `SampleError` becomes a `skipped` item and the reader goes
 * on; any other error from a device becomes a `failed` state item and ends that device only.
 *
 * Devices that report connection states (`hal/live/reconnect.ts`: `disconnected`, `reconnecting`, `open`
 * again) have them forwarded as `state` items in stream order, stamped with the device's last sample time.
 * On a real clock the other devices' samples keep flowing meanwhile; in virtual-clock replay `ready(t)` waits
 * for the reconnecting device like for any other (the run stays deterministic).
 */
import {
  SampleError,
  type AudioChunk,
  type AudioInfo,
  type AnyDevice,
  type CameraFrame,
  type CameraInfo,
  type DeviceInfo,
  type DeviceKind,
  type ImuInfo,
  type ImuSample,
  type PowerInfo,
  type PowerReading,
  type ThermalInfo,
  type ThermalReading,
} from '../../../hal/types.js';
import { isDeviceStateSource } from '../../../hal/live/reconnect.js';
import type { DeviceStateChange } from '../../../hal/live/reconnect.js';
import type { DeviceClockReport, DeviceState } from '../../bus/topics.js';
import type { EdgeSource } from '../../tick/loop.js';
import { errorMessage } from '../../tick/work.js';

export type SampleItem =
  | { readonly type: 'sample'; readonly kind: 'camera'; readonly info: CameraInfo; readonly tNs: number; readonly sample: CameraFrame }
  | { readonly type: 'sample'; readonly kind: 'imu'; readonly info: ImuInfo; readonly tNs: number; readonly sample: ImuSample }
  | { readonly type: 'sample'; readonly kind: 'audio'; readonly info: AudioInfo; readonly tNs: number; readonly sample: AudioChunk }
  | { readonly type: 'sample'; readonly kind: 'thermal'; readonly info: ThermalInfo; readonly tNs: number; readonly sample: ThermalReading }
  | { readonly type: 'sample'; readonly kind: 'power'; readonly info: PowerInfo; readonly tNs: number; readonly sample: PowerReading };

export interface SkippedItem {
  readonly type: 'skipped';
  readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  readonly tNs: number;
  readonly message: string;
}

export interface StateItem {
  readonly type: 'state';
  readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  readonly tNs: number;
  readonly state: DeviceState;
  readonly message?: string;
}

/** A live device's clock map, once per second of runtime time (see `time-sync.ts`). */
export interface ClockItem {
  readonly type: 'clock';
  readonly kind: DeviceKind;
  readonly info: DeviceInfo;
  readonly tNs: number;
  readonly report: DeviceClockReport;
}

export type IngestItem = SampleItem | SkippedItem | StateItem | ClockItem;

export interface IngestDevice {
  /** An opened device. */
  readonly device: AnyDevice;
  /**
   * A sample's runtime time, ns, from its device stamp and, for live devices, its host arrival stamp
   * (`hostTimeNs`, CLOCK_MONOTONIC): replay maps the device clock by the session's offsets, live devices go
   * through their clock map (`time-sync.ts`).
   */
  readonly toRuntimeNs: (deviceTimeNs: bigint, hostTimeNs?: bigint) => number;
  /** The device's clock map (live devices): reported as a `clock` item once per second of runtime. */
  readonly clock?: { report(): DeviceClockReport };
}

/** Runtime time between two `clock` items of a device, ns. */
const CLOCK_REPORT_PERIOD_NS = 1_000_000_000;

/** Read-ahead per device kind, in samples (frames are large; IMU samples small and many). */
const CAPACITY: Readonly<Record<DeviceKind, number>> = { camera: 8, imu: 4096, audio: 128, thermal: 64, power: 64 };

interface Reader {
  readonly index: number;
  readonly entry: IngestDevice;
  readonly items: IngestItem[];
  /** Runtime time of the newest item read, ns. */
  watermarkNs: number;
  /** Runtime time of the next `clock` item, ns. */
  nextClockNs: number;
  ended: boolean;
  wake: (() => void) | null;
}

export interface IngestOptions {
  /** Real clock: runtime time now, ns. Replay devices are then read at most `readAheadNs` ahead of it. */
  readonly now?: () => number;
  /** How far ahead of `now` replay devices are read, ns (default 100 ms). */
  readonly readAheadNs?: number;
}

export class DeviceIngest implements EdgeSource<IngestItem> {
  private readonly readers: Reader[];
  /** `failed` state items of devices that could not be opened, handed over by the first take. */
  private failedItems: IngestItem[];
  private readonly now: (() => number) | undefined;
  private readonly readAheadNs: number;
  private readonly changed = new Set<() => void>();
  private demandNs = Number.NEGATIVE_INFINITY;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  private started = false;

  /**
   * @param devices opened devices, in a fixed order (the order breaks ties between equal timestamps).
   * @param failed devices that could not be opened: reported once as `failed` at time 0.
   */
  constructor(
    devices: readonly IngestDevice[],
    failed: readonly { readonly info: DeviceInfo; readonly message: string }[] = [],
    options: IngestOptions = {},
  ) {
    this.now = options.now;
    this.readAheadNs = options.readAheadNs ?? 100_000_000;
    this.readers = devices.map((entry, index) => ({
      index,
      entry,
      items: [{ type: 'state', kind: entry.device.info.kind, info: entry.device.info, tNs: 0, state: 'open' }],
      watermarkNs: Number.NEGATIVE_INFINITY,
      nextClockNs: Number.NEGATIVE_INFINITY,
      ended: false,
      wake: null,
    }));
    this.failedItems = failed.map((f) => ({ type: 'state', kind: f.info.kind, info: f.info, tNs: 0, state: 'failed', message: f.message }));
    for (const r of this.readers) {
      const device: unknown = r.entry.device;
      if (isDeviceStateSource(device)) this.unsubscribe.push(device.onStateChange((change) => this.stateChange(r, change)));
    }
  }

  /** Start the readers (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const r of this.readers) if (!r.ended) void this.pump(r);
  }

  take(tNs: number): IngestItem[] {
    const out: { item: IngestItem; index: number }[] = this.failedItems.map((item) => ({ item, index: -1 }));
    this.failedItems = [];
    for (const r of this.readers) {
      let n = 0;
      while (n < r.items.length && (r.items[n] as IngestItem).tNs <= tNs) n += 1;
      if (n === 0) continue;
      for (const item of r.items.splice(0, n)) out.push({ item, index: r.index });
      r.wake?.();
    }
    if (out.length > 1) out.sort((a, b) => a.item.tNs - b.item.tNs || a.index - b.index);
    return out.map((o) => o.item);
  }

  async ready(tNs: number): Promise<void> {
    this.start();
    if (tNs > this.demandNs) {
      this.demandNs = tNs;
      for (const r of this.readers) r.wake?.();
    }
    while (!this.readers.every((r) => r.ended || r.watermarkNs > tNs)) {
      await new Promise<void>((resolve) => this.changed.add(resolve));
    }
  }

  get exhausted(): boolean {
    return this.failedItems.length === 0 && this.readers.every((r) => r.ended && r.items.length === 0);
  }

  /** Stop reading and close every device (errors on close are ignored: the session is over). */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const r of this.readers) r.wake?.();
    await Promise.all(this.readers.map((r) => r.entry.device.close().catch(() => undefined)));
  }

  private async pump(r: Reader): Promise<void> {
    const { device, toRuntimeNs } = r.entry;
    const { info } = device;
    const capacity = CAPACITY[info.kind];
    while (!this.closed) {
      const ahead = this.now !== undefined && info.replay && r.watermarkNs > this.now() + this.readAheadNs;
      if ((r.items.length >= capacity || ahead) && r.watermarkNs > this.demandNs) {
        await new Promise<void>((resolve) => (r.wake = resolve));
        r.wake = null;
        continue;
      }
      let sample: Awaited<ReturnType<AnyDevice['read']>>;
      try {
        sample = await device.read();
      } catch (err) {
        if (err instanceof SampleError) {
          this.push(r, { type: 'skipped', kind: info.kind, info, tNs: Math.max(r.watermarkNs, 0), message: err.message });
          continue;
        }
        this.end(r, 'failed', `${info.id}: ${errorMessage(err)}`);
        return;
      }
      if (sample === null) {
        this.end(r, 'ended');
        return;
      }
      const tNs = toRuntimeNs(sample.deviceTimeNs, sample.hostTimeNs);
      if (!Number.isFinite(tNs) || tNs < r.watermarkNs) {
        const why = `timestamp ${sample.deviceTimeNs} ns goes back (runtime ${tNs} ns < ${r.watermarkNs} ns)`;
        this.push(r, { type: 'skipped', kind: info.kind, info, tNs: Math.max(r.watermarkNs, 0), message: `${info.id}: ${why}` });
        continue;
      }
      r.watermarkNs = tNs;
      this.push(r, { type: 'sample', kind: info.kind, info, tNs, sample } as SampleItem);
      const clock = r.entry.clock;
      if (clock !== undefined && tNs >= r.nextClockNs) {
        r.nextClockNs = tNs + CLOCK_REPORT_PERIOD_NS;
        this.push(r, { type: 'clock', kind: info.kind, info, tNs, report: clock.report() });
      }
    }
  }

  private push(r: Reader, item: IngestItem): void {
    r.items.push(item);
    this.notify();
  }

  /** A connection change of a reconnecting device, as a `state` item in its stream. */
  private stateChange(r: Reader, change: DeviceStateChange): void {
    if (this.closed || r.ended) return;
    const { info } = r.entry.device;
    this.push(r, { type: 'state', kind: info.kind, info, tNs: Math.max(r.watermarkNs, 0), state: change.state, message: change.message });
  }

  private end(r: Reader, state: DeviceState, message?: string): void {
    const { info } = r.entry.device;
    const tNs = Math.max(r.watermarkNs, 0);
    r.items.push(message === undefined ? { type: 'state', kind: info.kind, info, tNs, state } : { type: 'state', kind: info.kind, info, tNs, state, message });
    r.ended = true;
    this.notify();
  }

  private notify(): void {
    const waiters = [...this.changed];
    this.changed.clear();
    for (const w of waiters) w();
  }
}
