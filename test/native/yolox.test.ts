/**
 * yoloxDecodeSync against the pure-TS reference on the REAL output of YOLOX-Nano
 * (`models/yolox_nano/yolox_nano.onnx`, run with onnxruntime-node) for EuRoC frames (GRAY8) and,
 * when ffmpeg is installed to cut them, frames of the `video/` clips (RGB8), all letterboxed by the
 * native kernel.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  YOLOX_NANO_LETTERBOX,
  createDetections,
  letterboxSync,
  letterboxTensorLength,
  yoloxDecodeSync,
  type Detections,
  type FrameView,
  type LetterboxResult,
} from '../../native/index.js';
import { HAS_SHARED_DATA, YOLOX_NANO_ONNX, cutVideoFrame, decodeGray, eurocFramePaths } from './data.js';
import { yoloxReference } from './yolox-reference.js';

/** Video frames and the detection YOLOX-Nano is known to make there (video/PROVENANCE.md). */
const VIDEO_FRAMES = [
  { clip: 'one-by-one-person-detection.mp4', timeS: 40, top: 'person', minScore: 0.8 },
  { clip: 'bottle-detection.mp4', timeS: 10, top: 'bottle', minScore: 0.9 },
  { clip: 'asl_gestures/again.mkv', timeS: 1, top: 'person', minScore: 0.9 },
] as const;
const COCO = { person: 0, bottle: 39 } as const;

interface ModelRun {
  readonly frame: string;
  readonly expect?: { readonly classId: number; readonly minScore: number };
  readonly raw: Float32Array;
  readonly letterbox: LetterboxResult;
}

/** |a − b| within 2 float32 ulps of b. */
function closeF32(a: number, b: number): boolean {
  return Math.abs(a - b) <= 2 * 2 ** -23 * Math.max(1, Math.abs(b));
}

const SETTINGS = [
  { scoreThreshold: 0.3, iouThreshold: 0.45, maxDetections: 100 },
  { scoreThreshold: 0.01, iouThreshold: 0.45, maxDetections: 300 },
  { scoreThreshold: 0.02, iouThreshold: 0.3, maxDetections: 5 },
] as const;

describe.skipIf(!HAS_SHARED_DATA)('YOLOX-Nano decode + class-aware NMS on real model output', () => {
  const runs: ModelRun[] = [];

  beforeAll(async () => {
    const session = await InferenceSession.create(YOLOX_NANO_ONNX);
    const infer = async (frame: FrameView): Promise<Omit<ModelRun, 'frame'>> => {
      const tensor = new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX));
      const letterbox = letterboxSync(frame, YOLOX_NANO_LETTERBOX, tensor);
      const result = await session.run({ images: new Tensor('float32', tensor, [1, 3, 416, 416]) });
      const output = result[session.outputNames[0] as string];
      if (output === undefined) throw new Error('no model output');
      expect(output.dims).toEqual([1, 3549, 85]);
      return { raw: output.data as Float32Array, letterbox };
    };
    const paths = eurocFramePaths();
    for (const index of [0, 120, 250, 599]) {
      const path = paths[index] as string;
      // Frame 0 has a person in view of the EuRoC camera (YOLOX-Nano: 0.77).
      const expected = index === 0 ? { expect: { classId: COCO.person, minScore: 0.7 } } : {};
      runs.push({ frame: path.slice(-23), ...expected, ...(await infer(await decodeGray(path))) });
    }
    for (const v of VIDEO_FRAMES) {
      const frame = await cutVideoFrame(v.clip, v.timeS);
      if (frame !== undefined) runs.push({ frame: `${v.clip}@${v.timeS}s`, expect: { classId: COCO[v.top], minScore: v.minScore }, ...(await infer(frame)) });
    }
    await session.release();
  });

  it('finds the known objects (person, bottle) with the expected confidence', () => {
    for (const run of runs.filter((r) => r.expect !== undefined)) {
      const out = createDetections(10);
      expect(yoloxDecodeSync(run.raw, run.letterbox, out), run.frame).toBeGreaterThan(0);
      expect(out.classIds[0], run.frame).toBe(run.expect?.classId);
      expect(out.scores[0], run.frame).toBeGreaterThan(run.expect?.minScore ?? 1);
    }
  });

  it('the raw output has sigmoid-ed objectness and class scores', () => {
    for (const { raw } of runs) {
      let [lo, hi] = [Infinity, -Infinity];
      for (let i = 0; i < raw.length; i++) {
        if (i % 85 < 4) continue;
        lo = Math.min(lo, raw[i] as number);
        hi = Math.max(hi, raw[i] as number);
      }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    }
  });

  for (const settings of SETTINGS) {
    it(`score ≥ ${settings.scoreThreshold}, IoU ${settings.iouThreshold}, max ${settings.maxDetections}: same detections as the reference`, () => {
      let suppressed = 0;
      for (const { frame, raw, letterbox } of runs) {
        const out: Detections = createDetections(settings.maxDetections);
        const n = yoloxDecodeSync(raw, letterbox, out, settings);
        const want = yoloxReference(raw, letterbox, settings);
        expect(n, frame).toBe(want.scores.length);
        expect(Array.from(out.classIds.subarray(0, n)), frame).toEqual(want.classIds);
        expect(Array.from(out.scores.subarray(0, n)), frame).toEqual(want.scores.map(Math.fround));
        const boxes = Array.from(out.boxes.subarray(0, 4 * n));
        boxes.forEach((v, i) => expect(closeF32(v, want.boxes[i] as number), `${frame} box value ${i}: ${v} vs ${want.boxes[i]}`).toBe(true));
        suppressed += want.candidates - n;
      }
      if (settings.scoreThreshold < 0.1) expect(suppressed).toBeGreaterThan(0);
    });
  }

  it('boxes lie inside the source frame', () => {
    for (const { raw, letterbox } of runs) {
      const out = createDetections(300);
      const n = yoloxDecodeSync(raw, letterbox, out, { scoreThreshold: 0.01 });
      for (let k = 0; k < n; k++) {
        const [x1, y1, x2, y2] = out.boxes.subarray(4 * k, 4 * k + 4) as unknown as [number, number, number, number];
        expect(0 <= x1 && x1 <= x2 && x2 <= letterbox.sourceWidth && 0 <= y1 && y1 <= y2 && y2 <= letterbox.sourceHeight).toBe(true);
      }
    }
  });
});

