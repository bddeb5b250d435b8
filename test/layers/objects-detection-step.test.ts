/**
 * Layer 5's detection scheduling and tracking step (src/layers/intelligence/detection.ts): the newest frame
 * waits while an inference runs and the others are counted as skipped; each result is published as
 * `objects.detected` (score ≥ 0.3) and, with the tick time, tracked and published as `objects.tracked` with
 * its capture → publication latency. Frames are real (the person video, decoded by the video camera); the
 * detector's answers are the hand-checked person boxes of test/fixtures/person-tracks-1180-1278.json.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import type { CameraFrameEvent, Detection } from '../../src/bus/topics.js';
import { DETECT_WORK, INITIAL_DETECTION, stepDetection, type DetectionState } from '../../src/layers/intelligence/detection.js';
import { readTrackAnnotations } from '../../src/layers/intelligence/mot/track-eval.js';
import type { WorkResult } from '../../src/tick/types.js';
import { PERSON_MP4, ROOT } from '../hal/data.js';

const truth = readTrackAnnotations(join(ROOT, 'test/fixtures/person-tracks-1180-1278.json'));
/** Person B on frames 1240, 1242, …: the detector's checked boxes with their scores as it reported them. */
const personB = truth.annotations.filter((a) => a.frame >= 1240).map((a) => a.persons[0]?.boxPx ?? [0, 0, 0, 0]);
const scores = [0.88, 0.9, 0.88, 0.89, 0.87, 0.89, 0.91, 0.91];
const asDetections = (i: number, extra: Detection[] = []): Detection[] => [{ classId: 0, label: 'person', score: scores[i % scores.length] ?? 0.9, boxPx: personB[i] as [number, number, number, number] }, ...extra];

const events: CameraFrameEvent[] = [];
beforeAll(async () => {
  const video = new VideoCamera({ id: 'world', path: PERSON_MP4 });
  await video.open();
  try {
    for (let i = 0; i < 12; i += 1) {
      const frame = await video.read();
      if (frame === null) throw new Error('the person video ended early');
      events.push({ deviceId: 'world', role: 'world', tNs: Number(frame.deviceTimeNs), frame });
    }
  } finally {
    await video.close();
  }
});

const ok = (id: string, objects: Detection[]): WorkResult => ({ kind: DETECT_WORK, id, ok: true, value: { model: 'yolox_nano', objects } });
const ev = (i: number): CameraFrameEvent => events[i] as CameraFrameEvent;

describe('stepDetection', () => {
  it('keeps only the newest frame waiting while an inference runs, and counts the frames it skips', () => {
    let r = stepDetection(INITIAL_DETECTION, [ev(0)], [], { nowNs: ev(0).tNs });
    expect(r.requests.map((q) => q.id)).toEqual(['detect-0']);
    r = stepDetection(r.state, [ev(1), ev(2)], [], { nowNs: ev(2).tNs });
    r = stepDetection(r.state, [ev(3)], [], { nowNs: ev(3).tNs });
    expect(r.requests).toEqual([]);
    expect(r.state.waiting?.frame.seq).toBe(3);
    expect(r.state.skippedFrames).toBe(2);
    // a frame older than the one waiting (out of order) is skipped, not kept
    r = stepDetection(r.state, [ev(1)], [], { nowNs: ev(3).tNs });
    expect(r.state.waiting?.frame.seq).toBe(3);
    expect(r.state.skippedFrames).toBe(3);
    // the result frees the slot: the newest frame goes next
    r = stepDetection(r.state, [], [ok('detect-0', asDetections(0))], { nowNs: ev(3).tNs + 1_000_000 });
    expect(r.requests.map((q) => (q.payload as CameraFrameEvent).frame.seq)).toEqual([3]);
  });

  it('publishes objects.detected (score ≥ 0.3) and objects.tracked with capture → publication latency', () => {
    const weak: Detection = { classId: 0, label: 'person', score: 0.2, boxPx: [10, 10, 40, 90] };
    let r = stepDetection(INITIAL_DETECTION, [ev(0)], [], { nowNs: ev(0).tNs });
    r = stepDetection(r.state, [], [ok('detect-0', asDetections(0, [weak]))], { nowNs: ev(0).tNs + 23_000_000 });
    expect(r.detected).toHaveLength(1);
    expect(r.detected[0]?.objects.map((o) => o.score)).toEqual([0.88]);
    expect(r.tracked).toHaveLength(1);
    expect(r.tracked[0]).toMatchObject({ deviceId: 'world', frameSeq: 0, tNs: ev(0).tNs, latencyNs: 23_000_000 });
    // the first frame a tracker sees confirms its tracks at once (ByteTrack): person B is track 1
    expect(r.tracked[0]?.tracks.map((t) => [t.trackId, t.label, t.ageFrames])).toEqual([[1, 'person', 0]]);
    expect(r.state.trackedFrames).toBe(1);
  });

  it('keeps the same track id over consecutive results', () => {
    let s: DetectionState = INITIAL_DETECTION;
    const ids: number[][] = [];
    for (let i = 0; i < 8; i += 1) {
      const a = stepDetection(s, [ev(i)], [], { nowNs: ev(i).tNs });
      const b = stepDetection(a.state, [], [ok(`detect-${i}`, asDetections(i))], { nowNs: ev(i).tNs + 20_000_000 });
      s = b.state;
      ids.push(b.tracked.flatMap((t) => t.tracks.map((o) => o.trackId)));
    }
    expect(ids).toEqual([[1], [1], [1], [1], [1], [1], [1], [1]]);
  });

  it('without the tick time publishes objects.detected only (tracking off), as before', () => {
    let r = stepDetection(INITIAL_DETECTION, [ev(0)], []);
    r = stepDetection(r.state, [], [ok('detect-0', asDetections(0))]);
    expect(r.detected).toHaveLength(1);
    expect(r.tracked).toEqual([]);
  });

  it('a failed inference is counted with its reason and publishes nothing', () => {
    let r = stepDetection(INITIAL_DETECTION, [ev(0)], [], { nowNs: 0 });
    r = stepDetection(r.state, [], [{ kind: DETECT_WORK, id: 'detect-0', ok: false, error: 'detector worker exited (code 1)' }], { nowNs: 1 });
    expect(r.detected).toEqual([]);
    expect(r.tracked).toEqual([]);
    expect(r.state.failed).toBe(1);
    expect(r.state.lastError).toBe('frame 0 of world: detector worker exited (code 1)');
  });

  it('ignores frames of other camera roles', () => {
    const tracking: CameraFrameEvent = { ...ev(0), deviceId: 'cam0', role: 'tracking' };
    expect(stepDetection(INITIAL_DETECTION, [tracking], [], { nowNs: 0 }).requests).toEqual([]);
  });
});
