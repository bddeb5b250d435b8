/**
 * Hands: per-frame latency (p50/p99) and frames/s of the hand landmarker (Human `handtrack` +
 * `handlandmark-lite` on TF.js) per backend, and its recall/precision in video mode over the 20 ASL clips
 * (Intel IoT DevKit sample videos, CC BY 4.0; 640×480 @ 30 fps), scored on the frames annotated by eye in
 * test/fixtures/asl-hands-presence.json.
 *
 * Backends measured in the same run, on the same frames: `wasm` (tfjs-backend-wasm, SIMD), `cpu` (plain JS),
 * and `tensorflow` (tfjs-node) when it is installed. Ratios: cpu/wasm and tensorflow/wasm time per frame, and
 * the cost of the pose-guided hand regions (default) over the detector alone (`poseGuided: false`), both on
 * wasm; recall/precision in video mode for both.
 *
 * Peer (not runnable here: MediaPipe has no maintained Node runtime): published MediaPipe Hands figures,
 * quoted in the notes with their source.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { VideoCamera } from '../hal/mock/video-camera.js';
import type { CameraFrame } from '../hal/types.js';
import type { HandObservation } from '../src/bus/topics.js';
import { HandLandmarker, type HandBackend } from '../src/layers/intelligence/hands/hand-landmarker.js';
import { percentile, type BenchOptions, type BenchResult, type BenchSuite, type Figure } from './harness.js';

interface AnnotatedFrame {
  readonly clip: string;
  readonly frame: number;
  readonly status: 'visible' | 'partial';
  readonly hands: { role: string; boxPx: [number, number, number, number] }[];
}

const PEER_NOTES = [
  'Peer, published (not measured here): MediaPipe Hands, Zhang et al., "MediaPipe Hands: On-device Real-time Hand Tracking", CVPR Workshop on Computer Vision for AR/VR 2020, arXiv:2006.10214: palm detector 95.7 % average precision (86.22 % with plain cross-entropy and no decoder), as also stated by google/mediapipe docs/solutions/hands.md. Hand landmark model alone, TensorFlow Lite GPU backend, on a Pixel 3 (Table 3, checked against the ar5iv text of the paper on 2026-11-21): Light 6.6 ms, Full 16.1 ms, Heavy 36.9 ms per crop.',
  'Those are one-model timings on a phone GPU; ours are detector + MoveNet + landmark passes + tracking per 640×480 frame on 1 CPU core of the machine the bench runs on (see the machine record of the run).',
];

function hasTfjsNode(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

async function readFrames(path: string, id: string, limit = Number.POSITIVE_INFINITY): Promise<CameraFrame[]> {
  const video = new VideoCamera({ id, path });
  await video.open();
  const frames: CameraFrame[] = [];
  try {
    for (let f = await video.read(); f !== null && frames.length < limit; f = await video.read()) frames.push(f);
  } finally {
    await video.close();
  }
  return frames;
}

/** Per-frame wall time (request → result on this thread) over `frames`, video mode, ns. */
async function timeBackend(backend: HandBackend, frames: readonly CameraFrame[]): Promise<{ name: string; timesNs: number[] }> {
  const landmarker = await HandLandmarker.load({ backend });
  try {
    await landmarker.detect(frames[0] as CameraFrame, 'warm-up');
    const timesNs: number[] = [];
    for (const f of frames) {
      const t0 = process.hrtime.bigint();
      await landmarker.detect(f, 'bench');
      timesNs.push(Number(process.hrtime.bigint() - t0));
    }
    return { name: landmarker.backend, timesNs };
  } finally {
    await landmarker.close();
  }
}

interface RecallResult { hit: number; visible: number; matched: number; unmatched: number; timesNs: number[] }

/** Scores detections on the annotated frames (same rules as test/layers/hands-presence.test.ts). */
function score(annotations: readonly AnnotatedFrame[], found: Map<string, HandObservation[]>, timesNs: number[]): RecallResult {
  const inBox = (b: readonly number[], h: HandObservation): boolean => {
    const x = (h.boxPx[0] + h.boxPx[2]) / 2;
    const y = (h.boxPx[1] + h.boxPx[3]) / 2;
    return x >= (b[0] ?? 0) - 20 && x <= (b[2] ?? 0) + 20 && y >= (b[1] ?? 0) - 20 && y <= (b[3] ?? 0) + 20;
  };
  let hit = 0;
  let matched = 0;
  let unmatched = 0;
  const visible = annotations.filter((a) => a.status === 'visible');
  for (const a of visible) {
    const hands = found.get(`${a.clip}:${a.frame}`) ?? [];
    if (hands.some((h) => a.hands.some((b) => inBox(b.boxPx, h)))) hit += 1;
    for (const h of hands) {
      if (a.hands.some((b) => inBox(b.boxPx, h))) matched += 1;
      else if ((h.boxPx[1] + h.boxPx[3]) / 2 <= 420) unmatched += 1; // hands cut by the bottom edge were not boxed
    }
  }
  return { hit, visible: visible.length, matched, unmatched, timesNs };
}

/**
 * Video mode over whole clips, pose-guided (default) and detector only (`poseGuided: false`), each frame given
 * to both in turn so that load from other processes on the shared cores falls on both alike.
 */
