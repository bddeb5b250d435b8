/**
 * Helpers for the display-view browser tests: the sample session run by the real runtime on the real clock
 * with its HUD server (display profile: the tracking camera cam0, the laptop default), the page's hooks,
 * cam0's view and points on its rays.
 */
import type { Page } from 'playwright-core';
import { applyReplayControls } from '../../hal/replay/controls.js';
import { loadSession, type Session } from '../../hal/session/index.js';
import type { CameraInfo } from '../../hal/types.js';
import { defaultDisplayProfile, type DisplayProfile } from '../../src/hud/display-profile.js';
import { HudServer } from '../../src/hud/server.js';
import { groundTruthPoseSource } from '../../src/runtime/ground-truth.js';
import { transformPoint, type Transform } from '../../src/layers/intelligence/anchors/geometry.js';
import { cameraPose, createViewCamera, type ViewCamera } from '../../src/layers/intelligence/anchors/view.js';
import type { PredictionSettings } from '../../src/layers/intelligence/prediction/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';
import type { LoopStats } from '../../src/tick/loop.js';
import { metronomeTimer } from '../../src/tick/metronome-timer.js';
import type { HudStats } from '../../src/hud/types.js';

/** One display frame in the page's render log (`__hud.display.log`). */
export interface RenderEntry {
  n: number;
  drawMs: number;
  paintMs: number | null;
  poseSource: 'predicted' | 'vio' | null;
  poseTNs: number | null;
  poseSentMs: number | null;
  poseRecvMs: number | null;
  /** `predicted` poses: how far past the newest measurement the pose was extrapolated, ns. */
  poseHorizonNs: number | null;
  /** How far the page carried the latched pose on to the frame's paint time (0: not carried), ns. */
  carryNs: number;
  tabs: Array<{ id: string; u: number; v: number; depthM: number }>;
}

export interface DisplayHooks {
  profile: string;
  pacing: string;
  framesRendered: number;
  backgroundFrames: number;
  last: RenderEntry | null;
  log: RenderEntry[];
  elements: string[];
  rects: Array<{ id: string; kind: string; x: number; y: number; w: number; h: number }>;
}

export interface PageHooks {
  connected: boolean;
  posesReceived: number;
  inputsSent: number;
  clock: { offsetMs: number | null; rttMs: number | null; samples: number };
  display: DisplayHooks | null;
  lastScene: { tNs: number; layout?: { elements: Array<{ id: string }>; hidden: Array<{ id: string; reason: string }> } } | null;
}

export const pageHooks = (page: Page): Promise<PageHooks> => page.evaluate(() => (globalThis as unknown as { __hud: PageHooks }).__hud);

export interface HudRun {
  readonly session: Session;
  readonly runtime: Runtime;
  readonly server: HudServer;
  readonly profile: DisplayProfile;
  readonly done: Promise<LoopStats>;
  close(): Promise<void>;
}

/**
 * The sample session on the real clock (×`speed`; 0: virtual clock, as fast as it computes), with its HUD on a free port; call `start()` to run.
 * `tracker`: the sample's ground truth as the external tracker (`pose.updated` source `tracker`); `prediction`: its settings.
 */
export async function hudRun(options: { speed?: number; vio?: boolean; tracker?: boolean; prediction?: PredictionSettings; detect?: boolean; loop?: number } = {}): Promise<{ prepared: Omit<HudRun, 'done'>; start: () => Promise<LoopStats> }> {
  const loaded = await loadSession(sampleSessionPath());
  const session = options.loop === undefined ? loaded : applyReplayControls(loaded, { loop: options.loop });
  const detector = options.detect === true ? await YoloxDetector.load() : null;
  const speed = options.speed ?? 1;
  const tracker = options.tracker === true ? { name: 'sample ground truth', source: await groundTruthPoseSource(session) } : undefined;
  const runtime = new Runtime({
    session, speed, tickHz: 1000, ...(speed > 0 ? { timer: metronomeTimer() } : {}), filter: madgwickFilter(), detector,
    vio: options.vio ?? false, anchors: options.vio === true || tracker !== undefined ? {} : false,
    ...(tracker === undefined ? {} : { tracker }), ...(options.prediction === undefined ? {} : { prediction: options.prediction }),
  });
  const profile = defaultDisplayProfile(session.devices.map((d) => d.device.info as CameraInfo));
  const server = await HudServer.start({ bus: runtime.bus, port: 0, stats: () => runStats(runtime, session), displayProfile: profile, clockRate: speed });
  return {
    prepared: {
      session, runtime, server, profile,
      close: async () => {
        runtime.stop();
        await server.close();
        await detector?.close();
        await session.close();
      },
    },
    start: () => runtime.run(),
  };
}

/** The view of the sample's tracking camera cam0 (its calibration and mounting): the display profile's projection. */
export function cam0View(session: Session): ViewCamera {
  const cam0 = session.devices.map((d) => d.device.info).find((i): i is CameraInfo => i.kind === 'camera' && i.id === 'cam0');
  if (cam0?.calibration === undefined) throw new Error('cam0 has no calibration');
  return createViewCamera(cam0.calibration, cam0.widthPx, cam0.heightPx);
}

/** The world point `depthM` deep (along the optical axis, m) on the ray of undistorted `pixel` of `view`, with the body at `T_world_body`. */
export function pointOnRay(view: ViewCamera, T_world_body: Transform, pixel: readonly [number, number], depthM: number): [number, number, number] {
  const [fx, fy, cx, cy] = view.camera.intrinsics;
  const p = transformPoint(cameraPose(T_world_body, view), [((pixel[0] - cx) / fx) * depthM, ((pixel[1] - cy) / fy) * depthM, depthM]);
  return [p[0], p[1], p[2]];
}

/** Value at fraction q (0–1) of sorted `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

/** RGB of the display canvas at pixel (x, y) (rounded), read in the page. */
export function displayPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(`Array.from(document.getElementById('display').getContext('2d').getImageData(${Math.round(x)}, ${Math.round(y)}, 1, 1).data).slice(0, 3)`);
}

/** The stats panel's figures from the runtime (as `karana run` builds them, without a detector's counters). */
function runStats(runtime: Runtime, session: Session): HudStats {
  const loop = runtime.loop.stats();
  const detector = runtime.options.detector;
  const seconds = Math.max(runtime.loop.timeNs / 1e9, 1e-9);
  return {
    sessionName: session.name,
    mode: loop.mode,
    speed: runtime.options.speed,
    progress: { tNs: runtime.loop.timeNs, durationNs: session.durationNs ?? null },
    tick: { hz: loop.tickHz, lateness: loop.lateness, overruns: loop.layers.reduce((n, l) => n + l.overruns, 0) },
    bus: runtime.bus.stats().map((t) => ({ topic: t.topic, published: t.published, dropped: t.dropped, p99LatencyNs: t.latency.p99Ns })),
    detections: detector === null ? null : { fps: runtime.collectors.detections().frames / seconds, inferenceP50Ms: detector.stats().inference.p50Ns / 1e6 },
  };
}
