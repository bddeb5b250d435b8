/**
 * Evaluation of world-locked anchors on a EuRoC/ASL session (`docs/anchors.md`): strong FAST corners of the
 * first frame become anchors, triangulated from their KLT track over the first `placeS` seconds with the
 * camera poses of a {@link PoseSource}; then over the moving part each anchor is reprojected with the pose of
 * every frame and compared with the same corner tracked independently by the native KLT (forward–backward
 * checked; a corner is dropped from the comparison at the first frame it is lost or rejected).
 *
 * Reference check: a KLT track is a fair reference only if it follows one static scene point. Each
 * track is therefore triangulated from its *whole* length with the ground-truth poses (whatever pose source
 * is evaluated); a track that leaves an RMS residual above `maxSceneResidualPx` — a corner on an occluding
 * contour, a deformable or specular surface, or a slowly sliding KLT window — is reported
 * (`scenePoint: false`, its own figures kept) but left out of `all`, which scores scene points only.
 *
 * The default pose source is the EuRoC ground truth (`state_groundtruth_estimate0`, body = IMU frame)
 * composed with the calibrated `T_body_camera` (cam0 `sensor.yaml` `T_BS`); pass another to evaluate VIO.
 * Times: nanoseconds since the first camera frame.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCorners, FastDetector, KLT_STATUS, KltTracker, createKltOutput, type GrayFrame } from '../../../../native/index.js';
import { decodeImage } from '../../../../hal/mock/image-decode.js';
import { loadEurocGroundTruth } from '../../../../hal/mock/euroc-groundtruth.js';
import { cameraCalibration, readSensorYaml } from '../../../../hal/mock/sensor-yaml.js';
import { percentile } from '../prediction/evaluate.js';
import { compose, fromMatrix4x4, inverse, projectPoint, transformPoint, type PinholeCamera, type Transform } from './geometry.js';
import { placeFromObservations, type PixelObservation } from './place.js';
import { SampledPoseSource, type PoseSource } from './pose-source.js';

export interface AnchorEvalOptions {
  /** Frames compared: those captured before this, s (EuRoC MH_01 excerpt: the first 15 s move). */
  readonly untilS: number;
  /** Anchors are triangulated from the track over the first `placeS` seconds. */
  readonly placeS: number;
  /** How many corners (strongest FAST of distinct grid cells, away from the border). */
  readonly anchors: number;
  readonly method: 'midpoint' | 'dlt' | 'refined';
  /** Placement rejects tracks whose triangulation residual is above this, px. */
  readonly maxResidualPx: number;
  /** KLT forward–backward threshold, px. */
  readonly forwardBackwardMaxPx: number;
  /** A KLT track ends when the point comes this close to the image border, px (its window leaves the image). */
  readonly borderPx: number;
  /** Added to each frame time before the pose is looked up, s (a camera–pose clock offset; default 0). */
  readonly poseTimeOffsetS?: number;
  /** Body poses (runtime ns since the first frame); default the session's ground truth. */
  readonly poses?: PoseSource;
  /**
   * A reference track whose whole length, triangulated with the ground-truth poses, leaves an RMS residual
   * above this is not a static scene point and is not scored, px (default 2).
   */
  readonly maxSceneResidualPx?: number;
}

export const ANCHOR_EVAL_DEFAULTS: AnchorEvalOptions = Object.freeze({ untilS: 15, placeS: 1, anchors: 20, method: 'refined', maxResidualPx: 1.5, forwardBackwardMaxPx: 1, borderPx: 24 });

export interface AnchorTrackResult {
  /** Corner pixel in the first frame. */
  readonly startPx: readonly [number, number];
  readonly placed: boolean;
  readonly reason?: string;
  /**
   * RMS residual of the whole reference track triangulated with the ground-truth poses, px (undefined when it
   * does not triangulate); `scenePoint` is false when it is above `maxSceneResidualPx`.
   */
  readonly sceneResidualPx?: number;
  readonly scenePoint: boolean;
  readonly depthM?: number;
  readonly parallaxDeg?: number;
  /** Frames compared (tracked, with a pose, in front of the camera). */
  readonly frames: number;
  /** Time the KLT track ended (lost / rejected / `untilS`), s. */
  readonly trackedS: number;
  readonly p50Px: number;
  readonly p95Px: number;
  readonly maxPx: number;
  /** Per compared frame: time (s since the first frame), KLT pixel, anchor reprojection, error px. */
  readonly series: readonly { readonly tS: number; readonly kltPx: readonly [number, number]; readonly anchorPx: readonly [number, number]; readonly errorPx: number }[];
}