async function videoRecall(dataDir: string, annotations: readonly AnnotatedFrame[]): Promise<{ pose: RecallResult; noPose: RecallResult }> {
  const variants = [await HandLandmarker.load({ backend: 'wasm' }), await HandLandmarker.load({ backend: 'wasm', poseGuided: false })];
  const found = [new Map<string, HandObservation[]>(), new Map<string, HandObservation[]>()] as const;
  const timesNs: [number[], number[]] = [[], []];
  try {
    for (const clip of [...new Set(annotations.map((a) => a.clip))]) {
      for (const f of await readFrames(join(dataDir, 'video/asl_gestures', `${clip}.mkv`), clip)) {
        for (const [i, landmarker] of variants.entries()) {
          const t0 = process.hrtime.bigint();
          const hands = await landmarker.detect(f, clip);
          timesNs[i === 0 ? 0 : 1].push(Number(process.hrtime.bigint() - t0));
          if (f.seq % 10 === 0) found[i === 0 ? 0 : 1].set(`${clip}:${f.seq}`, hands);
        }
      }
    }
  } finally {
    for (const landmarker of variants) await landmarker.close();
  }
  return { pose: score(annotations, found[0], timesNs[0]), noPose: score(annotations, found[1], timesNs[1]) };
}

const ms = (ns: number): Figure => ({ value: Math.round(ns / 1e4) / 100, unit: 'ms' });

const suite: BenchSuite = {
  name: 'hands',
  async run(options: BenchOptions): Promise<BenchResult> {
    if (options.sharedDataDir === undefined) throw new Error('hands bench: needs ../shared/data (video/asl_gestures)');
    const dataDir = options.sharedDataDir;
    const frames = await readFrames(join(dataDir, 'video/asl_gestures/please.mkv'), 'please', options.quick ? 10 : 60);
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const backends: HandBackend[] = ['wasm', 'cpu', ...(hasTfjsNode() ? (['tensorflow'] as const) : [])];
    const mean: Record<string, number> = {};
    for (const backend of backends) {
      // plain-JS CPU takes seconds a frame: a few frames are enough for its figure
      const r = await timeBackend(backend, backend === 'cpu' ? frames.slice(0, options.quick ? 2 : 5) : frames);
      figures[`${backend}.p50`] = ms(percentile(r.timesNs, 50));
      figures[`${backend}.p99`] = ms(percentile(r.timesNs, 99));
      mean[backend] = r.timesNs.reduce((a, b) => a + b, 0) / r.timesNs.length;
      figures[`${backend}.framesPerS`] = { value: Math.round((1e9 / (mean[backend] ?? 1)) * 100) / 100, unit: 'frames/s' };
      figures[`${backend}.frames`] = { value: r.timesNs.length, unit: 'frames' };
    }
    for (const b of backends) if (b !== 'wasm') ratios[`${b}/wasm time per frame`] = Math.round(((mean[b] ?? 0) / (mean.wasm ?? 1)) * 100) / 100;
    const notes = [...PEER_NOTES];
    if (!options.quick) {
      const annotations = (JSON.parse(readFileSync(join(options.rootDir, 'test/fixtures/asl-hands-presence.json'), 'utf8')) as { frames: AnnotatedFrame[] }).frames;
      const both = await videoRecall(dataDir, annotations);
      const meanNs = (t: number[]): number => t.reduce((x, y) => x + y, 0) / Math.max(t.length, 1);
      for (const [key, v] of [['video', both.pose], ['video-no-pose', both.noPose]] as const) {
        figures[`${key}.recall`] = { value: Math.round((1000 * v.hit) / v.visible) / 10, unit: '% of annotated frames showing a hand' };
        figures[`${key}.precision`] = { value: Math.round((1000 * v.matched) / (v.matched + v.unmatched)) / 10, unit: '%' };
        figures[`${key}.p50`] = ms(percentile(v.timesNs, 50));
        figures[`${key}.p99`] = ms(percentile(v.timesNs, 99));
        figures[`${key}.framesPerS`] = { value: Math.round((1e9 / meanNs(v.timesNs)) * 100) / 100, unit: 'frames/s' };
        figures[`${key}.frames`] = { value: v.timesNs.length, unit: 'frames' };
        notes.push(`${key} (wasm, poseGuided ${String(key === 'video')}): hand found on ${v.hit}/${v.visible} annotated frames showing one; ${v.matched} detections on annotated hands, ${v.unmatched} away from any`);
      }
      ratios['pose-guided / detector only, mean time per frame (video mode, 20 clips, paired)'] = Math.round((meanNs(both.pose.timesNs) / meanNs(both.noPose.timesNs)) * 100) / 100;
      ratios['pose-guided / detector only, p50 time per frame'] = Math.round((percentile(both.pose.timesNs, 50) / percentile(both.noPose.timesNs, 50)) * 100) / 100;
    } else {
      notes.push('quick: video-mode recall over the 20 clips (~1,400 frames) skipped');
    }
    if (!backends.includes('tensorflow')) notes.push('tensorflow backend: @tensorflow/tfjs-node is not installed (not a dependency; its install script downloads libtensorflow); not measured');
    return {
      name: 'hands',
      description: 'hand landmarker per frame (640×480 ASL clip "please", video mode) per TF.js backend, with and without pose-guided regions; recall over the 20 ASL clips',
      figures,
      ratios,
      notes,
    };
  },
};

export default suite;
