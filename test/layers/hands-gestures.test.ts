/**
 * Pinch and point from real hand landmarks: the output of the hand landmarker on four ASL clips (Intel IoT
 * DevKit sample videos, CC BY 4.0), recorded with the gesture intervals seen by eye in
 * test/fixtures/asl-hands-gestures.json (how it was made is in the file). The gesture step must start the
 * gesture shown inside its interval, start nothing where none is shown, and end what it started.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GestureEvent, HandObservation } from '../../src/bus/topics.js';
import { classifyGesture, DEFAULT_GESTURE_SETTINGS, INITIAL_GESTURES, stepGestures } from '../../src/layers/intelligence/hands/gestures.js';
import { handPose } from '../../src/layers/intelligence/hands/hand-geometry.js';
import { ROOT } from '../hal/data.js';

interface Fixture {
  readonly labels: { clip: string; gesture: 'pinch' | 'point'; fromFrame: number; toFrame: number }[];
  readonly clips: Record<string, { seq: number; hands: { score: number; boxPx: number[]; landmarks: number[][] }[] }[]>;
}

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/asl-hands-gestures.json'), 'utf8')) as Fixture;
const FRAME_NS = 1e9 / 30;
const FALSE_STARTS_MEASURED = 5;

function hands(raw: Fixture['clips'][string][number]['hands']): HandObservation[] {
  return raw.map((h) => ({ handedness: 'unknown', score: h.score, boxPx: h.boxPx as [number, number, number, number], landmarks: h.landmarks as [number, number, number][] }));
}

/** Gesture events of a whole clip, with the frame each came on. */
function run(clip: string): (GestureEvent & { frame: number })[] {
  let state = INITIAL_GESTURES;
  const out: (GestureEvent & { frame: number })[] = [];
  const frames = fixture.clips[clip] ?? [];
  for (const f of frames) {
    const r = stepGestures(state, hands(f.hands), { deviceId: clip, tNs: Math.round(f.seq * FRAME_NS) });
    state = r.state;
    out.push(...r.events.map((e) => ({ ...e, frame: f.seq })));
  }
  // end of clip: the hands leave view
  for (let k = 0; k < DEFAULT_GESTURE_SETTINGS.lostFrames; k += 1) {
    const r = stepGestures(state, [], { deviceId: clip, tNs: 0 });
    state = r.state;
    out.push(...r.events.map((e) => ({ ...e, frame: -1 })));
  }
  return out;
}

const results = new Map(fixture.labels.map((l) => [l.clip, run(l.clip)]));

