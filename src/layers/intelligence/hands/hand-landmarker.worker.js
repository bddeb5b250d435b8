// @ts-check
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   Human's CommonJS Node builds (and the tf instance they carry) are loaded with require() by path, so they are untyped here;
   the values leaving this file are plain arrays built below and checked by the main thread's types. */
/**
 * The hand landmarker's worker thread: TF.js runs the models on the calling thread (≈ 0.1–0.4 s a frame on the
 * WASM backend here), so it must never run on the thread that runs the tick loop.
 *
 * Models: `@vladmandic/human` 3.3 configured for hands only — `handtrack` (hand box detector, CenterNet-style,
 * 6 hand classes + face, run at the frame's size up to 512 px high) then `handlandmark-lite` (MediaPipe
 * Hands landmark model, 224×224 crop → 21 landmarks and a hand-presence score). Both ship in the package's
 * `models/` folder (MIT) and are read from disk: Node's fetch has no `file://`, so a TF.js load router for
 * `file://` URLs is registered on Human's own `tf` instance.
 *
 * Backends, in order of preference for `backend: 'auto'`: `tensorflow` (`@tensorflow/tfjs-node`, when it is
 * installed and loads; it is not a dependency of this package), `wasm` (`@tensorflow/tfjs-backend-wasm`,
 * SIMD, one thread), then `cpu` (plain JS, 14–20× slower than WASM here) when the WASM backend does not initialise.
 *
 * Pose-guided hands (`poseGuided`, MediaPipe Holistic's design; `pose-hand-regions.js`): MoveNet Lightning
 * (also in Human's `models/`) gives wrists and elbows; the landmark model runs on a square region at each
 * confident wrist and on its re-crop, and a hand is kept when its hand-presence probability is ≥
 * `poseMinPresence`. Order per frame: detector hands, then pose-guided ones not already found, then tracked ones.
 *
 * Video mode (MediaPipe Hands' design, Zhang et al. 2020 §2): a hand seen in the previous frame of the same
 * stream that the detector misses now is looked for by the landmark model alone in a box around its previous
 * landmarks, for at most `maxTrackedFrames` frames in a row; it is kept when the model's hand-presence score
 * is ≥ `trackConfidence` and its extent stays within 0.6–1.6× the previous one.
 *
 * Protocol (main → worker): `{ id, stream, frame: { data, widthPx, heightPx, strideBytes, format } }` or
 * `{ type: 'close' }`; (worker → main): `{ type: 'ready', backend }` once, then per request
 * `{ type: 'result', id, hands, timings: { inferenceNs } }` or `{ type: 'error', id, message }`;
 * `{ type: 'fatal', message }` when no backend or model can be loaded.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { RECROP_SCALE, landmarksInBox, poseGuidedHands, squareAround } from './pose-hand-regions.js';

/**
 * @typedef {{ backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu', minConfidence: number, maxHands: number, maxAspect: number,
 *   trackConfidence: number, maxTrackedFrames: number, poseGuided: boolean, poseMinWristScore: number, poseMinPresence: number,
 *   modelDir?: string }} LandmarkerConfig
 * @typedef {{ data: Uint8Array, widthPx: number, heightPx: number, strideBytes: number, format: 'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8' }} FrameMessage
 */

const port = parentPort;
if (port === null) throw new Error('hand-landmarker.worker.js must run as a worker thread');
const config = /** @type {LandmarkerConfig} */ (workerData);
const require = createRequire(import.meta.url);
const humanDist = dirname(require.resolve('@vladmandic/human'));