export interface AnchorEvalResult {
  readonly framesRead: number;
  readonly anchors: readonly AnchorTrackResult[];
  /** Over every (anchor, frame) pair after the placement window. */
  readonly all: { readonly count: number; readonly p50Px: number; readonly p95Px: number; readonly maxPx: number };
}

interface Session {
  readonly frameTNs: number[];
  readonly framePaths: string[];
  readonly camera: PinholeCamera;
  readonly T_body_camera: Transform;
  readonly groundTruth: PoseSource;
}

async function loadSession(dir: string, untilS: number): Promise<Session> {
  const cam = join(dir, 'mav0', 'cam0');
  const rows = (await readFile(join(cam, 'data.csv'), 'utf8')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const stamps = rows.map((l) => BigInt(l.split(',')[0]?.trim() ?? '0'));
  const t0 = stamps[0];
  if (t0 === undefined) throw new Error(`${cam}/data.csv: no frames`);
  const frameTNs: number[] = [];
  const framePaths: string[] = [];
  rows.forEach((l, i) => {
    const t = Number((stamps[i] as bigint) - t0);
    if (t > untilS * 1e9) return;
    frameTNs.push(t);
    framePaths.push(join(cam, 'data', (l.split(',')[1] ?? '').trim()));
  });
  const yamlPath = join(cam, 'sensor.yaml');
  const yaml = await readSensorYaml('cam0', yamlPath);
  const calib = yaml === undefined ? undefined : cameraCalibration('cam0', yamlPath, yaml);
  if (calib === undefined) throw new Error(`${yamlPath}: no camera calibration`);
  const gt = await loadEurocGroundTruth(join(dir, 'mav0', 'state_groundtruth_estimate0'));
  const gtT = Float64Array.from(gt.tNs, (t) => Number(t - t0));
  return {
    frameTNs,
    framePaths,
    camera: calib,
    T_body_camera: fromMatrix4x4(calib.T_body_camera, 'T_BS'),
    groundTruth: new SampledPoseSource(gtT, gt.q_world_body, gt.position),
  };
}

async function decodeGray(path: string): Promise<GrayFrame> {
  const img = await decodeImage(await readFile(path), 'GRAY8');
  return { data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), widthPx: img.widthPx, heightPx: img.heightPx, format: 'GRAY8' };
}

/** Strongest FAST corner per grid cell, at least `marginPx` from the border, the `count` strongest of those. */
function pickCorners(frame: GrayFrame, count: number, marginPx = 40): [number, number][] {
  const fast = new FastDetector({ threshold: 20, grid: { cellWidthPx: Math.ceil(frame.widthPx / 6), cellHeightPx: Math.ceil(frame.heightPx / 4), perCell: 1 } });
  const out = createCorners(256);
  const n = fast.detectSync(frame, out);
  const found: { xy: [number, number]; score: number }[] = [];
  for (let i = 0; i < n; i += 1) {
    const x = out.xy[2 * i] as number;
    const y = out.xy[2 * i + 1] as number;
    if (x < marginPx || y < marginPx || x > frame.widthPx - marginPx || y > frame.heightPx - marginPx) continue;
    found.push({ xy: [x, y], score: out.score[i] as number });
  }
  return found.sort((a, b) => b.score - a.score).slice(0, count).map((c) => c.xy);
}

/** RMS residual of the whole track triangulated with the poses of `cameraAt`, px; undefined if it does not triangulate. */
function sceneResidualPx(track: readonly { tNs: number; px: [number, number] }[], cameraAt: (tNs: number) => Transform | undefined, camera: PinholeCamera): number | undefined {
  const obs: PixelObservation[] = [];
  for (const o of track) {
    const T = cameraAt(o.tNs);
    if (T !== undefined) obs.push({ T_world_camera: T, pixel: o.px });
  }
  const p = placeFromObservations(camera, obs, { method: 'refined', maxResidualPx: Infinity, minParallaxRad: 0 });
  const t = p.ok ? p : p.triangulation;
  return t === undefined ? undefined : t.residualRms * camera.intrinsics[0];
}

