/**
 * DetectionDecoder against the pure-TS reference on REAL model outputs: YOLOX-Nano
 * (onnxruntime-node, CPU) at 416×416 and 640×640 on EuRoC cam0 frames and, when ffmpeg is
 * installed, frames of the person / bottle / ASL clips; the YOLOX output as-is and rewritten in the
 * YOLOv8 layout (channels-first 8400×84, and transposed), class-aware and class-agnostic NMS, at
 * the thresholds of a deployment (0.3), of an evaluation (0.01, 0.001) and with a tight max.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anchorCount, runYoloxNano, toAnchorsFirst, yoloxNanoSession, yoloxToYolov8, type ModelRun } from '../../bench/native/detect-model.js';
import { DetectionDecoder, createDetections, type DetectorOutputSpec, type LetterboxResult } from '../../native/index.js';
import { HAS_SHARED_DATA, YOLOX_NANO_ONNX, cutVideoFrame, decodeGray, eurocFramePaths } from './data.js';
import { referenceDetect } from './yolox-reference.js';

const SETTINGS = [
  { scoreThreshold: 0.3, iouThreshold: 0.45, maxDetections: 100 },
  { scoreThreshold: 0.01, iouThreshold: 0.45, maxDetections: 300 },
  { scoreThreshold: 0.001, iouThreshold: 0.65, maxDetections: 1000 },
  { scoreThreshold: 0.02, iouThreshold: 0.3, maxDetections: 5 },
] as const;

/** One real output in one layout. */
interface Case {
  readonly name: string;
  readonly spec: DetectorOutputSpec;
  readonly raw: Float32Array;
  readonly letterbox: LetterboxResult;
}

function cases(frame: string, run: ModelRun): Case[] {
  const { size, raw, letterbox } = run;
  const base = { inputWidth: size, inputHeight: size, classes: 80 };
  const v8 = yoloxToYolov8(raw, size);
  return [
    { name: `${frame} yolox ${size}`, spec: { head: 'yolox', ...base }, raw, letterbox },
    { name: `${frame} yolov8 ${size} channelsFirst`, spec: { head: 'yolov8', ...base }, raw: v8, letterbox },
    { name: `${frame} yolov8 ${size} anchorsFirst`, spec: { head: 'yolov8', layout: 'anchorsFirst', ...base }, raw: toAnchorsFirst(v8, anchorCount(size, size)), letterbox },
  ];
}

describe.skipIf(!HAS_SHARED_DATA)('DetectionDecoder on real YOLOX-Nano outputs (YOLOX and YOLOv8 layouts)', () => {
  const all: Case[] = [];

  beforeAll(async () => {
    const frames: [string, Awaited<ReturnType<typeof decodeGray>>][] = [];
    const paths = eurocFramePaths();
    for (const i of [0, 120, 250, 599]) frames.push([`euroc cam0 #${i}`, await decodeGray(paths[i] as string)]);
    for (const [clip, t] of [['one-by-one-person-detection.mp4', 40], ['bottle-detection.mp4', 10], ['asl_gestures/again.mkv', 1]] as const) {
      const f = await cutVideoFrame(clip, t);
      if (f !== undefined) frames.push([`${clip}@${t}s`, f]);
    }
    for (const size of [416, 640]) {
      const session = await yoloxNanoSession(YOLOX_NANO_ONNX, size);
      for (const [name, frame] of frames) all.push(...cases(name, await runYoloxNano(session, frame, size)));
      await session.release();
    }
  }, 120_000);

  for (const settings of SETTINGS) {
    for (const classAgnostic of [false, true]) {
      const o = { ...settings, classAgnostic };
      it(`score ${o.scoreThreshold}, IoU ${o.iouThreshold}, max ${o.maxDetections}, ${classAgnostic ? 'agnostic' : 'class-aware'}: the reference's detections`, () => {
        let suppressed = 0;
        for (const c of all) {
          const decoder = new DetectionDecoder(c.spec);
          const out = createDetections(o.maxDetections, { anchorIndices: true });
          const n = decoder.decodeSync(c.raw, c.letterbox, out, o);
          const want = referenceDetect(c.raw, c.spec, c.letterbox, o);
          expect(decoder.candidateCount, c.name).toBe(want.candidates);
          expect(n, c.name).toBe(want.scores.length);
          expect(Array.from(out.anchorIndices?.subarray(0, n) ?? []), c.name).toEqual(want.anchors);
          expect(Array.from(out.classIds.subarray(0, n)), c.name).toEqual(want.classIds);
          expect(Array.from(out.scores.subarray(0, n)), c.name).toEqual(want.scores);
          // Float64 corners in both, rounded once to float32: bit-identical (YOLOX's exp is glibc's in
          // Rust and V8's fdlibm port in the reference; they agreed on every value here).
          expect(Array.from(out.boxes.subarray(0, 4 * n)), c.name).toEqual(want.boxes.map(Math.fround));
          suppressed += want.candidates - n;
        }
        if (o.scoreThreshold < 0.1) expect(suppressed).toBeGreaterThan(0);
      });
    }
  }

  it('decode (libuv pool) gives what decodeSync gives', async () => {
    for (const c of all.filter((k) => k.name.includes('640'))) {
      const decoder = new DetectionDecoder(c.spec);
      const o = { scoreThreshold: 0.001, maxDetections: 500 };
      const [a, b] = [createDetections(500, { anchorIndices: true }), createDetections(500, { anchorIndices: true })];
      const n = decoder.decodeSync(c.raw, c.letterbox, a, o);
      expect(await decoder.decode(c.raw, c.letterbox, b, o), c.name).toBe(n);
      expect(b, c.name).toEqual(a);
    }
  });

  it('one decoder serves frame after frame (scratch reused, no state carried over)', () => {
    const yolox416 = all.filter((c) => c.name.endsWith('yolox 416'));
    const decoder = new DetectionDecoder(yolox416[0]?.spec ?? { head: 'yolox', inputWidth: 416, inputHeight: 416, classes: 80 });
    const out = createDetections(300);
    for (const c of [...yolox416, ...[...yolox416].reverse()]) {
      const n = decoder.decodeSync(c.raw, c.letterbox, out, { scoreThreshold: 0.01 });
      expect(Array.from(out.scores.subarray(0, n)), c.name).toEqual(referenceDetect(c.raw, c.spec, c.letterbox, { scoreThreshold: 0.01, iouThreshold: 0.45, maxDetections: 300 }).scores);
    }
  });
});

