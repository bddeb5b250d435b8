/**
 * The runtime: a session's devices, the bus, the tick loop and the layers of this build (1 hardware,
 * 5 intelligence, 7 interface, 9 services), wired together. I/O stays at the edges: device ingest
 * (layer 1's input), the detector, the VIO and anchor saves (work for layer 5), scripted anchor commands, the
 * event log and the HUD server (bus observers).
 */
import { Vio } from '../../native/index.js';
import type { CameraInfo, ImuInfo } from '../../hal/types.js';
import { createVioWorkHandlers, vioOptionsFromCalibration } from '../layers/intelligence/vio/index.js';
import { HANDS_WORK, handsWorkHandler, type HandLandmarker } from '../layers/intelligence/hands/index.js';
import type { WorkHandler } from '../tick/types.js';
import type { Session, SessionDevice } from '../../hal/session/index.js';
import { Bus } from '../bus/bus.js';
import { fromTransform4x4, Q_BODY_VIEW_FLU, type Quat } from '../math/quat.js';
import { DeviceIngest, hardwareLayer, type HardwareState, type IngestDevice } from '../layers/hardware/index.js';
import { DeviceClockMap, type DeviceClockReport } from '../layers/hardware/time-sync.js';
import { DETECT_WORK, intelligenceLayer, type DetectOutput, type IntelligenceState, type OrientationFilter } from '../layers/intelligence/index.js';
import type { YoloxDetector } from '../layers/intelligence/yolox-detector.js';
import { interfaceLayer } from '../layers/interface/index.js';
import { servicesLayer, type ServicesState } from '../layers/services/index.js';
import { ScaledClock, VirtualClock } from '../tick/clock.js';
import { TickLoop, type LoopStats, type TickTimer } from '../tick/loop.js';
import type { CameraFrameEvent } from '../bus/topics.js';
import { EMPTY_ANCHOR_STORE, type AnchorStore } from '../layers/intelligence/anchors/index.js';
import { AnchorCommandScript, type ScriptedAnchorCommand } from './anchor-script.js';
import { anchorsSetupFor, type AnchorsSetup } from './anchors.js';
import { RunCollectors } from './collectors.js';
import { EventLog } from './event-log.js';
import type { PoseSource } from '../layers/intelligence/anchors/pose-source.js';
import type { PredictionSettings } from '../layers/intelligence/prediction/index.js';

export interface RuntimeOptions {
  readonly session: Session;
  /** 0: virtual clock, as fast as the consumers take it (deterministic); > 0: real clock × speed. */
  readonly speed: number;
  /** Tick rate, Hz (default 1000). */
  readonly tickHz?: number;
  readonly filter: OrientationFilter;
  /** Hand landmarker for world-camera frames (`karana run --hands`); null or absent: no hands. */
  readonly hands?: HandLandmarker | null;
  /** Object detector for world-camera frames; null to run without detection. */
  readonly detector: YoloxDetector | null;
  /** Real clock: the deadline source (a {@link Metronome}-backed timer). */
  readonly timer?: TickTimer;
  /** Write every bus event to this JSONL file. */
  readonly eventLogPath?: string;
  readonly onLayerError?: (layer: string, error: Error) => void;
  /** 6-DoF VIO on the tracking camera when the session can feed it (default true); false: orientation only. */
  readonly vio?: boolean;
  /** Replay paused so far, ns (`ReplayController.pausedNs`, hal/replay/controller.ts): the run ends this much later. */
  readonly pausedNs?: () => number;
  /**
   * World-locked anchors (docs/anchors.md): on by default when the VIO runs, starting empty and not persisted;
   * `store` to start from (`loadAnchorsForRun(file)`), `file` to save every change to, `script` commands to
   * send at given times; false: off.
   */
  readonly anchors?: RuntimeAnchorsOptions | false;
  /**
   * External 6-DoF tracking (layer 5, `pose.updated` source `tracker`): e.g. the session's ground truth on the
   * runtime clock (`groundTruthPoseSource`, `karana run --tracker groundtruth`). The prediction and the anchors then
   * follow it instead of the VIO.
   */
  readonly tracker?: { readonly name: string; readonly source: PoseSource };
  /** Prediction to display time (default `PREDICTION_DEFAULTS`); false: off. */
  readonly prediction?: PredictionSettings | false;
}

export interface RuntimeAnchorsOptions {
  readonly store?: AnchorStore;
  readonly file?: string;
  readonly script?: readonly ScriptedAnchorCommand[];
}

/** Time between creating the real clock and its tick 0, for the metronome thread to start, ns. */
const REAL_CLOCK_LEAD_NS = 100_000_000;

