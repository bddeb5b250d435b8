/**
 * Object detection on the real person video (Intel IoT DevKit sample, CC BY 4.0), decoded by the
 * video-camera driver (ffmpeg): persons are found on the frames that show one and not on the empty room,
 * and person boxes match boxes verified by eye (how: test/fixtures/person-video-annotations.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import type { Detection } from '../../src/bus/topics.js';
import { YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { PERSON_MP4, ROOT } from '../hal/data.js';

interface Annotations {
  readonly presentSeconds: number[];
  readonly absentSeconds: number[];
  readonly personBoxes: { frame: number; boxPx: [number, number, number, number] }[];
}

const annotations = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/person-video-annotations.json'), 'utf8')) as Annotations;

function iou(a: readonly number[], b: readonly number[]): number {
  const [ax1, ay1, ax2, ay2] = a as [number, number, number, number];
  const [bx1, by1, bx2, by2] = b as [number, number, number, number];
  const iw = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
  const ih = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  const inter = iw * ih;
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
}

const byFrame = new Map<number, Detection[]>();
let detector: YoloxDetector;

beforeAll(async () => {
  detector = await YoloxDetector.load();
  const wanted = new Set([...annotations.presentSeconds, ...annotations.absentSeconds].map((s) => 10 * s));
  for (const b of annotations.personBoxes) wanted.add(b.frame);
  const video = new VideoCamera({ id: 'person-video', path: PERSON_MP4 });
  await video.open();
  try {
    for (let frame = await video.read(); frame !== null; frame = await video.read()) {
      if (wanted.has(frame.seq)) byFrame.set(frame.seq, await detector.detect(frame));
    }
  } finally {
    await video.close();
  }
}, 180_000);

afterAll(async () => detector.close());

describe('YOLOX-Nano on the person video', () => {
  it('finds a person on every annotated frame that shows one, and none in the empty room', () => {
    const persons = (s: number): number => (byFrame.get(10 * s) ?? []).filter((d) => d.label === 'person').length;
    expect(annotations.presentSeconds.filter((s) => persons(s) === 0)).toEqual([]);
    expect(annotations.absentSeconds.filter((s) => persons(s) > 0)).toEqual([]);
    expect(byFrame.size).toBe(annotations.presentSeconds.length + annotations.absentSeconds.length);
  });

  it('puts the person box where it was verified by eye (IoU ≥ 0.9, score ≥ 0.8)', () => {
    for (const ref of annotations.personBoxes) {
      const best = (byFrame.get(ref.frame) ?? []).filter((d) => d.label === 'person').sort((a, b) => b.score - a.score)[0];
      expect(best, `frame ${ref.frame}`).toBeDefined();
      expect(iou(best?.boxPx ?? [0, 0, 0, 0], ref.boxPx), `frame ${ref.frame}`).toBeGreaterThanOrEqual(0.9);
      expect(best?.score).toBeGreaterThanOrEqual(0.8);
    }
  });
});