describe('gestures on ASL clips (recorded landmarks)', () => {
  it('prints what happened per clip', () => {
    for (const [clip, events] of results) {
      console.log(`${clip}: ${events.map((e) => `${e.gesture} ${e.phase} @${e.frame}`).join(', ') || 'no gesture'}`);
    }
    expect(results.size).toBe(4);
  });

  it('starts a pinch inside the flat-O at the mouth ("eat"), and nothing but pinches', () => {
    const starts = (results.get('eat') ?? []).filter((e) => e.phase === 'start');
    // measured 2026-11-21: @25 inside, then @32 as the still-bunched hand leaves the mouth (a false start by the labels)
    expect(starts.map((e) => [e.gesture, e.frame >= 18 && e.frame <= 30])).toEqual([['pinch', true], ['pinch', false]]);
  });

  it('starts a pinch inside index–thumb at the mouth ("bird"): found by the pose-guided hand region', () => {
    const label = fixture.labels.find((l) => l.clip === 'bird');
    const starts = (results.get('bird') ?? []).filter((e) => e.phase === 'start');
    // measured 2026-11-21: pinch start @22, end @24; missed before the pose-guided regions (no hand found at the mouth)
    expect(starts.map((e) => [e.gesture, label !== undefined && e.frame >= label.fromFrame && e.frame <= label.toFrame])).toEqual([['pinch', true]]);
  });

  it('starts a point while the index is up beside the chin ("sister") and along the forehead ("brother")', () => {
    for (const clip of ['sister', 'brother']) {
      const label = fixture.labels.find((l) => l.clip === clip);
      const inside = (results.get(clip) ?? []).filter((e) => e.phase === 'start' && e.gesture === 'point' && label !== undefined && e.frame >= label.fromFrame && e.frame <= label.toFrame);
      expect(inside.length, clip).toBe(1);
    }
  });

  it('starts few gestures where none was seen (false starts, counted over the four clips)', () => {
    const falseStarts: string[] = [];
    for (const [clip, events] of results) {
      const label = fixture.labels.find((l) => l.clip === clip);
      for (const e of events) {
        if (e.phase !== 'start') continue;
        const expected = label !== undefined && e.gesture === label.gesture && e.frame >= label.fromFrame && e.frame <= label.toFrame;
        if (!expected) falseStarts.push(`${clip} ${e.gesture} @${e.frame}`);
      }
    }
    console.log(`false starts: ${falseStarts.length} (${falseStarts.join(', ')})`);
    // measured 2026-11-21 with the default settings (pose-guided): eat pinch @32, sister pinch @31 and @34,
    // brother pinch @29 and point @43; most come from 25–40 px hands whose landmarks fold
    expect(falseStarts.length).toBeLessThanOrEqual(FALSE_STARTS_MEASURED);
  });

  it('ends every gesture it starts, with the same hand and kind', () => {
    for (const [clip, events] of results) {
      const open = new Map<string, number>();
      for (const e of events) {
        const n = open.get(e.gesture) ?? 0;
        open.set(e.gesture, n + (e.phase === 'start' ? 1 : -1));
        expect(open.get(e.gesture), `${clip} ${e.gesture} @${e.frame}`).toBeGreaterThanOrEqual(0);
      }
      expect([...open.values()].every((n) => n === 0), clip).toBe(true);
    }
  });

  it('places a pinch between thumb tip and index tip, a point at the index tip', () => {
    const pinch = (results.get('eat') ?? []).find((e) => e.phase === 'start');
    const frame = fixture.clips.eat?.find((f) => f.seq === pinch?.frame);
    const lm = frame?.hands.map((h) => h.landmarks).find((l) => Math.hypot((l[4]?.[0] ?? 0) - (pinch?.atPx[0] ?? 0), (l[4]?.[1] ?? 0) - (pinch?.atPx[1] ?? 0)) < 20);
    expect(lm).toBeDefined();
    const [t, i] = [lm?.[4] ?? [0, 0], lm?.[8] ?? [0, 0]];
    expect(pinch?.atPx).toEqual([((t[0] ?? 0) + (i[0] ?? 0)) / 2, ((t[1] ?? 0) + (i[1] ?? 0)) / 2]);
  });

  it('holds a gesture through a frame that only just misses it (hysteresis)', () => {
    // "eat" frame 26: thumb–index 0.38 of the hand size: above the start threshold, below the end one
    const f = fixture.clips.eat?.find((x) => x.seq === 26);
    const pose = handPose(hands(f?.hands ?? [])[0] as HandObservation);
    expect(pose.pinchRatio).toBeGreaterThan(DEFAULT_GESTURE_SETTINGS.pinchOnRatio);
    expect(classifyGesture(pose, 'none')).toBe('none');
    expect(classifyGesture(pose, 'pinch')).toBe('pinch');
  });
});

describe('gesture step input checks', () => {
  it('ignores hands without 21 landmarks instead of throwing', () => {
    const bad: HandObservation = { handedness: 'unknown', score: 0.9, boxPx: [0, 0, 10, 10], landmarks: [[1, 2, 0]] };
    expect(stepGestures(INITIAL_GESTURES, [bad], { deviceId: 'cam', tNs: 0 }).events).toEqual([]);
  });

  it('names the landmark count when handPose gets a malformed hand', () => {
    const bad: HandObservation = { handedness: 'unknown', score: 0.9, boxPx: [0, 0, 10, 10], landmarks: [[1, 2, 0]] };
    expect(() => handPose(bad)).toThrow('hand has 1 landmarks, expected 21');
  });
});