export class Runtime {
  readonly bus: Bus;
  readonly clock: VirtualClock | ScaledClock;
  readonly loop: TickLoop;
  readonly ingest: DeviceIngest;
  readonly collectors: RunCollectors;
  readonly tickHz: number;
  private readonly eventLog: EventLog | null;
  /** Whether VIO runs and on what, or why not (for the log). */
  readonly vioSummary: string;
  /** Clock maps of the live devices (real clock only), by device id. */
  readonly clockMaps: Map<string, DeviceClockMap>;
  /** Whether anchors are on, on which camera, and where they persist, or why not (for the log). */
  readonly anchorsSummary: string;
  /** The anchors file (none: not persisted or anchors off). */
  readonly anchorsFile: string | undefined;
  private readonly anchors: AnchorsSetup;
  private readonly anchorScript: AnchorCommandScript | null;

  constructor(readonly options: RuntimeOptions) {
    const { session } = options;
    if (!(options.speed >= 0) || !Number.isFinite(options.speed)) throw new RangeError(`"speed" must be 0 or a positive number, got ${options.speed}`);
    this.tickHz = options.tickHz ?? 1000;
    if (options.speed === 0) {
      const live = session.devices.filter((d) => !d.device.info.replay).map((d) => d.device.info.id);
      if (live.length > 0) throw new Error(`--speed 0 (virtual clock) needs recorded devices; live: ${live.join(', ')}`);
    }
    this.clock = options.speed === 0 ? new VirtualClock() : new ScaledClock(options.speed, REAL_CLOCK_LEAD_NS);
    const clock = this.clock;
    this.bus = new Bus({ now: () => clock.nowNs() });
    this.collectors = new RunCollectors(this.bus);
    this.eventLog = options.eventLogPath === undefined ? null : new EventLog(this.bus, options.eventLogPath);
    this.clockMaps = new Map();
    this.ingest = new DeviceIngest(
      session.devices.map((d) => this.ingestDevice(d)),
      session.failed.map((f) => ({ info: failedInfo(f.id, f.config.kind, f.config.driver, f.config.path), message: f.error.message })),
      clock.mode === 'real' ? { now: () => clock.nowNs() } : {},
    );
    const detector = options.detector;
    const vioSetup = options.vio === false ? { handlers: null, summary: 'VIO off (--no-vio)' } : vioWorkFor(session);
    const vioWork = vioSetup.handlers === null ? null : { handlers: vioSetup.handlers };
    this.vioSummary = options.tracker === undefined ? vioSetup.summary : `${vioSetup.summary}; external tracker: ${options.tracker.name} (pose.updated source tracker)`;
    const anchorOptions = options.anchors === false ? null : (options.anchors ?? {});
    this.anchors =
      anchorOptions === null
        ? { layer: null, handlers: {}, saves: null, summary: 'anchors off (--no-anchors)' }
        : anchorsSetupFor(session, vioWork !== null || options.tracker !== undefined, anchorOptions.store ?? EMPTY_ANCHOR_STORE, anchorOptions.file, options.tracker === undefined ? 'vio' : 'tracker');
    this.anchorsSummary = this.anchors.summary;
    this.anchorsFile = this.anchors.layer?.settings.file;
    const script = anchorOptions?.script ?? [];
    this.anchorScript = this.anchors.layer === null || script.length === 0 ? null : new AnchorCommandScript(this.bus, script);
    this.loop = new TickLoop({
      layers: [
        hardwareLayer({ tickHz: this.tickHz }),
        intelligenceLayer({
          filter: options.filter,
          detect: detector !== null,
          vio: vioWork !== null,
          hands: options.hands !== undefined && options.hands !== null,
          rateHz: Math.min(200, this.tickHz),
          ...(this.anchors.layer === null ? {} : { anchors: this.anchors.layer }),
          ...(options.tracker === undefined ? {} : { tracker: options.tracker.source }),
          ...(options.prediction === undefined ? {} : { prediction: options.prediction }),
        }),
        interfaceLayer({ q_body_view: viewFromBody(session), rateHz: Math.min(30, this.tickHz) }),
        servicesLayer({ rateHz: Math.min(1, this.tickHz) }),
      ],
      bus: this.bus,
      clock,
      tickHz: this.tickHz,
      edges: { hardware: this.ingest },
      work: {
        ...(detector === null ? {} : { [DETECT_WORK]: async (payload: unknown): Promise<DetectOutput> => ({ model: detector.name, objects: await detector.detect((payload as CameraFrameEvent).frame) }) }),
        ...(vioWork?.handlers ?? {}),
        ...(options.hands === undefined || options.hands === null ? {} : { [HANDS_WORK]: handsWorkHandler(options.hands) }),
        ...this.anchors.handlers,
      },
      ...(session.durationNs === undefined ? {} : { endNs: options.pausedNs === undefined ? session.durationNs : () => (session.durationNs ?? 0) + (options.pausedNs?.() ?? 0) }),
      ...(options.timer === undefined ? {} : { timer: options.timer }),
      ...(options.onLayerError === undefined ? {} : { onLayerError: options.onLayerError }),
    });
  }