describe('DetectionDecoder argument errors', () => {
  const spec: DetectorOutputSpec = { head: 'yolov8', inputWidth: 640, inputHeight: 640, classes: 80 };
  const lb: LetterboxResult = { scale: 640 / 752, padX: 0, padY: 0, resizedWidth: 640, resizedHeight: 408, sourceWidth: 752, sourceHeight: 480, targetWidth: 640, targetHeight: 640 };
  const raw = new Float32Array(8400 * 84);
  const out = createDetections(10, { anchorIndices: true });
  const constructors: [string, DetectorOutputSpec, string][] = [
    ['head', { ...spec, head: 'ssd' as 'yolox' }, '"head" must be one of yolox, yolov8, got "ssd"'],
    ['layout', { ...spec, layout: 'nchw' as 'anchorsFirst' }, '"layout" must be one of channelsFirst, anchorsFirst, got "nchw"'],
    ['input size', { ...spec, inputWidth: 400 }, '"inputWidth" must be a positive multiple of 32, got 400'],
    ['input height', { ...spec, inputHeight: 0 }, '"inputHeight" must be a positive integer, got 0'],
    ['classes', { ...spec, classes: 0 }, '"classes" must be a positive integer, got 0'],
    ['yolox layout', { ...spec, head: 'yolox', layout: 'channelsFirst' }, '"layout" must be anchorsFirst for the yolox head ([1, N, 5 + C]), got "channelsFirst"'],
  ];
  for (const [name, bad, message] of constructors) {
    it(`constructor, ${name}: ${message}`, () => expect(() => new DetectionDecoder(bad)).toThrow(message));
  }

  const decoder = new DetectionDecoder(spec);
  const calls: [string, () => unknown, string][] = [
    ['raw size', () => decoder.decodeSync(new Float32Array(1000), lb, out), '"raw" must be 705600 floats ([1, 84, 8400]: yolov8 at 640×640, 80 classes), got 1000 floats'],
    ['letterbox size', () => decoder.decodeSync(raw, { ...lb, targetWidth: 416 }, out), '"letterbox.targetWidth" must be 640 (the decoder\'s inputWidth), got 416'],
    ['max', () => decoder.decodeSync(raw, lb, out, { maxDetections: 0 }), '"maxDetections" must be a positive integer, got 0'],
    ['score', () => decoder.decodeSync(raw, lb, out, { scoreThreshold: 2 }), '"scoreThreshold" must be a number in [0, 1], got 2'],
    ['iou', () => decoder.decodeSync(raw, lb, out, { iouThreshold: -0.5 }), '"iouThreshold" must be a number in [0, 1], got -0.5'],
    ['short anchorIndices', () => decoder.decodeSync(raw, lb, { ...out, anchorIndices: new Int32Array(3) }), '"anchorIndices" must hold 10 integers, got 3'],
  ];
  for (const [name, call, message] of calls) {
    it(`decodeSync, ${name}: ${message}`, () => expect(call).toThrow(message));
  }

  it('rejects outputs that share memory, sync and async alike', async () => {
    const ints = new Int32Array(20);
    const aliased = { ...out, classIds: ints.subarray(0, 10), anchorIndices: ints.subarray(5, 15) };
    const message = '"anchorIndices" must not share memory with "classIds"';
    expect(() => decoder.decodeSync(raw, lb, aliased)).toThrow(message);
    await expect(decoder.decode(raw, lb, aliased)).rejects.toThrow(message);
    await expect(decoder.decode(new Float32Array(5), lb, out)).rejects.toThrow('"raw" must be 705600 floats');
  });
});
