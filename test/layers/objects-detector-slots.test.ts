/**
 * The detector hands frames to its worker through reused shared-memory slots, and falls back to a copy in
 * the message when more requests are in flight than slots: both paths give the same detections as one
 * request at a time, on real frames of the person video.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../hal/types.js';
import { FRAME_SLOTS, YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { PERSON_MP4, forEachVideoFrame } from '../hal/data.js';

/** Frames with a person in view (frames 60–80 hold the first person walking in). */
const WANTED = [64, 68, 72, 76, 80];
const frames: CameraFrame[] = [];
let detector: YoloxDetector;

beforeAll(async () => {
  detector = await YoloxDetector.load();
  await forEachVideoFrame(PERSON_MP4, 80, (f) => {
    if (WANTED.includes(f.seq)) frames.push(f);
  });
}, 120_000);

afterAll(async () => detector.close());

describe('YoloxDetector frame hand-over', () => {
  it(`gives the same detections with ${WANTED.length} requests in flight (${FRAME_SLOTS} slots, the rest copied) as one at a time`, async () => {
    const oneByOne = [];
    for (const f of frames) oneByOne.push(await detector.detect(f));
    const together = await Promise.all(frames.map((f) => detector.detect(f)));
    expect(together).toEqual(oneByOne);
    expect(oneByOne.every((d) => d.some((o) => o.label === 'person' && o.score >= 0.5))).toBe(true);
  });
});
