/**
 * YOLOX object detector: native letterbox → onnxruntime-node (CPU) → native grid decode and class-aware
 * NMS → boxes in source-image pixels, all on a worker thread (`detector.worker.js`): onnxruntime-node
 * runs inference synchronously on its calling thread, which must not be the tick loop's.
 *
 * The model comes from a manifest (`models/yolox_nano/manifest.json`) and is checked against its sha256
 * before use. A worker that dies fails the requests it held (each with the reason) and is started again
 * on the next request, at most {@link MAX_RESTARTS} times.
 *
 * Source: Ge et al., "YOLOX: Exceeding YOLO Series in 2021" (arXiv:2107.08430), reference pre- and
 * post-processing (`preproc`, `demo_postprocess`).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CameraFrame } from '../../../hal/types.js';
import type { Detection } from '../../bus/topics.js';
import { LatencyHistogram, type LatencySummary } from '../../metrics/histogram.js';
import { bundledModelsDir, readManifest, verifyModel, type LoadedManifest } from '../../models/manifest.js';
import { packageRoot } from '../../paths.js';

export interface DetectorOptions {
  /** Model directory with a manifest; default the bundled `models/yolox_nano`. */
  readonly modelDir?: string;
  /** Minimum objectness × class probability, [0, 1]. Default 0.1: the low-score bound of ByteTrack's second
   * association, which needs the weak boxes; `objects.detected` still publishes ≥ 0.3 (the YOLOX demo's). */
  readonly scoreThreshold?: number;
  /** IoU above which same-class boxes are suppressed. Default 0.45 (YOLOX demo). */
  readonly iouThreshold?: number;
  readonly maxDetections?: number;
  /** onnxruntime intra-op threads; default 1, leaving the other cores to the tick loop and decoding. */
  readonly threads?: number;
}

export interface DetectorStats {
  readonly inferences: number;
  readonly failures: number;
  readonly restarts: number;
  /** Request → result on the calling thread (copy, queueing, letterbox, inference, decode), wall time. */
  readonly total: LatencySummary;
  /** Model inference alone, in the worker. */
  readonly inference: LatencySummary;
}

/** Worker restarts allowed before the detector gives up (each failed request says why). */
export const MAX_RESTARTS = 3;

type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; detections: Detection[]; timings: { letterboxNs: number; inferenceNs: number; decodeNs: number } }
  | { type: 'error'; id: number; message: string };

interface Pending {
  readonly resolve: (d: Detection[]) => void;
  readonly reject: (e: Error) => void;
  readonly startedNs: bigint;
  readonly slot: FrameSlot | null;
}

/** Shared memory the worker reads a frame from, reused frame after frame. */
interface FrameSlot {
  readonly memory: SharedArrayBuffer;
  busy: boolean;
}

/**
 * Frame slots per detector. Frames go to the worker through a reused {@link SharedArrayBuffer}: one copy into
 * it on this (the tick) thread and no allocation on either side, where a structured-clone `postMessage` of the
 * pixels (≈ 1 MB at 768×432 RGB) serialises, allocates and frees that much on both threads per frame. A
 * request beyond the slots (callers with several detections in flight) is copied as before.
 */
export const FRAME_SLOTS = 2;

export class YoloxDetector {
  private readonly total = new LatencyHistogram();
  private readonly inference = new LatencyHistogram();
  private readonly pending = new Map<number, Pending>();
  private readonly slots: FrameSlot[] = [];
  private worker: Promise<Worker> | null = null;
  private nextId = 0;
  private count = 0;
  private failures = 0;
  private restarts = -1;
  private closed = false;

  private constructor(
    private readonly model: LoadedManifest,
    private readonly workerData: Record<string, unknown>,
  ) {}

  /** Load and verify the model and start the worker. Throws naming the file when it is missing, altered
   * or not loadable by onnxruntime. */
  static async load(options: DetectorOptions = {}): Promise<YoloxDetector> {
    const model = readManifest(options.modelDir ?? join(bundledModelsDir(), 'yolox_nano'));
    await verifyModel(model);
    const { manifest } = model;
    const [, , h, w] = manifest.input.shape as [number, number, number, number];
    const detector = new YoloxDetector(model, {
      bindingPath: join(packageRoot(), 'native/binding.cjs'),
      modelPath: model.modelPath,
      inputName: manifest.input.name,
      inputShape: manifest.input.shape,
      outputName: manifest.output.name,
      letterbox: { targetWidth: w, targetHeight: h, padValue: manifest.input.letterbox.padValue, channelOrder: manifest.input.channelOrder, align: manifest.input.letterbox.align === 'top-left' ? 'topLeft' : 'center' },
      labels: model.labels,
      scoreThreshold: options.scoreThreshold ?? 0.1,
      iouThreshold: options.iouThreshold ?? 0.45,
      maxDetections: options.maxDetections ?? 100,
      threads: options.threads ?? 1,
    });
    await detector.ensureWorker();
    return detector;
  }

