/**
 * The hands stage of layer 5: schedules hand landmarking on world-camera frames and turns its results into
 * `hands.detected` and `gesture.detected` events. Pure: the model runs as edge work (kind
 * {@link HANDS_WORK}, handler {@link handsWorkHandler}) and its result returns on a later step.
 *
 * Under load it keeps the newest frame: at most one inference in flight; while it runs only the newest
 * frame waits, older waiting frames are skipped and counted (`skippedFrames`), so latency stays at most
 * one inference plus one frame period.
 *
 * Clocks: `tNs` of events is the frame's capture time (runtime clock, ns); `latencyNs` = step time −
 * capture time.
 */
import type { Emit } from '../../../bus/bus.js';
import type { CameraFrameEvent, GestureEvent, HandObservation, HandsDetectedEvent } from '../../../bus/topics.js';
import type { WorkRequest, WorkResult } from '../../../tick/types.js';
import { DEFAULT_GESTURE_SETTINGS, INITIAL_GESTURES, stepGestures, type GestureSettings, type GestureState } from './gestures.js';
import type { HandLandmarker } from './hand-landmarker.js';

export const HANDS_WORK = 'hands';

/** What the `hands` work handler returns. */
export interface HandsOutput {
  readonly model: string;
  readonly hands: readonly HandObservation[];
}

interface InFlight {
  readonly id: string;
  readonly deviceId: string;
  readonly frameSeq: number;
  readonly tNs: number;
}

export interface HandsState {
  readonly inFlight: InFlight | null;
  readonly waiting: CameraFrameEvent | null;
  readonly nextId: number;
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  /** Frames replaced by a newer one while waiting. */
  readonly skippedFrames: number;
  readonly gestures: GestureState;
  readonly lastError?: string;
}

export const INITIAL_HANDS: HandsState = Object.freeze({
  inFlight: null,
  waiting: null,
  nextId: 0,
  requested: 0,
  completed: 0,
  failed: 0,
  skippedFrames: 0,
  gestures: INITIAL_GESTURES,
});

export interface HandsStepOutput {
  readonly state: HandsState;
  readonly hands: HandsDetectedEvent[];
  readonly gestures: GestureEvent[];
  readonly requests: WorkRequest[];
}

/**
 * One step: take finished `hands` work, emit its events, queue the newest world frame and request work
 * when none is in flight. `nowNs` is the step's time (runtime clock). Never throws: failed work is counted
 * and described in `lastError`.
 */
export function stepHands(
  state: HandsState,
  frames: readonly CameraFrameEvent[],
  results: readonly WorkResult[],
  nowNs: number,
  settings: GestureSettings = DEFAULT_GESTURE_SETTINGS,
): HandsStepOutput {
  let s = state;
  const hands: HandsDetectedEvent[] = [];
  const gestures: GestureEvent[] = [];
  for (const r of results) {
    if (r.kind !== HANDS_WORK || s.inFlight === null || r.id !== s.inFlight.id) continue;
    const done = s.inFlight;
    if (!r.ok) {
      s = { ...s, inFlight: null, failed: s.failed + 1, lastError: `frame ${done.frameSeq} of ${done.deviceId}: ${r.error}` };
      continue;
    }
    const out = r.value as HandsOutput;
    hands.push({ deviceId: done.deviceId, frameSeq: done.frameSeq, tNs: done.tNs, hands: out.hands, latencyNs: Math.max(0, nowNs - done.tNs) });
    const g = stepGestures(s.gestures, out.hands, done, settings);
    gestures.push(...g.events);
    s = { ...s, inFlight: null, completed: s.completed + 1, gestures: g.state };
  }
  for (const f of frames) {
    if (f.role !== 'world') continue;
    s = { ...s, waiting: f, skippedFrames: s.skippedFrames + (s.waiting === null ? 0 : 1) };
  }
  const requests: WorkRequest[] = [];
  if (s.inFlight === null && s.waiting !== null) {
    const f = s.waiting;
    const id = `hands-${s.nextId}`;
    requests.push({ kind: HANDS_WORK, id, payload: f });
    s = { ...s, waiting: null, nextId: s.nextId + 1, requested: s.requested + 1, inFlight: { id, deviceId: f.deviceId, frameSeq: f.frame.seq, tNs: f.tNs } };
  }
  return { state: s, hands, gestures, requests };
}

/** The events of a step, ready for a layer's `events`: `hands.detected` first, then `gesture.detected`. */
export function handsEmits(out: HandsStepOutput): Emit[] {
  return [
    ...out.hands.map((payload): Emit => ({ topic: 'hands.detected', payload })),
    ...out.gestures.map((payload): Emit => ({ topic: 'gesture.detected', payload })),
  ];
}

/** The edge work handler for {@link HANDS_WORK}: register it under that kind in the runtime's `work` map. */
export function handsWorkHandler(landmarker: HandLandmarker): (payload: unknown) => Promise<HandsOutput> {
  return async (payload) => ({ model: landmarker.name, hands: await landmarker.detect((payload as CameraFrameEvent).frame, (payload as CameraFrameEvent).deviceId) });
}
