/**
 * Layer 1, hardware: device samples → bus events, every sample stamped on the runtime clock.
 * Its edge input is the {@link DeviceIngest}; its state counts, per device, what was delivered and skipped.
 *
 * Events: `camera.frame` (one per frame), `imu.samples` (one batch per IMU per step), `audio.chunk`,
 * `thermal.reading`, `power.state`, `device.state`, `device.sample_skipped`, `device.clock` (live devices' clock
 * maps, once a second).
 */
import type { DeviceKind } from '../../../hal/types.js';
import type { Emit } from '../../bus/bus.js';
import type { DeviceClockReport, DeviceState, ImuSamplesEvent } from '../../bus/topics.js';
import type { Layer, StepOutput } from '../../tick/types.js';
import type { IngestItem, SampleItem } from './ingest.js';

export { DeviceIngest, type IngestDevice, type IngestItem } from './ingest.js';

export interface DeviceCounters {
  readonly kind: DeviceKind;
  readonly driver: string;
  /** Samples delivered (frames, IMU samples, audio chunks, readings). */
  readonly samples: number;
  readonly skipped: number;
  readonly state: DeviceState;
  /** First skip messages (at most 5), for the report. */
  readonly skipMessages: readonly string[];
  readonly message?: string;
  /** The latest clock map of a live device (offset, skew, residual). */
  readonly clock?: DeviceClockReport;
  /** Runtime time of the first and last sample delivered, ns. */
  readonly firstTNs?: number;
  readonly lastTNs?: number;
}

export interface HardwareState {
  readonly devices: Readonly<Record<string, DeviceCounters>>;
}

const MAX_SKIP_MESSAGES = 5;

export interface HardwareLayerOptions {
  readonly tickHz: number;
}

/** Layer 1 at the tick rate (it forwards what arrived every tick). */
export function hardwareLayer(options: HardwareLayerOptions): Layer<HardwareState, IngestItem> {
  return {
    name: 'hardware',
    rateHz: options.tickHz,
    phaseS: 0,
    budgetMs: 0.5,
    subscribes: [],
    init: () => ({ devices: {} }),
    step: (state, inputs, ctx) => stepHardware(state, inputs.edge, ctx.tNs),
  };
}

function stepHardware(state: HardwareState, items: readonly IngestItem[], tickNs: number): StepOutput<HardwareState> {
  if (items.length === 0) return { state };
  const devices: Record<string, DeviceCounters> = { ...state.devices };
  const events: Emit[] = [];
  const imu = new Map<string, Extract<SampleItem, { kind: 'imu' }>[]>();
  for (const item of items) {
    const id = item.info.id;
    const prev = devices[id] ?? { kind: item.kind, driver: item.info.driver, samples: 0, skipped: 0, state: 'open', skipMessages: [] };
    switch (item.type) {
      case 'state':
        devices[id] = item.message === undefined ? { ...prev, state: item.state } : { ...prev, state: item.state, message: item.message };
        events.push({ topic: 'device.state', payload: { deviceId: id, kind: item.kind, tNs: tickNs, state: item.state, ...(item.message === undefined ? {} : { message: item.message }) } });
        break;
      case 'clock':
        devices[id] = { ...prev, clock: item.report };
        events.push({ topic: 'device.clock', payload: { ...item.report, tNs: item.tNs } });
        break;
      case 'skipped':
        devices[id] = {
          ...prev,
          skipped: prev.skipped + 1,
          skipMessages: prev.skipMessages.length < MAX_SKIP_MESSAGES ? [...prev.skipMessages, item.message] : prev.skipMessages,
        };
        events.push({ topic: 'device.sample_skipped', payload: { deviceId: id, tNs: tickNs, message: item.message } });
        break;
      case 'sample':
        devices[id] = { ...prev, samples: prev.samples + 1, firstTNs: prev.firstTNs ?? item.tNs, lastTNs: item.tNs };
        if (item.kind === 'imu') {
          const list = imu.get(id) ?? [];
          list.push(item);
          imu.set(id, list);
        } else {
          events.push(sampleEvent(item));
        }
        break;
    }
  }
  for (const [deviceId, list] of imu) events.push({ topic: 'imu.samples', payload: imuBatch(deviceId, list) });
  return { state: { devices }, events };
}

function sampleEvent(item: Exclude<SampleItem, { kind: 'imu' }>): Emit {
  const deviceId = item.info.id;
  switch (item.kind) {
    case 'camera':
      return { topic: 'camera.frame', payload: { deviceId, role: item.info.role, tNs: item.tNs, frame: item.sample } };
    case 'audio':
      return {
        topic: 'audio.chunk',
        payload: {
          deviceId,
          tNs: item.tNs,
          sampleRateHz: item.sample.sampleRateHz,
          channels: item.sample.channels,
          samples: item.sample.samples,
          rmsDbfs: rmsDbfs(item.sample.samples),
        },
      };
    case 'thermal':
      return { topic: 'thermal.reading', payload: { deviceId, zone: item.info.zone, tNs: item.tNs, tempC: item.sample.tempC } };
    case 'power': {
      const { deviceTimeNs: _t, ...reading } = item.sample;
      return { topic: 'power.state', payload: { deviceId, tNs: item.tNs, ...reading } };
    }
  }
}

function imuBatch(deviceId: string, list: readonly Extract<SampleItem, { kind: 'imu' }>[]): ImuSamplesEvent {
  const n = list.length;
  const tNs = new Float64Array(n);
  const gyroRadps = new Float64Array(3 * n);
  const accelMps2 = new Float64Array(3 * n);
  const hasMag = list.every((s) => s.sample.magUt !== undefined);
  const magUt = hasMag ? new Float64Array(3 * n) : undefined;
  list.forEach((s, i) => {
    tNs[i] = s.tNs;
    gyroRadps.set(s.sample.gyroRadps, 3 * i);
    accelMps2.set(s.sample.accelMps2, 3 * i);
    if (magUt !== undefined && s.sample.magUt !== undefined) magUt.set(s.sample.magUt, 3 * i);
  });
  return magUt === undefined ? { deviceId, count: n, tNs, gyroRadps, accelMps2 } : { deviceId, count: n, tNs, gyroRadps, accelMps2, magUt };
}

/** RMS level of samples in [-1, 1], dBFS (a full-scale sine reads −3 dBFS); −120 for silence. */
export function rmsDbfs(samples: Float32Array): number {
  if (samples.length === 0) return -120;
  let sum = 0;
  for (const v of samples) sum += v * v;
  const rms = Math.sqrt(sum / samples.length);
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120;
}