describe('yoloxDecodeSync argument errors', () => {
  const lb: LetterboxResult = { scale: 416 / 752, padX: 0, padY: 0, resizedWidth: 416, resizedHeight: 265, sourceWidth: 752, sourceHeight: 480, targetWidth: 416, targetHeight: 416 };
  const raw = new Float32Array(3549 * 85);
  const out = createDetections(10);
  const cases: [string, () => unknown, string][] = [
    ['raw size', () => yoloxDecodeSync(new Float32Array(1000), lb, out), '"raw" must be 3549 × (5 + classes) floats for a 416×416 input, got 1000 floats'],
    ['input size', () => yoloxDecodeSync(raw, { ...lb, targetWidth: 400 }, out), '"inputWidth" must be a positive multiple of 32, got 400'],
    ['iou', () => yoloxDecodeSync(raw, lb, out, { iouThreshold: 1.5 }), '"iouThreshold" must be a number in [0, 1], got 1.5'],
    ['score', () => yoloxDecodeSync(raw, lb, out, { scoreThreshold: -0.1 }), '"scoreThreshold" must be a number in [0, 1], got -0.1'],
    ['max', () => yoloxDecodeSync(raw, lb, out, { maxDetections: 11 }), '"boxes" must hold 44 floats, got 40'],
    ['short classIds', () => yoloxDecodeSync(raw, lb, { ...out, classIds: new Int32Array(3) }), '"classIds" must hold 10 integers, got 3'],
    ['scale', () => yoloxDecodeSync(raw, { ...lb, scale: 0 }, out), '"letterbox.scale" must be a positive number, got 0'],
  ];
  for (const [name, call, message] of cases) {
    it(`${name}: ${message}`, () => expect(call).toThrow(message));
  }

  it('rejects outputs that share memory with the raw output', () => {
    const buffer = new Float32Array(3549 * 85 + 40);
    const aliased = { ...out, boxes: buffer.subarray(3549 * 85 - 8, 3549 * 85 + 32) };
    expect(() => yoloxDecodeSync(buffer.subarray(0, 3549 * 85), lb, aliased)).toThrow('"boxes" must not share memory with "raw"');
  });
});