  /** Replay or run the session to its end (or until {@link stop}); devices are closed afterwards. */
  async run(): Promise<LoopStats> {
    if (this.clock.mode === 'real') this.clock.start(); // runtime 0 at the run, not at construction
    this.ingest.start();
    try {
      return await this.loop.run();
    } finally {
      this.anchorScript?.close();
      await this.anchors.saves?.idle(); // the real clock does not wait for work at the end: the last save must land
      await this.ingest.close();
      this.collectors.close();
      await this.eventLog?.close();
    }
  }

  /** Stop after the current tick (Ctrl-C). What was captured so far stays in the report and the log. */
  stop(): void {
    this.loop.stop();
  }

  /** The clock map of every live device now (offset, skew, residual), by device id. */
  clockReports(): DeviceClockReport[] {
    return [...this.clockMaps.values()].map((m) => m.report());
  }

  /**
   * How a device's samples get their runtime time: replayed recordings by the session clock (device time −
   * start + offset); live devices (real clock) by a {@link DeviceClockMap} (settings: the manifest's
   * `timeSync`) from their device and host stamps,
   * host CLOCK_MONOTONIC → runtime through the {@link ScaledClock}; a live sample without a host stamp is
   * stamped on arrival.
   */
  private ingestDevice(d: SessionDevice): IngestDevice {
    const clock = this.clock;
    if (d.device.info.replay || clock.mode !== 'real') return { device: d.device, toRuntimeNs: d.toSessionNs };
    const hostToRuntimeNs = (hostNs: bigint): number => Number(hostNs - clock.originHostNs) * clock.speed;
    const map = new DeviceClockMap(d.device.info.id, hostToRuntimeNs, d.config.timeSync ?? {});
    this.clockMaps.set(d.device.info.id, map);
    return {
      device: d.device,
      toRuntimeNs: (deviceTimeNs, hostTimeNs) => (hostTimeNs === undefined ? clock.nowNs() : map.map(deviceTimeNs, hostTimeNs)),
      clock: map,
    };
  }

  get hardware(): HardwareState {
    return this.loop.layerState('hardware') as HardwareState;
  }

  get intelligence(): IntelligenceState {
    return this.loop.layerState('intelligence') as IntelligenceState;
  }

  get services(): ServicesState {
    return this.loop.layerState('services') as ServicesState;
  }

  /** Anchor saves finished / failed (the edge's count: it includes saves that land after the last step). */
  anchorSaves(): { readonly saved: number; readonly failed: number; readonly lastError: string | null } {
    return this.anchors.saves?.stats() ?? { saved: 0, failed: 0, lastError: null };
  }

  /** Scripted anchor commands whose frame never came (their time is past the end of the run). */
  get anchorCommandsUnsent(): number {
    return this.anchorScript?.remaining ?? 0;
  }

  get eventCount(): number {
    return this.eventLog?.count ?? 0;
  }
}

/**
 * Rotation from the view frame to the IMU body frame: the tracking camera's calibration (`T_body_camera`)
 * when the session has one, else a body frame drawn x forward, y left, z up.
 */
export function viewFromBody(session: Session): Quat {
  for (const d of session.devices) {
    const info = d.device.info;
    if (info.kind === 'camera' && info.role === 'tracking' && info.calibration !== undefined) return fromTransform4x4(info.calibration.T_body_camera);
  }
  return Q_BODY_VIEW_FLU;
}

function failedInfo(id: string, kind: Session['failed'][number]['config']['kind'], driver: string, source: string) {
  return { id, kind, driver, replay: true, nominalRateHz: 0, source };
}

/**
 * The VIO's work handlers for `session`: its first GRAY8 tracking camera with a calibration (intrinsics,
 * distortion, `T_body_camera`) and its first IMU; `handlers: null` and the reason when it has none (or an
 * unsupported camera model).
 */
function vioWorkFor(session: Session): { handlers: Record<string, WorkHandler> | null; summary: string } {
  const cam = session.devices.map((d) => d.device.info).find((i): i is CameraInfo => i.kind === 'camera' && i.role === 'tracking' && i.format === 'GRAY8' && i.calibration !== undefined);
  const imu = session.devices.map((d) => d.device.info).find((i): i is ImuInfo => i.kind === 'imu');
  if (cam?.calibration === undefined || imu === undefined) return { handlers: null, summary: 'VIO off: no calibrated GRAY8 tracking camera with an IMU' };
  try {
    const vio = new Vio(vioOptionsFromCalibration(cam.widthPx, cam.heightPx, cam.calibration, imu.noise));
    return { handlers: createVioWorkHandlers(vio), summary: `VIO (MSCKF) on ${cam.id} + ${imu.id}` };
  } catch (err) {
    return { handlers: null, summary: `VIO off: ${err instanceof Error ? err.message : String(err)}` };
  }
}
