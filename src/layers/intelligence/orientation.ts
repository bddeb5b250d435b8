/**
 * 3-DoF orientation from one IMU through an AHRS filter (layer 5). Start: from the first sample (roll and pitch from
 * gravity, yaw 0; heading from the magnetometer when the filter uses one), so poses flow at once; then, when the
 * filter asks for it (`staticInit`), at the first still window (`ahrs/static-init.ts`) the filter is restarted with
 * the window's gravity direction (heading kept) and mean gyro as its bias. Every batch after the start is fed to the
 * filter; one `pose.updated` (source `ahrs`) per step, the estimate after the newest sample at that sample's time.
 *
 * Times: the runtime clock, ns. Frames: `q_world_body`, world z up. Never throws on data (the filters count
 * degraded samples); batches of other IMUs than the first heard from are ignored.
 */
import { initAttitude } from '../../../native/index.js';
import type { ImuSamplesEvent, PoseEvent } from '../../bus/topics.js';
import { multiply, fromYaw, type Quat, type Vec3 } from '../../math/quat.js';
import type { AhrsFilterState } from './ahrs/filters.js';
import type { MagGateState } from './ahrs/mag-gate.js';
import { INITIAL_STATIC_INIT, stepStaticInit, type StaticInitResult, type StaticInitSettings, type StaticInitState } from './ahrs/static-init.js';

/** Filter state: orientation, the runtime time of the last sample used (ns), the gyro bias (body, rad/s), and the
 * filter's own state where it has one (opaque to the layer). */
export interface AhrsState {
  readonly q_world_body: Quat;
  readonly prevTNs: number;
  readonly gyroBiasRadps: Vec3;
  readonly filter?: AhrsFilterState;
  readonly magGate?: MagGateState;
}

/** How a filter is (re)started. */
export interface AhrsStart {
  readonly q_world_body: Quat;
  readonly gyroBiasRadps: Vec3;
  /** Time of the last sample already accounted for, ns. */
  readonly prevTNs: number;
  /** Sample rate measured on the first batch (200 Hz when it cannot be), Hz. */
  readonly rateHz: number;
  /** From a still window (static initialisation) rather than one sample. */
  readonly fromRest: boolean;
  /** Mean magnetometer of the still window, body, µT. */
  readonly magUt?: Vec3 | null;
}

/** An orientation filter as layer 5 uses it; implementations must not mutate the state they are given. */
export interface OrientationFilter {
  readonly name: string;
  /** Orientation from one accelerometer sample (m/s², body frame): roll and pitch from gravity, yaw 0 (or from `magUt`). */
  initFromAccel(accelMps2: Vec3, magUt?: Vec3): Quat;
  /** Advance through `batch` (samples after `state.prevTNs`); returns the new state. */
  update(state: AhrsState, batch: ImuSamplesEvent): AhrsState;
  /** Builds a started state; without it the layer uses `{ q_world_body, prevTNs, gyroBiasRadps }`. */
  start?(init: AhrsStart): AhrsState;
  /** Static initialisation settings; absent or null: start from the first sample only. */
  readonly staticInit?: StaticInitSettings | null;
  /** Whether the filter takes the magnetometer (heading from the still window's field at a static initialisation). */
  readonly usesMagnetometer?: boolean;
}

export interface OrientationState {
  /** IMU the orientation follows (the first one heard from). */
  readonly deviceId: string | null;
  readonly ahrs: AhrsState | null;
  readonly samples: number;
  /** Static initialisation: searching (window so far), or its result once found. */
  readonly staticInit: { readonly window: StaticInitState; readonly result: StaticInitResult | null };
}

export const INITIAL_ORIENTATION: OrientationState = Object.freeze({ deviceId: null, ahrs: null, samples: 0, staticInit: { window: INITIAL_STATIC_INIT, result: null } });

const vec3At = (a: Float64Array, i: number): Vec3 => [a[3 * i] as number, a[3 * i + 1] as number, a[3 * i + 2] as number];
const yawOf = (q: Quat): number => Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));

