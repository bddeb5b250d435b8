/**
 * Hand detection and 21-landmark estimation on camera frames, on a worker thread
 * (`hand-landmarker.worker.js`): `@vladmandic/human`'s `handtrack` detector and `handlandmark-lite`
 * (MediaPipe Hands topology) on TF.js — `tfjs-node` when installed, else WASM, else CPU.
 *
 * Pose-guided hand regions (default on): MoveNet Lightning's wrists and elbows place a square hand region
 * per arm, checked by the landmark model's hand-presence output (MediaPipe Holistic, Grishchenko & Bazarevsky
 * 2020); they add the hands the detector misses when the person is a few metres away.
 *
 * Output: {@link HandObservation}s in the frame's pixels (box `[x1, y1, x2, y2]`, landmarks `[x, y, z]` with
 * z in model units), best first; handedness is `unknown` (these models do not estimate it). A worker that
 * dies fails the requests it held and is started again on the next request, at most {@link MAX_RESTARTS}
 * times.
 *
 * Source: Zhang et al., "MediaPipe Hands: On-device Real-time Hand Tracking" (arXiv:2006.10214) for the
 * landmark model and its two-stage (palm/hand box → landmarks) pipeline; Human 3.3 `src/hand/handtrack.ts`.
 */
import { Worker } from 'node:worker_threads';
import type { CameraFrame } from '../../../../hal/types.js';
import type { HandObservation } from '../../../bus/topics.js';
import { LatencyHistogram, type LatencySummary } from '../../../metrics/histogram.js';

export type HandBackend = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface HandLandmarkerOptions {
  /** TF.js backend; `auto` = tensorflow (tfjs-node) when it loads, else wasm. Default `auto`. */
  readonly backend?: HandBackend;
  /** Minimum detector score and landmark hand-presence score, [0, 1]. Default 0.15 (see docs/hands.md). */
  readonly minConfidence?: number;
  /** Hands per frame, ≥ 1. Default 2. */
  readonly maxHands?: number;
  /** Detector boxes longer than this × their width (or the reverse) are dropped (door edges, borders). Default 3. */
  readonly maxAspect?: number;
  /** Video mode: follow a hand the detector lost by the landmark model alone for at most this many frames
   * in a row (0 = off: every frame on its own). Default 7. */
  readonly maxTrackedFrames?: number;
  /** Video mode: minimum hand-presence score of a followed hand, [0, 1]. Default 0.6. */
  readonly trackConfidence?: number;
  /** Pose-guided hand regions (MediaPipe Holistic): MoveNet finds the body's wrists and the landmark model
   * looks for a hand at each. Needs the signer's arms in view; turn off for egocentric cameras (the wearer's
   * own hands, no body in view), where it only costs time. Default true (see docs/hands.md). */
  readonly poseGuided?: boolean;
  /** Pose-guided: minimum MoveNet wrist keypoint score, [0, 1]. Default 0.3. */
  readonly poseMinWristScore?: number;
  /** Pose-guided: minimum hand-presence probability of the landmark model (its hand-flag output, not
   * Human's remapped `fingerScore`), [0, 1]. Default 0.1. */
  readonly poseMinPresence?: number;
  /** Folder with `handtrack.json`, `handlandmark-lite.json` and (pose-guided) `movenet-lightning.json`;
   * default the `@vladmandic/human` package's. */
  readonly modelDir?: string;
}

export interface HandLandmarkerStats {
  readonly backend: string;
  readonly inferences: number;
  readonly failures: number;
  readonly restarts: number;
  /** Request → result on the calling thread (copy, queueing, conversion, inference), wall time. */
  readonly total: LatencySummary;
  /** Models alone (detector + landmarks), in the worker. */
  readonly inference: LatencySummary;
}

export const MAX_RESTARTS = 3;

type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; hands: HandObservation[]; timings: { inferenceNs: number } }
  | { type: 'error'; id: number; message: string };

interface Pending {
  readonly resolve: (h: HandObservation[]) => void;
  readonly reject: (e: Error) => void;
  readonly startedNs: bigint;
}

