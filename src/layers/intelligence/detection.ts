/**
 * Scheduling of object detection on world-camera frames: at most one inference in flight; while it runs,
 * only the newest frame waits (older waiting frames are skipped and counted), so detection never falls
 * behind the camera and its latency stays one inference at most.
 *
 * Inference itself is work at the edge (kind {@link DETECT_WORK}); its result returns on a later step.
 */
import type { CameraFrameEvent, Detection, ObjectsDetectedEvent } from '../../bus/topics.js';
import type { WorkRequest, WorkResult } from '../../tick/types.js';

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
  /** Frames replaced by a newer one while waiting. */
  readonly skippedFrames: number;
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
});

export function stepDetection(
  state: DetectionState,
  frames: readonly CameraFrameEvent[],
  results: readonly WorkResult[],
): { state: DetectionState; detected: ObjectsDetectedEvent[]; requests: WorkRequest[] } {
  let s: DetectionState = state;
  const detected: ObjectsDetectedEvent[] = [];
  for (const r of results) {
    if (r.kind !== DETECT_WORK || s.inFlight === null || r.id !== s.inFlight.id) continue;
    const done = s.inFlight;
    if (r.ok) {
      const out = r.value as DetectOutput;
      detected.push({ deviceId: done.deviceId, frameSeq: done.frameSeq, tNs: done.tNs, model: out.model, objects: out.objects });
      s = { ...s, inFlight: null, completed: s.completed + 1 };
    } else {
      s = { ...s, inFlight: null, failed: s.failed + 1, lastError: `frame ${done.frameSeq} of ${done.deviceId}: ${r.error}` };
    }
  }
  for (const f of frames) {
    if (f.role !== 'world') continue;
    s = { ...s, waiting: f, skippedFrames: s.skippedFrames + (s.waiting === null ? 0 : 1) };
  }
  const requests: WorkRequest[] = [];
  if (s.inFlight === null && s.waiting !== null) {
    const f = s.waiting;
    const id = `detect-${s.nextId}`;
    requests.push({ kind: DETECT_WORK, id, payload: f });
    s = { ...s, waiting: null, nextId: s.nextId + 1, requested: s.requested + 1, inFlight: { id, deviceId: f.deviceId, frameSeq: f.frame.seq, tNs: f.tNs } };
  }
  return { state: s, detected, requests };
}
