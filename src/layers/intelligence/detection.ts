/**
 * Object detection and multi-object tracking on world-camera frames, scheduled from layer 5's step.
 *
 * Scheduling: at most one inference in flight; while it runs only the newest frame waits (an older
 * waiting frame, or a frame older than the one waiting, is skipped and counted), so detection never falls
 * behind the camera and a frame waits one inference at most. Inference itself is work at the edge (kind
 * {@link DETECT_WORK}, on the detector's worker thread); its result returns on a later step.
 *
 * Each result is published as `objects.detected` (detections scoring at least `publishScore`) and, when
 * the step is given the tick time, run through ByteTrack ({@link ./mot/byte-tracker.ts}, one tracker per
 * camera, fed every detection the detector returns, low scores included) and published as
 * `objects.tracked` with its capture → publication latency (tick time − capture time, runtime clock).
 */
import type { CameraFrameEvent, Detection, ObjectsDetectedEvent, ObjectsTrackedEvent } from '../../bus/topics.js';
import type { WorkRequest, WorkResult } from '../../tick/types.js';
import { byteTracker, type ByteTrackState } from './mot/byte-tracker.js';
import type { MultiObjectTracker } from './mot/tracker.js';

export const DETECT_WORK = 'detect';

/** What the `detect` handler returns. */
export interface DetectOutput {
  readonly model: string;
  readonly objects: readonly Detection[];
}

interface InFlight {
  readonly id: string;
  readonly deviceId: string;
  readonly frameSeq: number;
  readonly tNs: number;
}

export interface DetectionState {
  readonly inFlight: InFlight | null;
  readonly waiting: CameraFrameEvent | null;
  readonly nextId: number;
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  /** Frames not detected because a newer one replaced them while waiting (or arrived out of order). */
  readonly skippedFrames: number;
  /** Tracker state per world camera (device id). */
  readonly tracking: Readonly<Record<string, ByteTrackState>>;
  /** `objects.tracked` events published. */
  readonly trackedFrames: number;
  readonly lastError?: string;
}

export const INITIAL_DETECTION: DetectionState = Object.freeze({
  inFlight: null,
  waiting: null,
  nextId: 0,
  requested: 0,
  completed: 0,
  failed: 0,
  skippedFrames: 0,
  tracking: Object.freeze({}),
  trackedFrames: 0,
});

export interface DetectionStepOptions {
  /** The tick's time, runtime clock, ns: when given, results are tracked and published as `objects.tracked`. */
  readonly nowNs?: number;
  /** Default ByteTrack with its reference settings. */
  readonly tracker?: MultiObjectTracker<ByteTrackState>;
  /** Minimum score of a detection published in `objects.detected`; default {@link PUBLISH_SCORE}. */
  readonly publishScore?: number;
}

/** The YOLOX demo's threshold, kept for `objects.detected` while the tracker also takes lower scores. */
export const PUBLISH_SCORE = 0.3;

const DEFAULT_TRACKER = byteTracker();

export function stepDetection(
  state: DetectionState,
  frames: readonly CameraFrameEvent[],
  results: readonly WorkResult[],
  options: DetectionStepOptions = {},
): { state: DetectionState; detected: ObjectsDetectedEvent[]; tracked: ObjectsTrackedEvent[]; requests: WorkRequest[] } {
  let s: DetectionState = state;
  const detected: ObjectsDetectedEvent[] = [];
  const tracked: ObjectsTrackedEvent[] = [];
  const publishScore = options.publishScore ?? PUBLISH_SCORE;
  for (const r of results) {
    if (r.kind !== DETECT_WORK || s.inFlight === null || r.id !== s.inFlight.id) continue;
    const done = s.inFlight;
    if (!r.ok) {
      s = { ...s, inFlight: null, failed: s.failed + 1, lastError: `frame ${done.frameSeq} of ${done.deviceId}: ${r.error}` };
      continue;
    }
    const out = r.value as DetectOutput;
    detected.push({ deviceId: done.deviceId, frameSeq: done.frameSeq, tNs: done.tNs, model: out.model, objects: out.objects.filter((o) => o.score >= publishScore) });
    s = { ...s, inFlight: null, completed: s.completed + 1 };
    if (options.nowNs === undefined) continue;
    const tracker = options.tracker ?? DEFAULT_TRACKER;
    const t = tracker.update(s.tracking[done.deviceId] ?? tracker.init(), { tNs: done.tNs, detections: out.objects });
    tracked.push({ deviceId: done.deviceId, frameSeq: done.frameSeq, tNs: done.tNs, tracks: t.tracks, latencyNs: options.nowNs - done.tNs });
    s = { ...s, tracking: { ...s.tracking, [done.deviceId]: t.state }, trackedFrames: s.trackedFrames + 1 };
  }
  for (const f of frames) {
    if (f.role !== 'world') continue;
    if (s.waiting !== null && f.tNs < s.waiting.tNs) s = { ...s, skippedFrames: s.skippedFrames + 1 };
    else s = { ...s, waiting: f, skippedFrames: s.skippedFrames + (s.waiting === null ? 0 : 1) };
  }
  const requests: WorkRequest[] = [];
  if (s.inFlight === null && s.waiting !== null) {
    const f = s.waiting;
    const id = `detect-${s.nextId}`;
    requests.push({ kind: DETECT_WORK, id, payload: f });
    s = { ...s, waiting: null, nextId: s.nextId + 1, requested: s.requested + 1, inFlight: { id, deviceId: f.deviceId, frameSeq: f.frame.seq, tNs: f.tNs } };
  }
  return { state: s, detected, tracked, requests };
}
