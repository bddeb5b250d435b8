/**
 * Real detector outputs for the detection benchmark and tests: YOLOX-Nano
 * (`../shared/data/models/yolox_nano`, Megvii, Apache-2.0) run with onnxruntime-node (CPU) on real
 * frames letterboxed by the native kernel, at its exported 416×416 and at 640×640, and the same
 * output rewritten in the YOLOv8 layout.
 *
 * 640×640: the ONNX file declares a fixed `[1, 3, 416, 416]` input (onnxruntime refuses 640:
 * "Got invalid dimensions for input: images … Expected: 416") and a fixed `[1, 3549, 85]` output,
 * but its graph is fully convolutional: the head's reshapes take their shapes from `Shape` ops and
 * the upsampling `Resize` uses scales, so only those two declarations are fixed. {@link yoloxNanoModel}
 * rewrites them in memory (the file is not changed) and onnxruntime then runs the same weights at
 * 640×640, giving `[1, 8400, 85]`.
 *
 * YOLOv8 layout ({@link yoloxToYolov8}): the same anchors decoded to `cx, cy, w, h` in input pixels
 * and class scores `obj · cls`, channels-first `[1, 4 + C, N]` like the ultralytics export (8400×84
 * at 640×640: what a YOLOv8 model of that input size outputs, with real scores and boxes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { letterboxSync, type FrameView, type LetterboxResult } from '../../native/index.js';

/** Output strides of YOLOX and YOLOv8, pixels. */
export const STRIDES = [8, 16, 32] as const;

/** Anchors of a `width × height` input: Σ (W/s)·(H/s) over the strides (3549 at 416², 8400 at 640²). */
export function anchorCount(width: number, height: number): number {
  return STRIDES.reduce((n, s) => n + Math.floor(width / s) * Math.floor(height / s), 0);
}

/**
 * A raw YOLOX output `[1, N, 5 + C]` for a `size × size` input rewritten as a YOLOv8 output
 * `[1, 4 + C, N]` (channels-first): `cx = (x + gx)·s`, `cy = (y + gy)·s`, `w = exp(log w)·s`,
 * `h = exp(log h)·s` (float32), class scores `obj · cls` (float32 products, as YOLOX scores them).
 */
export function yoloxToYolov8(raw: Float32Array, size: number): Float32Array {
  const n = anchorCount(size, size);
  const ch = raw.length / n;
  const classes = ch - 5;
  const out = new Float32Array(n * (4 + classes));
  let a = 0;
  for (const s of STRIDES) {
    const g = size / s;
    for (let gy = 0; gy < g; gy++) {
      for (let gx = 0; gx < g; gx++, a++) {
        const r = a * ch;
        out[a] = ((raw[r] as number) + gx) * s;
        out[n + a] = ((raw[r + 1] as number) + gy) * s;
        out[2 * n + a] = Math.exp(raw[r + 2] as number) * s;
        out[3 * n + a] = Math.exp(raw[r + 3] as number) * s;
        const obj = raw[r + 4] as number;
        for (let c = 0; c < classes; c++) out[(4 + c) * n + a] = Math.fround(obj * (raw[r + 5 + c] as number));
      }
    }
  }
  return out;
}

/** `[1, C, N]` → `[1, N, C]` (a channels-first output transposed to anchors-first). */
export function toAnchorsFirst(planes: Float32Array, anchors: number): Float32Array {
  const ch = planes.length / anchors;
  const out = new Float32Array(planes.length);
  for (let c = 0; c < ch; c++) for (let a = 0; a < anchors; a++) out[a * ch + c] = planes[c * anchors + a] as number;
  return out;
}

/** The YOLOX-Nano ONNX the project ships (`models/yolox_nano`, a copy of the shared-data one). */
export function yoloxNanoPath(rootDir: string): string {
  return join(rootDir, 'models/yolox_nano/yolox_nano.onnx');
}

/** Protobuf base-128 varint. */
function varint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
  out.push(v);
  return out;
}

/** One `TensorShapeProto.Dimension` with `dim_value` (field 1, varint), as a `dim` entry (field 1). */
function dim(v: number): number[] {
  const value = [0x08, ...varint(v)]; // dim_value = v
  return [0x0a, value.length, ...value]; // TensorShapeProto.dim
}

