/**
 * ByteTrack and the SORT-style peer on YOLOX-Nano's person detections from the person video (copied here
 * from the detector's output at score ≥ 0.1; frames 1186–1197: a woman walks out at the right edge and the
 * detector's score drops as she leaves), plus the rules around them: lost-track timeout, classes kept apart,
 * bad boxes and clock steps tolerated. And the CLEAR MOT / IDF1 counting on small hand-made cases.
 */
import { describe, expect, it } from 'vitest';
import type { Detection, TrackedObject } from '../../src/bus/topics.js';
import { byteTracker } from '../../src/layers/intelligence/mot/byte-tracker.js';
import { evaluateClearMot } from '../../src/layers/intelligence/mot/clear-mot.js';
import { sortTracker } from '../../src/layers/intelligence/mot/sort-tracker.js';
import type { MultiObjectTracker } from '../../src/layers/intelligence/mot/tracker.js';

/** [frame, score, x1, y1, x2, y2]: YOLOX-Nano person boxes, person video frames 1186–1197 (10 fps). */
const LEAVING: readonly (readonly number[])[] = [
  [1186, 0.85, 500, 27, 650, 388],
  [1187, 0.75, 498, 34, 666, 385],
  [1188, 0.72, 513, 27, 696, 391],
  [1189, 0.8, 531, 24, 718, 390],
  [1190, 0.47, 555, 14, 746, 381],
  [1191, 0.84, 593, 21, 764, 377],
  [1192, 0.86, 588, 23, 767, 395],
  [1193, 0.84, 588, 14, 768, 384],
  [1194, 0.82, 603, 48, 768, 384],
  [1195, 0.22, 628, 91, 768, 381],
  [1196, 0.44, 683, 148, 767, 384],
  [1197, 0.13, 703, 262, 767, 381],
];
const person = (score: number, box: readonly number[], classId = 0, label = 'person'): Detection => ({ classId, label, score, boxPx: box as [number, number, number, number] });
const tOf = (frame: number): number => frame * 100_000_000;

function run<S>(tracker: MultiObjectTracker<S>, frames: readonly { tNs: number; detections: Detection[] }[]): TrackedObject[][] {
  let s = tracker.init();
  return frames.map((f) => {
    const out = tracker.update(s, f);
    s = out.state;
    return out.tracks;
  });
}

const leaving = LEAVING.map(([f, score, ...box]) => ({ tNs: tOf(f as number), detections: [person(score as number, box)] }));

describe('ByteTrack vs SORT on a person leaving the view', () => {
  it('ByteTrack keeps one track, id 1, through the low-score boxes (0.47, 0.22, 0.44) until only a leg is left', () => {
    // 1197 (0.13): the leg's box overlaps the predicted body by IoU < 0.5 (second-stage limit): the track is lost
    expect(run(byteTracker(), leaving).map((ts) => ts.map((t) => t.trackId))).toEqual(LEAVING.map((_, i) => (i < 11 ? [1] : [])));
  });

  it('SORT (score ≥ 0.5, max_age 1, min_hits 3) loses the frames after a weak box until three new hits', () => {
    const ids = run(sortTracker(), leaving).map((ts) => ts.map((t) => t.trackId));
    // 1186–1188: first min_hits frames; 1189 streak 3; 1190 no box ≥ 0.5; 1191–1192 streak rebuilding; 1195+ no box ≥ 0.5
    expect(ids).toEqual([[1], [1], [1], [1], [], [], [], [1], [1], [], [], []]);
  });

  it('the box follows the person: IoU with the detection ≥ 0.8 on the high-score frames', () => {
    const out = run(byteTracker(), leaving);
    out.forEach((ts, i) => {
      const [, score, x1, y1, x2, y2] = LEAVING[i] as number[];
      if ((score as number) < 0.5) return;
      const b = ts[0]?.boxPx ?? [0, 0, 0, 0];
      const iw = Math.min(b[2], x2 as number) - Math.max(b[0], x1 as number);
      const ih = Math.min(b[3], y2 as number) - Math.max(b[1], y1 as number);
      const inter = Math.max(0, iw) * Math.max(0, ih);
      const iou = inter / ((b[2] - b[0]) * (b[3] - b[1]) + ((x2 as number) - (x1 as number)) * ((y2 as number) - (y1 as number)) - inter);
      expect(iou, `frame ${LEAVING[i]?.[0]}`).toBeGreaterThanOrEqual(0.8);
    });
  });
});