/** Runs the evaluation on the EuRoC/ASL folder `dir` (containing `mav0/`). */
export async function evaluateAnchorsEuroc(dir: string, options: AnchorEvalOptions = ANCHOR_EVAL_DEFAULTS): Promise<AnchorEvalResult> {
  const s = await loadSession(dir, options.untilS);
  const poses = options.poses ?? s.groundTruth;
  const cameraOf = (source: PoseSource) => (tNs: number): Transform | undefined => {
    const body = source.poseAt(tNs + (options.poseTimeOffsetS ?? 0) * 1e9);
    return body === undefined ? undefined : compose(body, s.T_body_camera);
  };
  const cameraAt = cameraOf(poses);
  const groundTruthCameraAt = cameraOf(s.groundTruth);
  const maxSceneResidualPx = options.maxSceneResidualPx ?? 2;
  const first = await decodeGray(s.framePaths[0] as string);
  const starts = pickCorners(first, options.anchors);
  const n = starts.length;
  const klt = new KltTracker({ windowPx: 21, maxLevel: 3, forwardBackwardMaxPx: options.forwardBackwardMaxPx });
  const out = createKltOutput(n);
  let xy = Float32Array.from(starts.flat());
  const alive = starts.map(() => true);
  const endS = starts.map(() => 0);
  const tracks: { tNs: number; px: [number, number] }[][] = starts.map((p) => [{ tNs: 0, px: p }]);
  let prev = first;
  for (let f = 1; f < s.framePaths.length; f += 1) {
    const next = await decodeGray(s.framePaths[f] as string);
    klt.trackSync(prev, next, xy, out);
    const t = s.frameTNs[f] as number;
    for (let i = 0; i < n; i += 1) {
      if (!alive[i]) continue;
      const x = out.nextXy[2 * i] as number;
      const y = out.nextXy[2 * i + 1] as number;
      const b = options.borderPx;
      if (out.status[i] !== KLT_STATUS.TRACKED || x < b || y < b || x > next.widthPx - 1 - b || y > next.heightPx - 1 - b) {
        alive[i] = false;
        continue;
      }
      endS[i] = t * 1e-9;
      tracks[i]?.push({ tNs: t, px: [out.nextXy[2 * i] as number, out.nextXy[2 * i + 1] as number] });
    }
    xy = Float32Array.from(out.nextXy);
    prev = next;
  }
  const all: number[] = [];
  const anchors = tracks.map((track, i): AnchorTrackResult => {
    const obs: PixelObservation[] = [];
    for (const o of track) {
      if (o.tNs > options.placeS * 1e9) break;
      const T = cameraAt(o.tNs);
      if (T !== undefined) obs.push({ T_world_camera: T, pixel: o.px });
    }
    const placement = placeFromObservations(s.camera, obs, { method: options.method, maxResidualPx: options.maxResidualPx });
    const scene = sceneResidualPx(track, groundTruthCameraAt, s.camera);
    const base = {
      startPx: starts[i] as [number, number],
      trackedS: endS[i] as number,
      ...(scene === undefined ? {} : { sceneResidualPx: scene }),
      scenePoint: scene === undefined || scene <= maxSceneResidualPx,
    };
    if (!placement.ok) return { ...base, placed: false, reason: placement.reason, frames: 0, p50Px: 0, p95Px: 0, maxPx: 0, series: [] };
    const errors: number[] = [];
    const series: AnchorTrackResult['series'][number][] = [];
    for (const o of track) {
      if (o.tNs <= options.placeS * 1e9) continue;
      const T = cameraAt(o.tNs);
      if (T === undefined) continue;
      const px = projectPoint(s.camera, transformPoint(inverse(T), placement.p_world_m));
      if (px === undefined) continue;
      const e = Math.hypot(px[0] - o.px[0], px[1] - o.px[1]);
      errors.push(e);
      series.push({ tS: o.tNs * 1e-9, kltPx: o.px, anchorPx: px, errorPx: e });
    }
    if (base.scenePoint) all.push(...errors);
    const T0 = cameraAt(0);
    const depthM = T0 === undefined ? undefined : transformPoint(inverse(T0), placement.p_world_m)[2];
    return {
      ...base,
      placed: true,
      ...(depthM === undefined ? {} : { depthM }),
      parallaxDeg: (placement.parallaxRad * 180) / Math.PI,
      frames: errors.length,
      p50Px: percentile(errors, 50),
      p95Px: percentile(errors, 95),
      maxPx: percentile(errors, 100),
      series,
    };
  });
  return { framesRead: s.framePaths.length, anchors, all: { count: all.length, p50Px: percentile(all, 50), p95Px: percentile(all, 95), maxPx: percentile(all, 100) } };
}
