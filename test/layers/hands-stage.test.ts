/**
 * The hands stage of layer 5 (pure): one inference in flight, only the newest world frame waits (older ones
 * are skipped and counted), results become `hands.detected` with capture time and latency, and the
 * recorded landmarks of the "eat" ASL clip (test/fixtures/asl-hands-gestures.json) become a pinch start
 * and end on `gesture.detected`. Failed work is counted and described, never thrown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../hal/types.js';
import type { CameraFrameEvent, GestureEvent, HandObservation } from '../../src/bus/topics.js';
import { HANDS_WORK, INITIAL_HANDS, handsEmits, stepHands, type HandsOutput, type HandsState } from '../../src/layers/intelligence/hands/hands-stage.js';
import type { WorkRequest, WorkResult } from '../../src/tick/types.js';
import { ROOT } from '../hal/data.js';

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/asl-hands-gestures.json'), 'utf8')) as {
  clips: Record<string, { seq: number; hands: HandObservation[] }[]>;
};
const FRAME_NS = Math.round(1e9 / 30);
const MODEL = 'human-handtrack+handlandmark-lite';

/** A world-camera frame event as the hardware layer publishes it (pixels are not read by the stage). */
function frameEvent(seq: number, role: CameraFrameEvent['role'] = 'world'): CameraFrameEvent {
  const frame: CameraFrame = { seq, deviceTimeNs: BigInt(seq * FRAME_NS), widthPx: 640, heightPx: 480, format: 'RGB8', strideBytes: 1920, data: new Uint8Array(0) };
  return { deviceId: 'asl-eat', role, tNs: seq * FRAME_NS, frame };
}

const done = (req: WorkRequest, hands: readonly HandObservation[]): WorkResult => ({ kind: HANDS_WORK, id: req.id, ok: true, value: { model: MODEL, hands } satisfies HandsOutput });

describe('hands stage scheduling', () => {
  it('keeps only the newest world frame while an inference runs, and counts the skipped ones', () => {
    const a = stepHands(INITIAL_HANDS, [frameEvent(0)], [], 0);
    expect(a.requests.map((r) => r.id)).toEqual(['hands-0']);
    const b = stepHands(a.state, [frameEvent(1), frameEvent(2), frameEvent(3, 'tracking'), frameEvent(4)], [], 4 * FRAME_NS);
    expect(b.requests).toEqual([]);
    expect(b.state.skippedFrames).toBe(2); // 1 and 2 replaced; 3 is a tracking-camera frame
    expect(b.state.waiting?.frame.seq).toBe(4);
    const c = stepHands(b.state, [], [done(a.requests[0] as WorkRequest, [])], 5 * FRAME_NS);
    expect(c.hands).toEqual([{ deviceId: 'asl-eat', frameSeq: 0, tNs: 0, hands: [], latencyNs: 5 * FRAME_NS }]);
    expect(c.requests.map((r) => (r.payload as CameraFrameEvent).frame.seq)).toEqual([4]);
    expect(c.state).toMatchObject({ requested: 2, completed: 1, skippedFrames: 2 });
  });

  it('counts a failed inference, names the frame and device, and goes on with the next frame', () => {
    const a = stepHands(INITIAL_HANDS, [frameEvent(7)], [], 7 * FRAME_NS);
    const req = a.requests[0] as WorkRequest;
    const b = stepHands(a.state, [frameEvent(8)], [{ kind: HANDS_WORK, id: req.id, ok: false, error: 'hand landmarker worker exited (code 1)' }], 8 * FRAME_NS);
    expect(b.state.failed).toBe(1);
    expect(b.state.lastError).toBe('frame 7 of asl-eat: hand landmarker worker exited (code 1)');
    expect(b.hands).toEqual([]);
    expect(b.requests.map((r) => (r.payload as CameraFrameEvent).frame.seq)).toEqual([8]);
  });

  it('ignores results of other work kinds and unknown ids', () => {
    const a = stepHands(INITIAL_HANDS, [frameEvent(0)], [], 0);
    const b = stepHands(a.state, [], [{ kind: 'detect', id: 'hands-0', ok: true, value: {} }, { kind: HANDS_WORK, id: 'hands-99', ok: true, value: {} }], FRAME_NS);
    expect(b.state.inFlight?.id).toBe('hands-0');
    expect(b.hands).toEqual([]);
  });
});

describe('hands stage on the recorded "eat" clip', () => {
  it('publishes every processed frame and a pinch that starts and ends', () => {
    let state: HandsState = INITIAL_HANDS;
    const gestures: GestureEvent[] = [];
    let published = 0;
    let pending: WorkRequest | undefined;
    for (const f of fixture.clips.eat ?? []) {
      // the landmarker answers within the frame period: its result arrives with the next frame
      const results = pending === undefined ? [] : [done(pending, (fixture.clips.eat ?? []).find((x) => x.seq === (pending?.payload as CameraFrameEvent).frame.seq)?.hands ?? [])];
      const out = stepHands(state, [frameEvent(f.seq)], results, f.seq * FRAME_NS);
      state = out.state;
      published += out.hands.length;
      gestures.push(...out.gestures);
      pending = out.requests[0];
    }
    expect(published).toBe((fixture.clips.eat ?? []).length - 1);
    expect(state.skippedFrames).toBe(0);
    // the flat-O at the mouth, then (pose-guided landmarks, 2026-11-21) again at 32 as the still-bunched hand
    // leaves the mouth: outside the labelled interval, counted as a false start by hands-gestures.test.ts
    expect(gestures.map((g) => [g.gesture, g.phase, g.deviceId])).toEqual([
      ['pinch', 'start', 'asl-eat'],
      ['pinch', 'end', 'asl-eat'],
      ['pinch', 'start', 'asl-eat'],
      ['pinch', 'end', 'asl-eat'],
    ]);
    expect(gestures[0]?.tNs).toBe(25 * FRAME_NS);
  });
});

describe('handsEmits', () => {
  it('turns a step into bus emits, hands before gestures', () => {
    const hands = { deviceId: 'asl-eat', frameSeq: 25, tNs: 25 * FRAME_NS, hands: [], latencyNs: 1 };
    const gesture: GestureEvent = { deviceId: 'asl-eat', tNs: 25 * FRAME_NS, gesture: 'pinch', handedness: 'unknown', phase: 'start', atPx: [1, 2] };
    expect(handsEmits({ state: INITIAL_HANDS, hands: [hands], gestures: [gesture], requests: [] })).toEqual([
      { topic: 'hands.detected', payload: hands },
      { topic: 'gesture.detected', payload: gesture },
    ]);
  });
});
