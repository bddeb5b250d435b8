/**
 * Features area of `karana bench native`: FAST, KLT, ORB, Hamming matching and pyrDown of the native
 * core against the peers a user would pick instead, on the same real frames in one run:
 * - OpenCV 5 (PyPI) on one thread (`cv2.setNumThreads(1)`), timed in Python with `perf_counter_ns`
 *   (`bench/oracle/features_timing.py`: median and best of 7 rounds of per-call means);
 * - opencv.js 4.5 (`@techstark/opencv-js`, WASM) in this Node process: FastFeatureDetector,
 *   calcOpticalFlowPyrLK, ORB, BFMatcher.
 * Inputs: EuRoC MH_01 cam0 frames 100 and 101 (752×480 GRAY8, hand-held motion; the bundled sample
 * session's first two frames without `../shared/data`). KLT tracks OpenCV's 300 goodFeaturesToTrack
 * points (window 21×21, maxLevel 2 = three levels, 30 iterations / ε 0.01), building both pyramids
 * per call as `calcOpticalFlowPyrLK` on images does; ORB is `ORB_create(500)`; matching is
 * cross-checked brute force on OpenCV's 500 + 500 ORB descriptors. Native figures are tinybench
 * medians (p50) per call; ratios are speed-ups (> 1: native faster).
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import {
  FastDetector,
  HammingMatcher,
  KltTracker,
  OrbExtractor,
  createCorners,
  createKltOutput,
  createMatches,
  createOrbFeatures,
  pyrDownSync,
  type GrayFrame,
} from '../../native/index.js';
import { timeTasks, type BenchOptions, type Figure } from '../harness.js';
import { decodeFloat32, decodeUint8, oracleAvailable, runOracle } from '../oracle/python.js';
import { memoryFloorNs } from './machine.js';
import type { AreaResult, BenchArea, LeakCase, Machine } from './types.js';

interface PeerTime {
  medianUs: number;
  bestUs: number;
}
interface OpenCvTimes {
  opencv: string;
  fast: PeerTime & { count: number };
  klt: PeerTime & { points: number };
  orb: PeerTime & { count: number };
  matchCross: PeerTime & { count: number };
  matchKnn: PeerTime;
  pyrDown: PeerTime;
  inputs: { xy: string; descA: string; descB: string };
}

function frameDir(options: BenchOptions): string {
  return options.sharedDataDir === undefined
    ? join(options.rootDir, 'hal/sessions/sample/mav0/cam0/data')
    : resolve(options.rootDir, options.sharedDataDir, 'euroc_mh01_excerpt/mav0/cam0/data');
}

async function loadPair(options: BenchOptions): Promise<{ paths: string[]; frames: GrayFrame[] }> {
  const dir = frameDir(options);
  const all = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  const start = options.sharedDataDir === undefined ? 0 : 100;
  const paths = all.slice(start, start + 2).map((f) => join(dir, f));
  const frames = await Promise.all(
    paths.map(async (p) => {
      const { data, info } = await sharp(p).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), widthPx: info.width, heightPx: info.height, format: 'GRAY8' as const };
    }),
  );
  return { paths, frames };
}

/** A top-left `w × h` crop (a small real input for the leak check). */
function crop(f: GrayFrame, w: number, h: number): GrayFrame {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(f.data.subarray(y * f.widthPx, y * f.widthPx + w), y * w);
  return { data, widthPx: w, heightPx: h, format: 'GRAY8' };
}

// opencv.js --------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- opencv.js ships no usable types */
/**
 * The opencv.js module once its WASM runtime is up, wrapped: the module is a thenable whose `then`
 * passes itself, so resolving a promise with it directly would loop forever.
 */
async function loadOpenCvJs(): Promise<{ cv: any }> {
  const cv: any = createRequire(import.meta.url)('@techstark/opencv-js');
  if (cv.Mat === undefined) {
    await new Promise<void>((done) => {
      const keepAlive = setInterval(() => undefined, 50);
      cv.onRuntimeInitialized = () => {
        clearInterval(keepAlive);
        done();
      };
    });
  }
  return { cv };
}

