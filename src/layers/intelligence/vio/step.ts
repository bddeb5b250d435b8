/**
 * Layer-5 scheduling of the VIO (a pure step; the estimator runs as edge work, see `handler.ts`): IMU batches
 * of one IMU and `camera.frame`s of role `tracking` go to the native VIO in time order, one request at a time
 * (the estimator is one stateful object). A frame request carries the IMU batches received since the last
 * request; while it runs, only the newest frame waits (older ones are skipped and counted, as detection does)
 * and IMU keeps accumulating. With no frame waiting, the accumulated IMU goes in an IMU-only request, whose
 * result is the pose carried forward at IMU rate. Results become `pose.updated` (source `vio`, 6-DoF with the
 * 6×6 covariance) and, on every change of state, `tracking.state`.
 */
import type { CameraFrameEvent, ImuSamplesEvent, PoseEvent, TrackingStateEvent } from '../../../bus/topics.js';
import type { WorkRequest, WorkResult } from '../../../tick/types.js';

/** Work kinds of the VIO (handlers: {@link createVioWorkHandlers}). */
export const VIO_FRAME_WORK = 'vio-frame';
export const VIO_IMU_WORK = 'vio-imu';

/** Payload of a `vio-frame` request (`frame` absent in a `vio-imu` request). */
export interface VioWorkPayload {
  readonly imu: readonly ImuSamplesEvent[];
  readonly frame?: CameraFrameEvent;
}

/** What a VIO work handler returns. */
export interface VioWorkOutput {
  /** Present for a frame request. */
  readonly frame?: { readonly state: TrackingStateEvent['state']; readonly reason?: string; readonly features: number };
  /** The newest pose, or null before initialisation. */
  readonly pose: Omit<PoseEvent, 'source'> | null;
  /** For a frame request: the filter's landmarks after it, n × `[id, x, y, z]` (world frame, m; `Vio.readLandmarks`). */
  readonly landmarks?: Float64Array;
}

export interface VioStepState {
  /** IMU followed (the first one heard from). */
  readonly imuDeviceId: string | null;
  readonly pendingImu: readonly ImuSamplesEvent[];
  readonly waiting: CameraFrameEvent | null;
  readonly inFlight: string | null;
  readonly nextId: number;
  readonly tracking: TrackingStateEvent['state'];
  readonly framesSent: number;
  readonly skippedFrames: number;
  readonly failed: number;
  readonly lastError?: string;
}

export const INITIAL_VIO: VioStepState = Object.freeze({
  imuDeviceId: null,
  pendingImu: [],
  waiting: null,
  inFlight: null,
  nextId: 0,
  tracking: 'initializing',
  framesSent: 0,
  skippedFrames: 0,
  failed: 0,
});

export interface VioStepOutput {
  readonly state: VioStepState;
  readonly poses: PoseEvent[];
  readonly trackingStates: TrackingStateEvent[];
  readonly requests: WorkRequest[];
  /** The newest landmarks of this step's results (n × `[id, x, y, z]`, world m), null when none came. */
  readonly landmarks: Float64Array | null;
}

/** One step: fold results, queue inputs, issue at most one request. Never throws. */
export function stepVio(
  state: VioStepState,
  imu: readonly ImuSamplesEvent[],
  frames: readonly CameraFrameEvent[],
  results: readonly WorkResult[],
): VioStepOutput {
  let s = state;
  const poses: PoseEvent[] = [];
  const trackingStates: TrackingStateEvent[] = [];
  let landmarks: Float64Array | null = null;
  for (const r of results) {
    if ((r.kind !== VIO_FRAME_WORK && r.kind !== VIO_IMU_WORK) || r.id !== s.inFlight) continue;
    s = { ...s, inFlight: null };
    if (!r.ok) {
      s = { ...s, failed: s.failed + 1, lastError: `${r.id}: ${r.error}` };
      continue;
    }
    const out = r.value as VioWorkOutput;
    if (out.frame !== undefined && out.frame.state !== s.tracking) {
      const f = out.frame;
      trackingStates.push({ tNs: out.pose?.tNs ?? 0, source: 'vio', state: f.state, features: f.features, ...(f.reason === undefined ? {} : { reason: f.reason }) });
      s = { ...s, tracking: f.state };
    }
    if (out.pose !== null) poses.push({ ...out.pose, source: 'vio' });
    if (out.landmarks !== undefined) landmarks = out.landmarks;
  }
  const pendingImu = [...s.pendingImu];
  let imuDeviceId = s.imuDeviceId;
  for (const b of imu) {
    if (b.count === 0) continue;
    imuDeviceId ??= b.deviceId;
    if (b.deviceId === imuDeviceId) pendingImu.push(b);
  }
  s = { ...s, imuDeviceId, pendingImu };
  for (const f of frames) {
    if (f.role !== 'tracking') continue;
    s = { ...s, waiting: f, skippedFrames: s.skippedFrames + (s.waiting === null ? 0 : 1) };
  }
  const requests: WorkRequest[] = [];
  if (s.inFlight === null && (s.waiting !== null || s.pendingImu.length > 0)) {
    const frame = s.waiting;
    const kind = frame === null ? VIO_IMU_WORK : VIO_FRAME_WORK;
    const id = `${kind}-${s.nextId}`;
    const payload: VioWorkPayload = frame === null ? { imu: s.pendingImu } : { imu: s.pendingImu, frame };
    requests.push({ kind, id, payload });
    s = { ...s, inFlight: id, nextId: s.nextId + 1, waiting: null, pendingImu: [], framesSent: s.framesSent + (frame === null ? 0 : 1) };
  }
  return { state: s, poses, trackingStates, requests, landmarks };
}