  /** The manifest's model name (e.g. `yolox_nano`). */
  get name(): string {
    return this.model.manifest.name;
  }

  get labels(): readonly string[] {
    return this.model.labels;
  }

  /** Detect objects in one frame (its pixels are copied, into a reused shared slot when one is free); boxes in
   * the frame's pixels, best score first. */
  async detect(frame: CameraFrame): Promise<Detection[]> {
    if (this.closed) throw new Error(`${this.name}: detector is closed`);
    const worker = await this.ensureWorker();
    const id = this.nextId++;
    const startedNs = process.hrtime.bigint();
    const slot = this.takeSlot(frame.data.byteLength);
    const layout = { widthPx: frame.widthPx, heightPx: frame.heightPx, strideBytes: frame.strideBytes, format: frame.format };
    return new Promise<Detection[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, startedNs, slot });
      if (slot === null) {
        worker.postMessage({ id, frame: { data: frame.data, ...layout } });
        return;
      }
      new Uint8Array(slot.memory, 0, frame.data.byteLength).set(frame.data);
      worker.postMessage({ id, frame: { shared: slot.memory, byteLength: frame.data.byteLength, ...layout } });
    });
  }

  /** A free slot of at least `bytes` (grown when too small), or null when all are busy. */
  private takeSlot(bytes: number): FrameSlot | null {
    let slot = this.slots.find((s) => !s.busy && s.memory.byteLength >= bytes) ?? null;
    if (slot === null) {
      const free = this.slots.findIndex((s) => !s.busy);
      if (free < 0 && this.slots.length >= FRAME_SLOTS) return null;
      slot = { memory: new SharedArrayBuffer(bytes), busy: false };
      if (free >= 0) this.slots[free] = slot;
      else this.slots.push(slot);
    }
    slot.busy = true;
    return slot;
  }

  stats(): DetectorStats {
    return { inferences: this.count, failures: this.failures, restarts: Math.max(this.restarts, 0), total: this.total.summary(), inference: this.inference.summary() };
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = await this.worker?.catch(() => null);
    if (worker === null || worker === undefined) return;
    worker.postMessage({ type: 'close' });
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      setTimeout(() => void worker.terminate().then(() => resolve()), 2000).unref();
    });
  }

  private ensureWorker(): Promise<Worker> {
    if (this.worker !== null) return this.worker;
    this.restarts += 1;
    if (this.restarts > MAX_RESTARTS) return Promise.reject(new Error(`${this.name}: detector worker failed ${MAX_RESTARTS + 1} times; detection is off`));
    const worker = new Worker(new URL('./detector.worker.js', import.meta.url), { workerData: this.workerData });
    this.worker = new Promise<Worker>((resolve, reject) => {
      const onFirst = (m: WorkerReply): void => {
        if (m.type === 'ready') resolve(worker);
        else if (m.type === 'fatal') reject(new Error(m.message));
      };
      worker.once('message', onFirst);
      worker.once('error', reject);
    });
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (err) => this.onWorkerGone(`detector worker failed: ${err.message}`));
    worker.on('exit', (code) => this.onWorkerGone(`detector worker exited (code ${code})`));
    return this.worker;
  }

  private onReply(m: WorkerReply): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (p.slot !== null) p.slot.busy = false;
    if (m.type === 'error') {
      this.failures += 1;
      p.reject(new Error(m.message));
      return;
    }
    this.count += 1;
    this.inference.record(m.timings.inferenceNs);
    this.total.record(Number(process.hrtime.bigint() - p.startedNs));
    p.resolve(m.detections);
  }

  private onWorkerGone(reason: string): void {
    this.worker = null;
    for (const p of this.pending.values()) {
      if (p.slot !== null) p.slot.busy = false;
      this.failures += 1;
      p.reject(new Error(reason));
    }
    this.pending.clear();
  }
}
