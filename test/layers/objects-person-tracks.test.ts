/**
 * Multi-object tracking on the real person video: YOLOX-Nano (on its worker) on every frame 1180–1278,
 * then ByteTrack and the SORT-style peer, scored with CLEAR MOT / IDF1 against the 50 hand-made annotated
 * frames of test/fixtures/person-tracks-1180-1278.json (how they were made is written in the file).
 * Deterministic: the same decoded frames and model give the same detections, and the trackers are pure.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteTracker } from '../../src/layers/intelligence/mot/byte-tracker.js';
import { sortTracker } from '../../src/layers/intelligence/mot/sort-tracker.js';
import { readTrackAnnotations, runAndScore, type DetectedFrame } from '../../src/layers/intelligence/mot/track-eval.js';
import { YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { PERSON_MP4, ROOT, forEachVideoFrame } from '../hal/data.js';

const truth = readTrackAnnotations(join(ROOT, 'test/fixtures/person-tracks-1180-1278.json'));
const first = truth.annotations[0]?.frame ?? 0;
const last = truth.annotations[truth.annotations.length - 1]?.frame ?? 0;
const frames: DetectedFrame[] = [];
let detector: YoloxDetector;

beforeAll(async () => {
  detector = await YoloxDetector.load();
  await forEachVideoFrame(PERSON_MP4, last, async (frame) => {
    if (frame.seq >= first) frames.push({ frame: frame.seq, tNs: Number(frame.deviceTimeNs), detections: await detector.detect(frame) });
  });
}, 180_000);

afterAll(async () => detector.close());

describe('tracking persons on frames 1180–1278 of the person video', () => {
  it('annotations: 50 frames, two identities', () => {
    expect(truth.annotations).toHaveLength(50);
    expect(Object.keys(truth.identities)).toEqual(['A', 'B']);
    expect(frames).toHaveLength(last - first + 1);
  });

  it('ByteTrack: no identity switch, one track per person, MOTA and IDF1 as measured', () => {
    const run = runAndScore(byteTracker(), frames, truth);
    const m = run.clearMot;
    console.log('bytetrack', JSON.stringify({ ...m, switches: m.switches }));
    expect(m.idsw).toBe(0);
    expect(m.gt).toBe(34);
    // every person frame the detector sees, the tracker reports; misses are the by-eye boxes of a leg, a foot, a head top
    expect(m.fp).toBe(0);
    expect(m.fn).toBeLessThanOrEqual(4);
    expect(m.idf1).toBeGreaterThanOrEqual(0.9);
  });

  it('SORT-style peer on the same detections: figures for comparison', () => {
    const m = runAndScore(sortTracker(), frames, truth).clearMot;
    console.log('sort', JSON.stringify(m));
    expect(m.gt).toBe(34);
  });

  it('gives the same tracks and ids on a second run (pure tracker state)', () => {
    const a = runAndScore(byteTracker(), frames, truth).tracks;
    const b = runAndScore(byteTracker(), frames, truth).tracks;
    expect([...b.entries()]).toEqual([...a.entries()]);
  });
});
