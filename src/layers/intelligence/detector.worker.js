// @ts-check
/**
 * The YOLOX detector's worker thread: onnxruntime-node runs inference synchronously on the calling
 * thread (~15 ms for YOLOX-Nano here), so it must never run on the thread that runs the tick loop.
 * This thread letterboxes (native), runs the model (onnxruntime, CPU) and decodes + NMS (native), and
 * answers each request with the detections in source-image pixels and its timings.
 *
 * Plain JavaScript (it runs from `src/` under the tests and from `dist/` after `tsc`); it loads the
 * native core through its generated loader, whose path the main thread passes in `workerData`.
 *
 * Protocol (main → worker): `{ id, frame: { data: Uint8Array, widthPx, heightPx, strideBytes, format } }`, or
 * with `{ shared: SharedArrayBuffer, byteLength }` in place of `data` (a reused slot the pixels were copied into;
 * the main thread does not touch it until the answer);
 * (worker → main): `{ type: 'ready' }` once, then per request `{ type: 'result', id, detections, timings }`
 * or `{ type: 'error', id, message }`; `{ type: 'fatal', message }` when the model cannot be loaded.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

/**
 * @typedef {{ bindingPath: string, modelPath: string, inputName: string, inputShape: number[], outputName: string,
 *   letterbox: { targetWidth: number, targetHeight: number, padValue: number, channelOrder: 'RGB' | 'BGR', align: 'topLeft' | 'center' },
 *   labels: string[], scoreThreshold: number, iouThreshold: number, maxDetections: number, threads: number }} DetectorConfig
 * @typedef {{ data?: Uint8Array, shared?: SharedArrayBuffer, byteLength?: number, widthPx: number, heightPx: number, strideBytes: number, format: 'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8' }} FrameMessage
 */

const port = parentPort;
if (port === null) throw new Error('detector.worker.js must run as a worker thread');
/** @type {unknown} */
const data = workerData;
const config = /** @type {DetectorConfig} */ (data);
/** @type {unknown} */
const loaded = createRequire(import.meta.url)(config.bindingPath);
const native = /** @type {typeof import('../../../native/binding.js')} */ (loaded);

const input = new Float32Array(3 * config.letterbox.targetWidth * config.letterbox.targetHeight);
const boxes = new Float32Array(4 * config.maxDetections);
const scores = new Float32Array(config.maxDetections);
const classIds = new Int32Array(config.maxDetections);

/** @param {number} v @param {number} digits */
const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;
const nowNs = () => process.hrtime.bigint();

/** @param {ort.InferenceSession} session @param {FrameMessage} frame */
async function detect(session, frame) {
  const t0 = nowNs();
  const layout = { widthPx: frame.widthPx, heightPx: frame.heightPx, strideBytes: frame.strideBytes, format: frame.format };
  const pixels = frame.shared === undefined ? frame.data : new Uint8Array(frame.shared, 0, frame.byteLength);
  if (pixels === undefined) throw new Error('frame message without pixels (neither "data" nor "shared")');
  const lb = native.letterboxSync(pixels, layout, config.letterbox, input);
  const t1 = nowNs();
  const outputs = await session.run({ [config.inputName]: new ort.Tensor('float32', input, config.inputShape) });
  const t2 = nowNs();
  const raw = outputs[config.outputName];
  if (raw === undefined || !(raw.data instanceof Float32Array)) throw new Error(`${config.modelPath}: no float32 output "${config.outputName}"`);
  const n = native.yoloxDecodeSync(raw.data, lb, { scoreThreshold: config.scoreThreshold, iouThreshold: config.iouThreshold, maxDetections: config.maxDetections }, boxes, scores, classIds);
  const detections = [];
  for (let i = 0; i < n; i += 1) {
    const classId = /** @type {number} */ (classIds[i]);
    detections.push({
      classId,
      label: config.labels[classId] ?? `class ${classId}`,
      score: round(/** @type {number} */ (scores[i]), 4),
      boxPx: [0, 1, 2, 3].map((k) => round(/** @type {number} */ (boxes[4 * i + k]), 2)),
    });
  }
  const t3 = nowNs();
  return { detections, timings: { letterboxNs: Number(t1 - t0), inferenceNs: Number(t2 - t1), decodeNs: Number(t3 - t2) } };
}

let session;
try {
  session = await ort.InferenceSession.create(config.modelPath, {
    intraOpNumThreads: config.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
} catch (err) {
  port.postMessage({ type: 'fatal', message: `${config.modelPath}: onnxruntime cannot load the model: ${err instanceof Error ? err.message : String(err)}` });
  process.exit(1);
}
const ready = session;
// One request at a time: they share the input and output buffers.
/** @type {Promise<void>} */
let queue = Promise.resolve();
port.on('message', (/** @type {{ id: number, frame: FrameMessage } | { type: 'close' }} */ msg) => {
  if ('type' in msg) {
    queue = queue.then(() => ready.release()).finally(() => port.close());
    return;
  }
  queue = queue.then(() =>
    detect(ready, msg.frame).then(
      (result) => port.postMessage({ type: 'result', id: msg.id, ...result }),
      (err) => port.postMessage({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
    ),
  );
});
port.postMessage({ type: 'ready' });
