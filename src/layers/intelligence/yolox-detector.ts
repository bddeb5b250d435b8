/**
 * YOLOX object detector: native letterbox (off the JS thread) → onnxruntime-node (CPU) → native grid
 * decode and class-aware NMS → boxes in source-image pixels. The model comes from a manifest
 * (`models/yolox_nano/manifest.json`) and is checked against its sha256 before use.
 *
 * Source: Ge et al., "YOLOX: Exceeding YOLO Series in 2021" (arXiv:2107.08430), reference pre- and
 * post-processing (`preproc`, `demo_postprocess`).
 */
import * as ort from 'onnxruntime-node';
import type { CameraFrame } from '../../../hal/types.js';
import { createDetections, letterbox, letterboxTensorLength, yoloxDecodeSync, type LetterboxOptions } from '../../../native/index.js';
import type { Detection } from '../../bus/topics.js';
import { LatencyHistogram, type LatencySummary } from '../../metrics/histogram.js';
import { bundledModelsDir, readManifest, verifyModel, type LoadedManifest } from '../../models/manifest.js';
import { join } from 'node:path';

export interface DetectorOptions {
  /** Model directory with a manifest; default the bundled `models/yolox_nano`. */
  readonly modelDir?: string;
  /** Minimum objectness × class probability, [0, 1]. Default 0.3 (the YOLOX demo's). */
  readonly scoreThreshold?: number;
  /** IoU above which same-class boxes are suppressed. Default 0.45 (YOLOX demo). */
  readonly iouThreshold?: number;
  readonly maxDetections?: number;
  /** onnxruntime intra-op threads; default 1, leaving the other cores to the tick loop and decoding. */
  readonly threads?: number;
}

export interface DetectorStats {
  readonly inferences: number;
  /** Letterbox + inference + decode, wall time. */
  readonly total: LatencySummary;
  readonly inference: LatencySummary;
}

export class YoloxDetector {
  private readonly total = new LatencyHistogram();
  private readonly inference = new LatencyHistogram();
  private readonly spare: Float32Array[] = [];
  private count = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly model: LoadedManifest,
    private readonly options: Required<Omit<DetectorOptions, 'modelDir'>>,
  ) {}

  /** Load and verify the model. Throws naming the file when it is missing, altered or not loadable. */
  static async load(options: DetectorOptions = {}): Promise<YoloxDetector> {
    const model = readManifest(options.modelDir ?? join(bundledModelsDir(), 'yolox_nano'));
    await verifyModel(model);
    const threads = options.threads ?? 1;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new Error(`${model.modelPath}: onnxruntime cannot load the model: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return new YoloxDetector(session, model, {
      scoreThreshold: options.scoreThreshold ?? 0.3,
      iouThreshold: options.iouThreshold ?? 0.45,
      maxDetections: options.maxDetections ?? 100,
      threads,
    });
  }

  /** `<manifest name>` (e.g. `yolox_nano`). */
  get name(): string {
    return this.model.manifest.name;
  }

  get labels(): readonly string[] {
    return this.model.labels;
  }

  private get letterboxOptions(): LetterboxOptions {
    const [, , h, w] = this.model.manifest.input.shape as [number, number, number, number];
    const lb = this.model.manifest.input.letterbox;
    return { targetWidth: w, targetHeight: h, padValue: lb.padValue, channelOrder: this.model.manifest.input.channelOrder, align: lb.align === 'top-left' ? 'topLeft' : 'center' };
  }

  /** Detect objects in one frame; boxes in the frame's pixels, best score first. */
  async detect(frame: CameraFrame): Promise<Detection[]> {
    const started = process.hrtime.bigint();
    const options = this.letterboxOptions;
    const input = this.spare.pop() ?? new Float32Array(letterboxTensorLength(options));
    try {
      const lb = await letterbox(frame, options, input);
      const tensor = new ort.Tensor('float32', input, this.model.manifest.input.shape);
      const inferStart = process.hrtime.bigint();
      const outputs = await this.session.run({ [this.model.manifest.input.name]: tensor });
      this.inference.record(Number(process.hrtime.bigint() - inferStart));
      const raw = outputs[this.model.manifest.output.name];
      if (raw === undefined || !(raw.data instanceof Float32Array)) {
        throw new Error(`${this.model.modelPath}: no float32 output "${this.model.manifest.output.name}"`);
      }
      const out = createDetections(this.options.maxDetections);
      const n = yoloxDecodeSync(raw.data, lb, out, this.options);
      const detections: Detection[] = [];
      for (let i = 0; i < n; i += 1) {
        const classId = out.classIds[i] as number;
        detections.push({
          classId,
          label: this.model.labels[classId] ?? `class ${classId}`,
          score: round(out.scores[i] as number, 4),
          boxPx: [round(out.boxes[4 * i] as number, 2), round(out.boxes[4 * i + 1] as number, 2), round(out.boxes[4 * i + 2] as number, 2), round(out.boxes[4 * i + 3] as number, 2)],
        });
      }
      this.count += 1;
      this.total.record(Number(process.hrtime.bigint() - started));
      return detections;
    } finally {
      this.spare.push(input);
    }
  }

  stats(): DetectorStats {
    return { inferences: this.count, total: this.total.summary(), inference: this.inference.summary() };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