function checkOptions(o: HandLandmarkerOptions): Required<Omit<HandLandmarkerOptions, 'modelDir'>> & { modelDir?: string } {
  const unit = (name: string, v: number): number => {
    if (!(v > 0 && v < 1)) throw new Error(`"${name}" must be in (0, 1) (got ${v})`);
    return v;
  };
  const backend = o.backend ?? 'auto';
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(backend)) throw new Error(`"backend" must be auto, tensorflow, wasm or cpu (got "${String(backend)}")`);
  const minConfidence = unit('minConfidence', o.minConfidence ?? 0.15);
  const trackConfidence = unit('trackConfidence', o.trackConfidence ?? 0.6);
  const maxHands = o.maxHands ?? 2;
  if (!Number.isInteger(maxHands) || maxHands < 1) throw new Error(`"maxHands" must be an integer ≥ 1 (got ${maxHands})`);
  const maxTrackedFrames = o.maxTrackedFrames ?? 7;
  if (!Number.isInteger(maxTrackedFrames) || maxTrackedFrames < 0) throw new Error(`"maxTrackedFrames" must be an integer ≥ 0 (got ${maxTrackedFrames})`);
  const maxAspect = o.maxAspect ?? 3;
  if (!(maxAspect >= 1)) throw new Error(`"maxAspect" must be ≥ 1 (got ${maxAspect})`);
  const poseGuided = o.poseGuided ?? true;
  if (typeof poseGuided !== 'boolean') throw new Error(`"poseGuided" must be true or false (got ${String(poseGuided)})`);
  const poseMinWristScore = unit('poseMinWristScore', o.poseMinWristScore ?? 0.3);
  const poseMinPresence = unit('poseMinPresence', o.poseMinPresence ?? 0.1);
  return { backend, minConfidence, maxHands, maxAspect, maxTrackedFrames, trackConfidence, poseGuided, poseMinWristScore, poseMinPresence, ...(o.modelDir === undefined ? {} : { modelDir: o.modelDir }) };
}

export class HandLandmarker {
  private readonly total = new LatencyHistogram();
  private readonly inference = new LatencyHistogram();
  private readonly pending = new Map<number, Pending>();
  private worker: Promise<Worker> | null = null;
  private backendName = 'none';
  private nextId = 0;
  private count = 0;
  private failures = 0;
  private restarts = -1;
  private closed = false;

  private constructor(private readonly workerData: Record<string, unknown>) {}

  /** Start the worker and load the models. Throws on bad options or when no backend/model loads. */
  static async load(options: HandLandmarkerOptions = {}): Promise<HandLandmarker> {
    const landmarker = new HandLandmarker({ ...checkOptions(options) });
    await landmarker.ensureWorker();
    return landmarker;
  }

  /** Model name as reported in events. */
  readonly name = 'human-handtrack+handlandmark-lite';

  /** The TF.js backend in use (`tensorflow`, `wasm` or `cpu`). */
  get backend(): string {
    return this.backendName;
  }

  /**
   * Hands in one frame (its pixels are copied to the worker): detector hands, best first, then pose-guided
   * hands the detector missed, then hands followed from the previous frame of the same `stream` (video mode). Frames of one stream must come in
   * capture order. Rejects naming the frame when its layout is inconsistent.
   */
  async detect(frame: CameraFrame, stream = 'default'): Promise<HandObservation[]> {
    if (this.closed) throw new Error(`${this.name}: hand landmarker is closed`);
    const worker = await this.ensureWorker();
    const id = this.nextId++;
    const startedNs = process.hrtime.bigint();
    return new Promise<HandObservation[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, startedNs });
      worker.postMessage({ id, stream, frame: { data: frame.data, widthPx: frame.widthPx, heightPx: frame.heightPx, strideBytes: frame.strideBytes, format: frame.format } });
    });
  }

  stats(): HandLandmarkerStats {
    return { backend: this.backendName, inferences: this.count, failures: this.failures, restarts: Math.max(this.restarts, 0), total: this.total.summary(), inference: this.inference.summary() };
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
    if (this.restarts > MAX_RESTARTS) return Promise.reject(new Error(`${this.name}: worker failed ${MAX_RESTARTS + 1} times; hand tracking is off`));
    const worker = new Worker(new URL('./hand-landmarker.worker.js', import.meta.url), { workerData: this.workerData });
    this.worker = new Promise<Worker>((resolve, reject) => {
      const onFirst = (m: WorkerReply): void => {
        if (m.type === 'ready') {
          this.backendName = m.backend;
          resolve(worker);
        } else if (m.type === 'fatal') reject(new Error(m.message));
      };
      worker.once('message', onFirst);
      worker.once('error', reject);
    });
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (err) => this.onWorkerGone(`hand landmarker worker failed: ${err.message}`));
    worker.on('exit', (code) => this.onWorkerGone(`hand landmarker worker exited (code ${code})`));
    return this.worker;
  }

  private onReply(m: WorkerReply): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (m.type === 'error') {
      this.failures += 1;
      p.reject(new Error(m.message));
      return;
    }
    this.count += 1;
    this.inference.record(m.timings.inferenceNs);
    this.total.record(Number(process.hrtime.bigint() - p.startedNs));
    p.resolve(m.hands);
  }

  private onWorkerGone(reason: string): void {
    this.worker = null;
    for (const p of this.pending.values()) {
      this.failures += 1;
      p.reject(new Error(reason));
    }
    this.pending.clear();
  }
}