describe('ByteTrack rules', () => {
  const box = [500, 27, 650, 388];
  it('a lost track comes back with its id within 1 s, and a new id after', () => {
    const seen = (gapFrames: number): number[] => {
      const frames = [0, 1, 2].map((f) => ({ tNs: tOf(f), detections: [person(0.85, box)] }));
      for (let f = 3; f < 3 + gapFrames; f += 1) frames.push({ tNs: tOf(f), detections: [] });
      frames.push({ tNs: tOf(3 + gapFrames), detections: [person(0.85, box)] }, { tNs: tOf(4 + gapFrames), detections: [person(0.85, box)] });
      return run(byteTracker(), frames).at(-1)?.map((t) => t.trackId) ?? [];
    };
    expect(seen(5)).toEqual([1]);
    expect(seen(12)).toEqual([2]);
  });

  it('tracks only match detections of their own class', () => {
    const frames = [
      { tNs: tOf(0), detections: [person(0.9, box)] },
      { tNs: tOf(1), detections: [person(0.9, box, 56, 'chair')] },
      { tNs: tOf(2), detections: [person(0.9, box, 56, 'chair')] },
    ];
    expect(run(byteTracker(), frames).map((ts) => ts.map((t) => `${t.trackId} ${t.label}`))).toEqual([['1 person'], [], ['2 chair']]);
  });

  it('skips boxes that are not finite or empty, and takes a clock that does not advance as no motion', () => {
    const frames = [
      { tNs: tOf(0), detections: [person(0.9, box), person(0.9, [Number.NaN, 0, 10, 10]), person(0.9, [50, 50, 40, 60])] },
      { tNs: tOf(0), detections: [person(0.9, box)] },
      { tNs: tOf(-5), detections: [person(0.9, box)] },
    ];
    expect(run(byteTracker(), frames).map((ts) => ts.map((t) => t.trackId))).toEqual([[1], [1], [1]]);
  });
});

describe('CLEAR MOT and IDF1', () => {
  const A = [100, 100, 200, 300];
  const B = [400, 100, 500, 300];
  it('a perfect tracker: no switch, MOTA 1, IDF1 1', () => {
    const frames = [0, 1, 2].map((f) => ({ frame: f, truth: [{ id: 'A', boxPx: A }, { id: 'B', boxPx: B }], hypotheses: [{ id: 7, boxPx: A }, { id: 9, boxPx: B }] }));
    expect(evaluateClearMot(frames)).toMatchObject({ gt: 6, matches: 6, fn: 0, fp: 0, idsw: 0, mota: 1, idf1: 1 });
  });

  it('counts a switch when the hypothesis on an object changes, and IDF1 credits only the longer identity', () => {
    const frames = [0, 1, 2, 3].map((f) => ({ frame: f, truth: [{ id: 'A', boxPx: A }], hypotheses: [{ id: f < 2 ? 1 : 2, boxPx: A }] }));
    const r = evaluateClearMot(frames);
    expect(r).toMatchObject({ gt: 4, matches: 4, idsw: 1, mota: 0.75, idf1: 0.5 });
    expect(r.switches).toEqual([{ frame: 2, truth: 'A', from: '1', to: '2' }]);
  });

  it('keeps last frame’s correspondence while it still overlaps, even when another hypothesis overlaps more', () => {
    const shifted = [110, 100, 210, 300];
    const frames = [
      { frame: 0, truth: [{ id: 'A', boxPx: A }], hypotheses: [{ id: 1, boxPx: shifted }] },
      { frame: 1, truth: [{ id: 'A', boxPx: A }], hypotheses: [{ id: 1, boxPx: shifted }, { id: 2, boxPx: A }] },
    ];
    expect(evaluateClearMot(frames)).toMatchObject({ matches: 2, fp: 1, idsw: 0 });
  });

  it('counts misses and false positives', () => {
    const frames = [{ frame: 0, truth: [{ id: 'A', boxPx: A }], hypotheses: [{ id: 1, boxPx: B }] }];
    expect(evaluateClearMot(frames)).toMatchObject({ gt: 1, matches: 0, fn: 1, fp: 1, mota: -1 });
    expect(() => evaluateClearMot(frames, 0)).toThrow('"minIou" must be in (0, 1], got 0');
  });
});