/** The opencv.js calls of the benchmark, inputs copied into WASM memory once. */
function openCvJsTasks(cv: any, a: GrayFrame, b: GrayFrame, xy: Float32Array): Record<string, () => unknown> {
  const mat = (f: GrayFrame): any => {
    const m = new cv.Mat(f.heightPx, f.widthPx, cv.CV_8UC1);
    m.data.set(f.data);
    return m;
  };
  const [ma, mb] = [mat(a), mat(b)];
  const fast = new cv.FastFeatureDetector();
  fast.setThreshold(20);
  fast.setNonmaxSuppression(true); // type: the default TYPE_9_16 (opencv.js cannot bind setType)
  const kps = new cv.KeyPointVector();
  const pts = new cv.Mat(xy.length / 2, 1, cv.CV_32FC2);
  pts.data32F.set(xy);
  const [next, status, err] = [new cv.Mat(), new cv.Mat(), new cv.Mat()];
  const win = new cv.Size(21, 21);
  const criteria = new cv.TermCriteria(cv.TermCriteria_COUNT | cv.TermCriteria_EPS, 30, 0.01);
  const orb = new cv.ORB(500);
  const [none, desc] = [new cv.Mat(), new cv.Mat()];
  return {
    fast: () => fast.detect(ma, kps),
    klt: () => cv.calcOpticalFlowPyrLK(ma, mb, pts, next, status, err, win, 2, criteria),
    orb: () => orb.detectAndCompute(ma, none, kps, desc),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return */

// the area ---------------------------------------------------------------------------------------

const us = (ns: number): Figure => ({ value: ns / 1e3, unit: 'µs' });

async function bench(options: BenchOptions, machine: Machine): Promise<AreaResult> {
  const { paths, frames } = await loadPair(options);
  const [a, b] = frames as [GrayFrame, GrayFrame];
  const figures: Record<string, Figure> = {};
  const ratios: Record<string, number> = {};
  const notes: string[] = [`inputs: ${paths.join(', ')} (${a.widthPx}×${a.heightPx} GRAY8)`];

  process.stderr.write('features: OpenCV timings…\n');
  const cv: OpenCvTimes | undefined = oracleAvailable()
    ? runOracle<OpenCvTimes>('features_timing.py', { frames: paths, rounds: 7, calls: options.quick ? 8 : 40 })
    : undefined;
  if (cv === undefined) notes.push('OpenCV (Python) not installed: run `sh setup.sh --system` for the OpenCV figures');
  const xy = cv === undefined ? gridPoints(a) : decodeFloat32(cv.inputs.xy);

  // Native calls, outputs allocated once.
  const fast = new FastDetector({ threshold: 20 });
  const corners = createCorners(10_000);
  const tracker = new KltTracker();
  const tracks = createKltOutput(xy.length / 2);
  const orb = new OrbExtractor();
  const features = createOrbFeatures(600);
  const matcher = new HammingMatcher();
  const descA = cv === undefined ? new Uint8Array(0) : decodeUint8(cv.inputs.descA);
  const descB = cv === undefined ? new Uint8Array(0) : decodeUint8(cv.inputs.descB);
  const matches = createMatches(descA.length / 32 || 1);
  const knn = { trainIdx: new Int32Array((2 * descA.length) / 32), distance: new Int32Array((2 * descA.length) / 32) };
  const half = new Uint8Array(Math.ceil(a.widthPx / 2) * Math.ceil(a.heightPx / 2));
  // The async twins get objects and outputs of their own (a sync call on an object with an
  // unsettled async call throws by design).
  const [fastA, trackerA, orbA] = [new FastDetector({ threshold: 20 }), new KltTracker(), new OrbExtractor()];
  const [cornersA, tracksA, featuresA] = [createCorners(10_000), createKltOutput(xy.length / 2), createOrbFeatures(600)];
  const streaming = new KltTracker();
  const tracksS = createKltOutput(xy.length / 2);
  streaming.trackSync(a, b, xy, tracksS);
  const native: Record<string, () => unknown> = {
    fast: () => fast.detectSync(a, corners),
    fastAsync: () => fastA.detect(a, cornersA),
    klt: () => tracker.trackSync(a, b, xy, tracks),
    kltFromLast: () => streaming.trackFromLastSync(b, xy, tracksS),
    kltAsync: () => trackerA.track(a, b, xy, tracksA),
    orb: () => orb.detectAndComputeSync(a, features),
    orbAsync: () => orbA.detectAndCompute(a, featuresA),
    pyrDown: () => pyrDownSync(a, half),
  };
  if (descA.length > 0) {
    native.matchCross = () => matcher.matchSync(descA, descB, matches, { crossCheck: true });
    native.matchKnn = () => matcher.knnMatchSync(descA, descB, knn);
  }
  const timeMs = options.quick ? 300 : 1500;
  process.stderr.write('features: native…\n');
  const mine = new Map((await timeTasks(native, { timeMs })).map((t) => [t.name, t]));
  for (const [name, t] of mine) {
    figures[`${name}.native.p50`] = us(t.p50Ns);
    figures[`${name}.native.mean`] = us(t.meanNs);
  }
  figures['fast.native.corners'] = { value: fast.detectSync(a, corners), unit: 'corners' };
  figures['klt.native.tracked'] = { value: tracker.trackSync(a, b, xy, tracks), unit: `of ${xy.length / 2} points` };
  figures['orb.native.keypoints'] = { value: orb.detectAndComputeSync(a, features), unit: 'keypoints' };
  const p50 = (name: string): number => (mine.get(name)?.p50Ns ?? Number.NaN) / 1e3;

  // pyrDown against the memory floor: read the frame, write a quarter of it.
  const floorNs = memoryFloorNs(machine, a.widthPx * a.heightPx, half.length);
  figures['pyrDown.floor'] = us(floorNs);
  ratios['pyrDown.native/floor'] = (p50('pyrDown') * 1e3) / floorNs;

  if (cv !== undefined) {
    const peers: [string, PeerTime][] = [
      ['fast', cv.fast],
      ['klt', cv.klt],
      ['orb', cv.orb],
      ['pyrDown', cv.pyrDown],
      ['matchCross', cv.matchCross],
      ['matchKnn', cv.matchKnn],
    ];
    for (const [name, t] of peers) {
      figures[`${name}.opencv.median`] = { value: t.medianUs, unit: 'µs' };
      figures[`${name}.opencv.best`] = { value: t.bestUs, unit: 'µs' };
      ratios[`${name}.native_vs_opencv`] = t.medianUs / p50(name);
    }
    ratios['klt.nativeFromLast_vs_opencv'] = cv.klt.medianUs / p50('kltFromLast');
    notes.push(`OpenCV ${cv.opencv}, 1 thread: FAST ${cv.fast.count} corners, ORB ${cv.orb.count} keypoints, cross-check ${cv.matchCross.count} matches`);
  }

  process.stderr.write('features: opencv.js…\n');
  const cvjs = openCvJsTasks((await loadOpenCvJs()).cv, a, b, xy);
  for (const t of await timeTasks(cvjs, { timeMs })) {
    figures[`${t.name}.opencvjs.p50`] = us(t.p50Ns);
    ratios[`${t.name}.native_vs_opencvjs`] = t.p50Ns / 1e3 / p50(t.name);
  }
  notes.push('targets: FAST and KLT within 1.5× of OpenCV (ratio ≥ 0.67) and ≥ 3× opencv.js; ORB 500 within 1.5× of OpenCV');
  return { figures, ratios, notes };
}

/** Points on a grid (used only when the OpenCV oracle is missing). */
function gridPoints(f: GrayFrame): Float32Array {
  const out: number[] = [];
  for (let y = 30; y < f.heightPx - 30 && out.length < 600; y += 24) for (let x = 30; x < f.widthPx - 30 && out.length < 600; x += 37) out.push(x, y);
  return Float32Array.from(out);
}

/**
 * One call of each kernel on small crops of the two real frames (128×96; ORB 96×80), sized so that
 * 10⁶ calls take seconds, not minutes.
 */
async function leakCases(options: BenchOptions): Promise<Record<string, LeakCase>> {
  const { frames } = await loadPair(options);
  const [a, b] = (frames as [GrayFrame, GrayFrame]).map((f) => crop(f, 128, 96)) as [GrayFrame, GrayFrame];
  const [oa, ob] = (frames as [GrayFrame, GrayFrame]).map((f) => crop(f, 96, 80)) as [GrayFrame, GrayFrame];
  const fast = new FastDetector();
  const corners = createCorners(300);
  const n = fast.detectSync(a, corners);
  const xy = corners.xy.slice(0, 2 * Math.min(n, 2));
  const tracker = new KltTracker({ maxLevel: 1, forwardBackwardMaxPx: 1 });
  const tracks = createKltOutput(xy.length / 2);
  const trackerAsync = new KltTracker({ maxLevel: 1 });
  const tracksAsync = createKltOutput(xy.length / 2);
  const orb = new OrbExtractor({ maxFeatures: 20, levels: 2, edgeThresholdPx: 16 });
  const fa = createOrbFeatures(32);
  const fb = createOrbFeatures(32);
  const na = orb.detectAndComputeSync(oa, fa);
  const nb = orb.detectAndComputeSync(ob, fb);
  const matcher = new HammingMatcher();
  const matches = createMatches(Math.max(1, na));
  const half = new Uint8Array(64 * 48);
  return {
    'fast.detectSync': () => fast.detectSync(a, corners),
    'klt.trackSync': () => tracker.trackSync(a, b, xy, tracks),
    'klt.track': () => trackerAsync.track(a, b, xy, tracksAsync),
    'orb.detectAndComputeSync': () => orb.detectAndComputeSync(oa, fa),
    'match.matchSync': () => matcher.matchSync(fa.descriptors.subarray(0, 32 * na), fb.descriptors.subarray(0, 32 * nb), matches, { crossCheck: true }),
    'pyramid.pyrDownSync': () => pyrDownSync(a, half),
  };
}

const area: BenchArea = { name: 'features', bench, leakCases };
export default area;
