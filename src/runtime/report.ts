/**
 * The run report: what `karana run` prints at the end and writes with `--report FILE.json`.
 * Times are ms (lateness, latency) or s (spans); angles degrees.
 */
import type { DeviceClockReport } from '../bus/topics.js';
import type { Session } from '../../hal/session/index.js';
import { trajectoryErrors } from '../eval/vio/metrics.js';
import { orientationError, type OrientationErrorStats } from '../eval/orientation-error.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { LoopStats } from '../tick/loop.js';
import { errorMessage } from '../tick/work.js';
import type { DetectorStats } from '../layers/intelligence/yolox-detector.js';
import type { Runtime } from './runtime.js';

export interface LatencyMs {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RunReport {
  readonly session: { readonly name: string; readonly path: string; readonly durationS: number | null };
  readonly clock: { readonly mode: 'virtual' | 'real'; readonly speed: number; readonly tickHz: number };
  readonly wallS: number;
  readonly replayedS: number;
  /** Replayed seconds per wall second. */
  readonly realTimeFactor: number;
  readonly devices: Readonly<Record<string, { kind: string; driver: string; samples: number; skipped: number; state: string; message?: string; skipMessages: readonly string[]; clock?: DeviceClockReport }>>;
  readonly detections: {
    readonly model: string | null;
    readonly frames: number;
    readonly framesWithObjects: number;
    readonly skippedFrames: number;
    readonly failed: number;
    readonly byClass: Readonly<Record<string, number>>;
    /** Frame capture → `objects.detected`, runtime clock (virtual in replay with `--speed 0`). */
    readonly captureToDetectionMs: LatencyMs;
    /** Letterbox + inference + decode, wall clock. */
    readonly processingMs: LatencyMs | null;
  };
  /** 6-DoF VIO (MSCKF) over the run, against the ground truth when the session has one. */
  readonly vio: {
    readonly summary: string;
    readonly poses: number;
    readonly errorVsGroundTruth: { readonly ateSe3RmseM: number; readonly atePosYawRmseM: number; readonly rpe1sTransM: number | null; readonly rpe1sRotDeg: number | null } | null;
    readonly note?: string;
  };
  readonly orientation: {
    readonly filter: string;
    readonly poses: number;
    readonly errorVsGroundTruth: OrientationErrorStats | null;
    readonly note?: string;
  };
  readonly tick: {
    /** Callback start − deadline (real clock only). */
    readonly latenessMs: LatencyMs | null;
    readonly ticks: number;
    readonly skippedTicks: number;
    readonly layers: LoopStats['layers'];
  };
  readonly bus: {
    readonly totalDropped: number;
    readonly topics: readonly { topic: string; priority: string; published: number; delivered: number; dropped: number; superseded: number; latencyP99Ms: number }[];
  };
  readonly power: { readonly profile: string | null; readonly changes: number; readonly reason: string };
  readonly eventLog: { readonly path: string; readonly events: number } | null;
  /** World-locked anchors (docs/anchors.md). */
  readonly anchors: {
    readonly summary: string;
    readonly file: string | null;
    /** Why the file was not loaded (the run started with no anchors), null when it was (or there is none). */
    readonly loadError: string | null;
    /** Anchors in the store at the end. */
    readonly count: number;
    /** `anchor.command`s answered ok / rejected; scripted ones never sent (past the end of the run). */
    readonly accepted: number;
    readonly rejected: number;
    readonly unsent: number;
    readonly saved: number;
    readonly saveErrors: number;
    readonly lastSaveError: string | null;
  };
}

export function latencyMs(s: LatencySummary): LatencyMs {
  return { count: s.count, p50Ms: s.p50Ns / 1e6, p99Ms: s.p99Ns / 1e6, maxMs: s.maxNs / 1e6 };
}

export interface ReportInputs {
  readonly runtime: Runtime;
  readonly session: Session;
  readonly sessionPath: string;
  readonly stats: LoopStats;
  readonly speed: number;
  readonly detector: { readonly name: string; stats(): DetectorStats } | null;
  readonly eventLogPath?: string;
  /** `loadAnchorsForRun(…).error` when the anchors file could not be used. */
  readonly anchorsLoadError?: string | null;
}

export async function buildReport(inputs: ReportInputs): Promise<RunReport> {
  const { runtime, session, stats } = inputs;
  const hardware = runtime.hardware;
  const intelligence = runtime.intelligence;
  const services = runtime.services;
  const detections = runtime.collectors.detections();
  const devices = Object.fromEntries(
    Object.entries(hardware.devices).map(([id, d]) => {
      const clock = runtime.clockMaps.get(id)?.report();
      return [id, { kind: d.kind, driver: d.driver, samples: d.samples, skipped: d.skipped, state: d.state, skipMessages: d.skipMessages, ...(d.message === undefined ? {} : { message: d.message }), ...(clock === undefined ? {} : { clock }) }];
    }),
  );
  const topics = runtime.bus.stats().map((t) => ({ topic: t.topic, priority: t.priority, published: t.published, delivered: t.delivered, dropped: t.dropped, superseded: t.superseded, latencyP99Ms: t.latency.p99Ns / 1e6 }));
  return {
    session: { name: session.name, path: inputs.sessionPath, durationS: session.durationNs === undefined ? null : session.durationNs / 1e9 },
    clock: { mode: stats.mode, speed: inputs.speed, tickHz: stats.tickHz },
    wallS: stats.wallNs / 1e9,
    replayedS: stats.runtimeNs / 1e9,
    realTimeFactor: stats.wallNs > 0 ? stats.runtimeNs / stats.wallNs : 0,
    devices,
    detections: {
      model: inputs.detector?.name ?? null,
      frames: detections.frames,
      framesWithObjects: detections.framesWithObjects,
      skippedFrames: intelligence.detection.skippedFrames,
      failed: intelligence.detection.failed,
      byClass: detections.byClass,
      captureToDetectionMs: latencyMs(detections.latency),
      processingMs: inputs.detector === null ? null : latencyMs(inputs.detector.stats().total),
    },
    orientation: { filter: runtime.options.filter.name, ...(await orientationReport(runtime, session)) },
    vio: await vioReport(runtime, session),
    tick: {
      latenessMs: stats.lateness === null ? null : latencyMs(stats.lateness),
      ticks: stats.ticks,
      skippedTicks: stats.skippedTicks,
      layers: stats.layers,
    },
    bus: { totalDropped: topics.reduce((n, t) => n + t.dropped, 0), topics },
    power: { profile: services.profile, changes: services.changes, reason: services.reason },
    eventLog: inputs.eventLogPath === undefined ? null : { path: inputs.eventLogPath, events: runtime.eventCount },
    anchors: anchorsReport(runtime, inputs.anchorsLoadError ?? null),
  };
}

function anchorsReport(runtime: Runtime, loadError: string | null): RunReport['anchors'] {
  const a = runtime.intelligence.anchors;
  const saves = runtime.anchorSaves();
  return {
    summary: runtime.anchorsSummary,
    file: runtime.anchorsFile ?? null,
    loadError,
    count: a.anchors.store.anchors.length,
    accepted: a.accepted,
    rejected: a.rejected,
    unsent: runtime.anchorCommandsUnsent,
    saved: saves.saved,
    saveErrors: saves.failed,
    lastSaveError: saves.lastError,
  };
}

/** The VIO track against the ground truth (ATE after SE(3) alignment, RPE over 1 s), when both exist. */
async function vioReport(runtime: Runtime, session: Session): Promise<RunReport['vio']> {
  const track = runtime.collectors.vioPoses();
  const poses = track.tNs.length;
  if (poses === 0) return { summary: runtime.vioSummary, poses, errorVsGroundTruth: null };
  if (session.groundTruth === undefined) return { summary: runtime.vioSummary, poses, errorVsGroundTruth: null, note: 'the session has no ground truth' };
  try {
    const gt = await session.groundTruth.load();
    const tNs = Float64Array.from(gt.tNs, (t) => session.groundTruth?.toSessionNs(t) ?? 0);
    const e = trajectoryErrors(track, { tNs, position: gt.position, quaternion: gt.q_world_body }, [1]);
    const rpe = e.rpe[0];
    return { summary: runtime.vioSummary, poses, errorVsGroundTruth: { ateSe3RmseM: e.ateSe3RmseM, atePosYawRmseM: e.atePosYawRmseM, rpe1sTransM: rpe?.transRmseM ?? null, rpe1sRotDeg: rpe?.rotRmseDeg ?? null } };
  } catch (err) {
    return { summary: runtime.vioSummary, poses, errorVsGroundTruth: null, note: `ground truth unusable: ${errorMessage(err)}` };
  }
}

async function orientationReport(runtime: Runtime, session: Session): Promise<{ poses: number; errorVsGroundTruth: OrientationErrorStats | null; note?: string }> {
  const track = runtime.collectors.poses();
  const poses = track.tNs.length;
  if (session.groundTruth === undefined) return { poses, errorVsGroundTruth: null, note: 'the session has no ground truth' };
  try {
    const gt = await session.groundTruth.load();
    const tNs = new Float64Array(gt.count);
    for (let i = 0; i < gt.count; i += 1) tNs[i] = session.groundTruth.toSessionNs(gt.tNs[i] as bigint);
    const error = orientationError(track, { tNs, q: gt.q_world_body });
    return error === null ? { poses, errorVsGroundTruth: null, note: 'no pose inside the ground-truth span' } : { poses, errorVsGroundTruth: error };
  } catch (err) {
    return { poses, errorVsGroundTruth: null, note: `ground truth unusable: ${errorMessage(err)}` };
  }
}