/** Median sample rate of a batch (period rounded to 1 µs, so stamp jitter does not change it), Hz; 200 when it has fewer than 2 usable stamps. */
function rateOf(batch: ImuSamplesEvent): number {
  const dts: number[] = [];
  for (let i = 1; i < batch.count; i++) {
    const dt = ((batch.tNs[i] as number) - (batch.tNs[i - 1] as number)) * 1e-9;
    if (dt > 0 && dt < 1) dts.push(dt);
  }
  if (dts.length === 0) return 200;
  dts.sort((a, b) => a - b);
  return 1e6 / Math.round((dts[dts.length >> 1] as number) * 1e6);
}

function startWith(filter: OrientationFilter, init: AhrsStart): AhrsState {
  return filter.start?.(init) ?? { q_world_body: init.q_world_body, prevTNs: init.prevTNs, gyroBiasRadps: init.gyroBiasRadps };
}

/** Restart at a still window: tilt (and, with a magnetometer, heading) from its means, else the current heading kept. */
function restartAtRest(filter: OrientationFilter, ahrs: AhrsState, r: StaticInitResult): AhrsState {
  const mag = filter.usesMagnetometer === true ? r.magMeanUt : null;
  let q = initAttitude(r.accelMeanMps2, mag ?? undefined);
  if (mag === null) q = multiply(fromYaw(yawOf(ahrs.q_world_body) - yawOf(q)), q);
  return startWith(filter, { q_world_body: q, gyroBiasRadps: r.gyroBiasRadps, prevTNs: ahrs.prevTNs, rateHz: r.rateHz, fromRest: true, magUt: mag });
}

/** Fold IMU batches into the orientation; returns the new state and the pose to publish, if any. */
export function stepOrientation(state: OrientationState, batches: readonly ImuSamplesEvent[], filter: OrientationFilter): { state: OrientationState; pose: PoseEvent | null } {
  let { deviceId, ahrs, samples, staticInit } = state;
  for (const batch of batches) {
    if (batch.count === 0) continue;
    deviceId ??= batch.deviceId;
    if (batch.deviceId !== deviceId) continue;
    let input = batch;
    if (ahrs === null) {
      const mag = batch.magUt === undefined ? undefined : vec3At(batch.magUt, 0);
      const q = filter.initFromAccel(vec3At(batch.accelMps2, 0), mag);
      ahrs = startWith(filter, { q_world_body: q, gyroBiasRadps: [0, 0, 0], prevTNs: batch.tNs[0] as number, rateHz: rateOf(batch), fromRest: false });
      input = sliceBatch(batch, 1);
    }
    if (input.count > 0) ahrs = filter.update(ahrs, input);
    if (filter.staticInit != null && staticInit.result === null) {
      const found = stepStaticInit(staticInit.window, batch, filter.staticInit);
      staticInit = found.result === null ? { window: found.state, result: null } : { window: INITIAL_STATIC_INIT, result: found.result };
      if (found.result !== null) ahrs = restartAtRest(filter, ahrs, found.result);
    }
    samples += batch.count;
  }
  const next = { deviceId, ahrs, samples, staticInit };
  if (ahrs === null || samples === state.samples) return { state: next, pose: null };
  return { state: next, pose: { tNs: ahrs.prevTNs, source: 'ahrs', q_world_body: ahrs.q_world_body } };
}

/** Samples `from`… of a batch (views, no copies). */
export function sliceBatch(batch: ImuSamplesEvent, from: number): ImuSamplesEvent {
  const n = Math.max(0, batch.count - from);
  const base = {
    deviceId: batch.deviceId,
    count: n,
    tNs: batch.tNs.subarray(from),
    gyroRadps: batch.gyroRadps.subarray(3 * from),
    accelMps2: batch.accelMps2.subarray(3 * from),
  };
  return batch.magUt === undefined ? base : { ...base, magUt: batch.magUt.subarray(3 * from) };
}