/**
 * The `ValueInfoProto` of a float tensor named `name` with shape `dims`, as the exporter wrote it:
 * name (field 1), type (field 2) → TypeProto.tensor_type (field 1) → elem_type FLOAT (field 1 = 1),
 * shape (field 2) → dims.
 */
function valueInfo(name: string, dims: readonly number[]): Buffer {
  const shape = dims.flatMap(dim);
  const tensor = [0x08, 0x01, 0x12, shape.length, ...shape]; // elem_type = FLOAT, shape
  const type = [0x0a, tensor.length, ...tensor]; // TypeProto.tensor_type
  const nameBytes = [...Buffer.from(name, 'ascii')];
  return Buffer.from([0x0a, nameBytes.length, ...nameBytes, 0x12, type.length, ...type]);
}

/** Replaces the one occurrence of `from` by `to` (same length), or throws naming what was missing. */
function replaceOnce(model: Buffer, from: Buffer, to: Buffer, what: string): void {
  const at = model.indexOf(from);
  if (at < 0 || model.indexOf(from, at + 1) >= 0 || from.length !== to.length) {
    throw new Error(`yolox_nano.onnx: the ${what} declaration is not the expected single [1, 3, 416, 416] / [1, 3549, 85] entry`);
  }
  to.copy(model, at);
}

/**
 * The YOLOX-Nano ONNX bytes for a `size × size` input: the file itself at 416, else with the input
 * and output shape declarations rewritten (sizes whose dimensions encode in two varint bytes, like
 * 416 and 3549: 128 ≤ size and N < 16384, i.e. multiples of 32 from 128 to 864).
 */
export function yoloxNanoModel(modelPath: string, size: number): Uint8Array {
  const model = readFileSync(modelPath);
  if (size === 416) return model;
  const n = anchorCount(size, size);
  if (size % 32 !== 0 || varint(size).length !== 2 || varint(n).length !== 2) {
    throw new Error(`YOLOX-Nano can be re-declared for 128…864 px inputs (multiples of 32), not ${size}`);
  }
  replaceOnce(model, valueInfo('images', [1, 3, 416, 416]), valueInfo('images', [1, 3, size, size]), 'input');
  replaceOnce(model, valueInfo('output', [1, 3549, 85]), valueInfo('output', [1, n, 85]), 'output');
  return model;
}

/** YOLOX-Nano's letterbox (PROVENANCE: BGR, 0–255, pad 114, top-left) at `size × size`. */
export function yoloxLetterbox(size: number): { targetWidth: number; targetHeight: number; padValue: number; channelOrder: 'BGR'; align: 'topLeft' } {
  return { targetWidth: size, targetHeight: size, padValue: 114, channelOrder: 'BGR', align: 'topLeft' };
}

/** A model output with the letterbox that made its input. */
export interface ModelRun {
  /** `[1, N, 85]` raw YOLOX output. */
  readonly raw: Float32Array;
  readonly letterbox: LetterboxResult;
  readonly size: number;
}

/** A YOLOX-Nano session for `size × size` inputs (CPU, one thread: the timings around it stay honest). */
export async function yoloxNanoSession(modelPath: string, size: number): Promise<InferenceSession> {
  return InferenceSession.create(yoloxNanoModel(modelPath, size), { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

/** Letterboxes `frame` and runs the model; checks the output shape. */
export async function runYoloxNano(session: InferenceSession, frame: FrameView, size: number): Promise<ModelRun> {
  const input = new Float32Array(3 * size * size);
  const letterbox = letterboxSync(frame, yoloxLetterbox(size), input);
  const result = await session.run({ images: new Tensor('float32', input, [1, 3, size, size]) });
  const output = result[session.outputNames[0] as string];
  const n = anchorCount(size, size);
  if (output === undefined || !(output.data instanceof Float32Array) || output.dims.join() !== [1, n, 85].join()) {
    throw new Error(`YOLOX-Nano at ${size}: expected a float32 [1, ${n}, 85] output, got [${output?.dims.join(', ') ?? ''}]`);
  }
  return { raw: output.data, letterbox, size };
}