/** Human's Node build for the preferred backend; tfjs-node only when it resolves and loads. */
function loadHumanModule() {
  if (config.backend === 'auto' || config.backend === 'tensorflow') {
    try {
      require.resolve('@tensorflow/tfjs-node');
      return { module: require(join(humanDist, 'human.node.js')), backend: 'tensorflow' };
    } catch (err) {
      if (config.backend === 'tensorflow') throw new Error(`backend "tensorflow": @tensorflow/tfjs-node does not load: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const module = require(join(humanDist, 'human.node-wasm.js'));
  require('@tensorflow/tfjs-backend-cpu'); // registers "cpu" on the same tfjs-core instance as Human's
  return { module, backend: config.backend === 'cpu' ? 'cpu' : 'wasm' };
}

/** A TF.js IOHandler reading a graph model (model.json + weight shards) from a `file://` URL. */
function fileRouter(/** @type {any} */ tf) {
  return (/** @type {string | string[]} */ url) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    const path = fileURLToPath(u);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(path, 'utf8'));
        return tf.io.getModelArtifactsForJSON(json, async (/** @type {{ paths: string[], weights: unknown[] }[]} */ manifest) => {
          const specs = [];
          const buffers = [];
          for (const group of manifest) {
            for (const p of group.paths) buffers.push(await readFile(join(dirname(path), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(buffers);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
        });
      },
    };
  };
}

async function loadHuman() {
  const { module, backend } = loadHumanModule();
  const modelDir = config.modelDir ?? join(humanDist, '..', 'models');
  const human = new module.Human({
    backend,
    wasmPath: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`,
    modelBasePath: pathToFileURL(`${modelDir}/`).href,
    cacheSensitivity: 0, // every frame is processed in full: no result reuse between frames
    warmup: 'none',
    debug: false,
    face: { enabled: false }, body: { enabled: false }, object: { enabled: false },
    segmentation: { enabled: false }, gesture: { enabled: false }, filter: { enabled: false },
    hand: {
      enabled: true, rotation: true, landmarks: true, skipFrames: 0, skipTime: 0,
      minConfidence: config.minConfidence, iouThreshold: 0.2, maxDetected: config.maxHands,
      detector: { modelPath: 'handtrack.json' }, skeleton: { modelPath: 'handlandmark-lite.json' },
    },
  });
  human.tf.io.registerLoadRouter(fileRouter(human.tf));
  await human.init();
  if (human.tf.getBackend() !== backend && backend === 'wasm') {
    await human.tf.setBackend('cpu'); // WASM did not initialise: fall back to plain JS
    await human.tf.ready();
  }
  await human.load();
  const models = human.models.models;
  if (!models.handtrack || !models.handskeleton) throw new Error(`hand models not loaded from ${modelDir} (handtrack.json, handlandmark-lite.json)`);
  // MoveNet for pose-guided hand regions; not part of Human's hand config, so loaded beside it (same file:// router)
  const pose = config.poseGuided ? await human.tf.loadGraphModel(pathToFileURL(join(modelDir, 'movenet-lightning.json')).href) : null;
  return { human, pose, backend: String(human.tf.getBackend()) };
}

/** Packed RGB8 copy of a frame (any supported layout). Throws naming the frame when sizes do not add up. */
function toRgb(/** @type {FrameMessage} */ f) {
  const bpp = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 }[f.format];
  if (bpp === undefined) throw new Error(`frame format "${f.format}" is not supported (GRAY8, RGB8, BGR8, RGBA8)`);
  if (f.strideBytes < f.widthPx * bpp || f.data.length < f.strideBytes * (f.heightPx - 1) + f.widthPx * bpp) {
    throw new Error(`frame ${f.widthPx}×${f.heightPx} ${f.format}: ${f.data.length} bytes at stride ${f.strideBytes} is too short`);
  }
  const out = new Uint8Array(f.widthPx * f.heightPx * 3);
  for (let y = 0; y < f.heightPx; y += 1) {
    const row = y * f.strideBytes;
    for (let x = 0; x < f.widthPx; x += 1) {
      const s = row + x * bpp;
      const d = 3 * (y * f.widthPx + x);
      const a = /** @type {number} */ (f.data[s]);
      if (bpp === 1) out[d] = out[d + 1] = out[d + 2] = a;
      else if (f.format === 'BGR8') { out[d] = /** @type {number} */ (f.data[s + 2]); out[d + 1] = /** @type {number} */ (f.data[s + 1]); out[d + 2] = a; }
      else { out[d] = a; out[d + 1] = /** @type {number} */ (f.data[s + 1]); out[d + 2] = /** @type {number} */ (f.data[s + 2]); }
    }
  }
  return out;
}

const r1 = (/** @type {number} */ v) => Math.round(v * 10) / 10;

/**
 * Axis-aligned extent of landmarks `[x0, y0, x1, y1]`, px.
 * @returns {[number, number, number, number]}
 */
function extent(/** @type {number[][]} */ kps) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const k of kps) {
    const x = /** @type {number} */ (k[0]), y = /** @type {number} */ (k[1]);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/**
 * Landmarks of a hand inside the square of side 1.6 × the previous landmarks' extent around their centre
 * (MediaPipe's tracking ROI from the previous frame; Human's `boxExpandFact`), by the landmark model alone.
 * Returns Human's score for the hand-presence output (`fingerScore`: a second sigmoid over the model's
 * probability p, so in [0.50, 0.73]; `trackConfidence` 0.6 ≈ p ≥ 0.40) and landmarks in frame pixels.
 */
async function trackOne(/** @type {any} */ human, /** @type {any} */ input, /** @type {number[][]} */ kps, /** @type {number} */ w, /** @type {number} */ h) {
  const r = await landmarksInBox(human.tf, human.models.models.handskeleton, input, squareAround(kps, RECROP_SCALE), w, h);
  return { score: (100 - Math.trunc(100 / (1 + Math.exp(r.presence)))) / 100, kps: r.kps }; // as Human's handtrack.ts detectFingers
}

/** True when a hand with landmarks `kps` is already among `seen` (centres closer than 0.7 × the larger extent). */
function alreadySeen(/** @type {{ kps: number[][] }[]} */ seen, /** @type {number[][]} */ kps) {
  const [px0, py0, px1, py1] = extent(kps);
  const pcx = (px0 + px1) / 2, pcy = (py0 + py1) / 2, psize = Math.max(px1 - px0, py1 - py0);
  return seen.some((s) => { const [a, b, c, d] = extent(s.kps); return Math.hypot((a + c) / 2 - pcx, (b + d) / 2 - pcy) < 0.7 * Math.max(c - a, d - b, psize); });
}

const roundKps = (/** @type {number[][]} */ kps) => kps.map((k) => [r1(k[0] ?? 0), r1(k[1] ?? 0), r1(k[2] ?? 0)]);

/** @typedef {{ kps: number[][], age: number }} Tracked */
/** Hands of the previous frame per stream (camera), for tracking: `age` = frames since the detector or the pose path saw it. */
/** @type {Map<string, Tracked[]>} */
const previous = new Map();

async function detect(/** @type {any} */ human, /** @type {any} */ pose, /** @type {FrameMessage} */ frame, /** @type {string} */ stream) {
  const rgb = toRgb(frame);
  const t0 = process.hrtime.bigint();
  const tf = human.tf;
  const w = frame.widthPx, h = frame.heightPx;
  const input = tf.tensor4d(rgb, [1, h, w, 3], 'int32');
  const float = pose !== null || config.maxTrackedFrames > 0 ? tf.cast(input, 'float32') : null;
  const hands = [];
  /** @type {Tracked[]} */
  const seen = [];
  try {
    // 1. detector boxes → landmarks (Human)
    const result = await human.detect(input);
    if (result.error) throw new Error(`hand models: ${result.error}`);
    for (const hd of result.hand) {
      const [x, y, bw, bh] = hd.box;
      // landmark model rejected the box, or a sliver (door edges, frame borders): not a hand
      if (hd.keypoints.length !== 21 || Math.max(bw, bh) > config.maxAspect * Math.min(bw, bh)) continue;
      hands.push({ handedness: 'unknown', score: Math.round(100 * Math.min(hd.boxScore, hd.fingerScore)) / 100, boxPx: [r1(x), r1(y), r1(x + bw), r1(y + bh)], landmarks: roundKps(hd.keypoints) });
      seen.push({ kps: hd.keypoints, age: 0 });
    }
    // 2. pose-guided: hands at the body's wrists (MediaPipe Holistic's hand regions from the pose)
    if (pose !== null && float !== null && hands.length < config.maxHands) {
      const found = await poseGuidedHands(tf, { pose, landmarks: human.models.models.handskeleton }, float, w, h, { minWristScore: config.poseMinWristScore, minPresence: config.poseMinPresence });
      for (const ph of found) {
        if (hands.length >= config.maxHands || alreadySeen(seen, ph.kps)) continue;
        const [x0, y0, x1, y1] = extent(ph.kps);
        hands.push({ handedness: 'unknown', score: Math.round(100 * Math.min(ph.wristScore, ph.presence)) / 100, boxPx: [r1(x0), r1(y0), r1(x1), r1(y1)], landmarks: roundKps(ph.kps) });
        seen.push({ kps: ph.kps, age: 0 });
      }
    }
    // 3. video mode: hands of the previous frame not found again, by the landmark model alone
    if (config.maxTrackedFrames > 0 && float !== null) {
      for (const p of previous.get(stream) ?? []) {
        if (p.age + 1 > config.maxTrackedFrames || hands.length >= config.maxHands || alreadySeen(seen, p.kps)) continue;
        const [px0, py0, px1, py1] = extent(p.kps);
        const psize = Math.max(px1 - px0, py1 - py0);
        const tr = await trackOne(human, float, p.kps, w, h);
        const [x0, y0, x1, y1] = extent(tr.kps);
        const size = Math.max(x1 - x0, y1 - y0);
        // the landmark model keeps the hand: confident, about the same size, not collapsed to a line
        if (tr.score < config.trackConfidence || size < 0.6 * psize || size > 1.6 * psize || Math.min(x1 - x0, y1 - y0) < 0.3 * size) continue;
        hands.push({ handedness: 'unknown', score: tr.score, boxPx: [r1(x0), r1(y0), r1(x1), r1(y1)], landmarks: roundKps(tr.kps) });
        seen.push({ kps: tr.kps, age: p.age + 1 });
      }
    }
  } finally {
    tf.dispose(float === null ? [input] : [input, float]);
  }
  previous.set(stream, seen);
  return { hands, timings: { inferenceNs: Number(process.hrtime.bigint() - t0) } };
}

let loaded;
try {
  loaded = await loadHuman();
} catch (err) {
  port.postMessage({ type: 'fatal', message: `hand landmarker cannot start: ${err instanceof Error ? err.message : String(err)}` });
  process.exit(1);
}
const { human, pose, backend } = loaded;
/** @type {Promise<void>} */
let queue = Promise.resolve();
port.on('message', (/** @type {{ id: number, frame: FrameMessage, stream?: string } | { type: 'close' }} */ msg) => {
  if ('type' in msg) {
    queue = queue.finally(() => port.close());
    return;
  }
  queue = queue.then(() =>
    detect(human, pose, msg.frame, msg.stream ?? 'default').then(
      (r) => port.postMessage({ type: 'result', id: msg.id, ...r }),
      (err) => port.postMessage({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
    ),
  );
});
port.postMessage({ type: 'ready', backend });
