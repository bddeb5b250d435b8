/**
 * The typed topic map of the event bus: topic name → payload type, and for each topic its priority,
 * delivery policy and how it is written to the event log.
 *
 * Clock: every `tNs` is on the runtime clock (monotonic ns since the runtime started; virtual in replay
 * with `--speed 0`). Frames: see `ARCHITECTURE.md#conventions` (quaternions Hamilton `[w, x, y, z]`,
 * `q_world_body` rotates body-frame vectors into the gravity-aligned, z-up world frame).
 */
import type { CameraFrame, CameraRole, DeviceKind } from '../../hal/types.js';
import type { DeliveryPolicy, Priority } from './policy.js';
import type { HudLayout, HudTab, UiInputEvent, UiNotifyEvent, UiTabEvent } from '../layers/interface/scene-types.js';
import type { RuntimeStatsEvent } from '../top/stats-types.js';
import type { VoiceSayEvent, VoiceStateEvent } from '../layers/interface/voice/types.js';

/** Runtime-clock time, ns since runtime start. */
export type RuntimeNs = number;

export interface CameraFrameEvent {
  readonly deviceId: string;
  readonly role: CameraRole;
  readonly tNs: RuntimeNs;
  readonly frame: CameraFrame;
}

/** IMU samples since the last tick, structure of arrays; `gyroRadps`/`accelMps2` are xyz interleaved. */
export interface ImuSamplesEvent {
  readonly deviceId: string;
  readonly count: number;
  readonly tNs: Float64Array;
  readonly gyroRadps: Float64Array;
  readonly accelMps2: Float64Array;
  /** µT, xyz interleaved, when the IMU has a magnetometer. */
  readonly magUt?: Float64Array;
}

export interface AudioChunkEvent {
  readonly deviceId: string;
  /** Time of the first sample. */
  readonly tNs: RuntimeNs;
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly samples: Float32Array;
  /** Level of the chunk, dB relative to full scale (−∞ for silence, reported as −120). */
  readonly rmsDbfs: number;
}

export interface ThermalReadingEvent {
  readonly deviceId: string;
  readonly zone: string;
  readonly tNs: RuntimeNs;
  readonly tempC: number;
}

export interface PowerStateEvent {
  readonly deviceId: string;
  readonly tNs: RuntimeNs;
  readonly batteryPercent?: number;
  readonly voltageV?: number;
  readonly powerW?: number;
  readonly charging?: boolean;
}

/**
 * A device's state on the bus: `open` (delivering; also again after a reconnect), `disconnected` (it went
 * away: unplugged, I/O error), `reconnecting` (an attempt to reopen it is under way; one event per attempt),
 * `ended` (its stream is over), `failed` (it cannot go on).
 */
export type DeviceState = 'open' | 'disconnected' | 'reconnecting' | 'ended' | 'failed';

export interface DeviceStateEvent {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly tNs: RuntimeNs;
  readonly state: DeviceState;
  readonly message?: string;
}

/** What the runtime reports per device (`karana run --report`, the `device.clock` topic, `karana doctor`). */
export interface DeviceClockReport {
  readonly deviceId: string;
  readonly method: 'ticsync' | 'pll' | 'leastSquares';
  /** Samples fed to the estimator. */
  readonly samples: number;
  /** The estimate spans at least 1 s of device time with a line from ≥ 2 samples. */
  readonly stable: boolean;
  /** host − device at the latest sample, ns (huge for a device clock that counts from power-on: it is an offset of epochs). */
  readonly offsetNs: number;
  /** The host clock runs `1 + skewPpm·10⁻⁶` times as fast as the device clock. */
  readonly skewPpm: number;
  /** Mean of arrival − mapped capture over the window, ns: the mean queueing delay (plus the latency not configured). */
  readonly residualMeanNs: number;
  /** Largest arrival − mapped capture seen, ns. */
  readonly residualMaxNs: number;
  /** Estimator scale of its offset error, ns, and skew error, ppm (not bounds; docs/native-phase.md). */
  readonly offsetUncertaintyNs: number;
  readonly skewUncertaintyPpm: number;
  /** Restarts on device-clock steps or resets. */
  readonly restarts: number;
  /** Latency subtracted, ns. */
  readonly latencyNs: number;
}

/** A device's clock map, once a second of runtime per live device (`src/layers/hardware/time-sync.ts`). */
export interface DeviceClockEvent extends DeviceClockReport {
  readonly tNs: RuntimeNs;
}

/** A sample the hardware layer could not use; the device went on. */
export interface SampleSkippedEvent {
  readonly deviceId: string;
  readonly tNs: RuntimeNs;
  readonly message: string;
}

export interface PoseEvent {
  readonly tNs: RuntimeNs;
  /**
   * `ahrs`: orientation only (3-DoF); `vio`: 6-DoF from visual-inertial odometry; `tracker`: 6-DoF from an external
   * tracker (motion capture, or a session's recorded ground truth replayed as one: `karana run --tracker groundtruth`);
   * `predicted`: extrapolated to display time.
   */
  readonly source: 'ahrs' | 'vio' | 'tracker' | 'predicted';
  /** Orientation of the body (IMU) frame in the world frame, Hamilton `[w, x, y, z]`. */
  readonly q_world_body: readonly [number, number, number, number];
  /** 6-DoF sources: position of the body (IMU) origin in the world frame, m. */
  readonly p_world_body_m?: readonly [number, number, number];
  /** 6-DoF sources: velocity of the body in the world frame, m/s. */
  readonly v_world_mps?: readonly [number, number, number];
  /**
   * Covariance of the pose error, row-major 6×6 over `[δθ (rad, body frame), δp (m, world frame)]` (36 values),
   * when the source estimates one.
   */
  readonly covariance?: readonly number[];
  /** `predicted`: how far ahead of the newest measurement the pose was extrapolated, ns. */
  readonly horizonNs?: number;
  /**
   * `predicted`: the body's angular velocity the extrapolation used, rad/s, body frame — so a display can carry
   * the pose on to its own frame time (`q ⊗ Exp(ω δt)`), as the HUD page does.
   */
  readonly omega_body_radps?: readonly [number, number, number];
}

/** VIO status changes: initialised, tracking lost, recovered (layer 5). */
export interface TrackingStateEvent {
  readonly tNs: RuntimeNs;
  readonly source: 'vio';
  readonly state: 'initializing' | 'tracking' | 'lost';
  readonly reason?: string;
  /** Features tracked in the last frame. */
  readonly features?: number;
}

/** One tracked object: a detection with a stable track ID (multi-object tracking). */
export interface TrackedObject extends Detection {
  readonly trackId: number;
  /** Frames since the track was created. */
  readonly ageFrames: number;
}

export interface ObjectsTrackedEvent {
  readonly deviceId: string;
  readonly frameSeq: number;
  /** Capture time of the frame. */
  readonly tNs: RuntimeNs;
  readonly tracks: readonly TrackedObject[];
  /** Capture → publication latency, ns (runtime clock). */
  readonly latencyNs: number;
}

/** A hand: 21 landmarks (MediaPipe hand topology, wrist first) in source-image pixels. */
export interface HandObservation {
  readonly handedness: 'left' | 'right' | 'unknown';
  readonly score: number;
  readonly boxPx: readonly [number, number, number, number];
  /** 21 `[x, y, z]`: x, y in pixels, z relative depth (model units). */
  readonly landmarks: readonly (readonly [number, number, number])[];
}

export interface HandsDetectedEvent {
  readonly deviceId: string;
  readonly frameSeq: number;
  readonly tNs: RuntimeNs;
  readonly hands: readonly HandObservation[];
  readonly latencyNs: number;
}

export interface GestureEvent {
  readonly deviceId: string;
  readonly tNs: RuntimeNs;
  readonly gesture: 'pinch' | 'point';
  readonly handedness: 'left' | 'right' | 'unknown';
  /** `start` when the gesture begins, `end` when it is released. */
  readonly phase: 'start' | 'end';
  /** Where it happens, source-image pixels (pinch: between thumb and index tips; point: index tip). */
  readonly atPx: readonly [number, number];
}

/** A world-locked anchor as seen now. */
export interface AnchorView {
  readonly id: string;
  /** Anchor pose in the world frame: position m, orientation `[w, x, y, z]`. */
  readonly p_world_m: readonly [number, number, number];
  readonly q_world_anchor: readonly [number, number, number, number];
  /** The anchor in the current view (camera) frame, m; undefined when no pose is known yet. */
  readonly p_view_m?: readonly [number, number, number];
  /** Projection into the tracking camera, px, when in front of it. */
  readonly pixel?: readonly [number, number];
}

/**
 * Every anchor as seen in one tracking-camera frame (layer 5), published once per tracking frame while the
 * store holds an anchor (and once more, empty, after the last one is removed).
 */
export interface AnchorsUpdatedEvent {
  /** Capture time of the tracking frame. */
  readonly tNs: RuntimeNs;
  readonly anchors: readonly AnchorView[];
}

/**
 * What an `anchor.command` asks of layer 5 (`src/layers/intelligence/anchors/commands.ts` validates it):
 * - `create`: an anchor at a world pose (`p_world_m` in m, world frame of the 6-DoF tracker; orientation
 *   `q_world_anchor` Hamilton `[w, x, y, z]`, default the world axes);
 * - `create-at-pixel`: an anchor on the view ray through `pixel` (px, distorted image of the tracking camera)
 *   at `depthM` along the camera's optical axis (z of the view frame) or, without `depthM`, where the ray meets
 *   the scene (the depth of the VIO's landmarks seen near the pixel, docs/anchors.md); placed with the newest
 *   6-DoF pose when layer 5 takes the command; orientation: the world axes;
 * - `remove`: the anchor `id`.
 */
export type AnchorCommand =
  | { readonly kind: 'create'; readonly p_world_m: readonly [number, number, number]; readonly q_world_anchor?: readonly [number, number, number, number]; readonly label?: string }
  | { readonly kind: 'create-at-pixel'; readonly pixel: readonly [number, number]; readonly depthM?: number; readonly label?: string }
  | { readonly kind: 'remove'; readonly id: string };

/** A request to change the anchors; its outcome comes back on `anchor.result` with the same `requestId`. */
export interface AnchorCommandEvent {
  /** When it was issued. */
  readonly tNs: RuntimeNs;
  /** Chosen by the caller, echoed on `anchor.result`. */
  readonly requestId: string;
  readonly command: AnchorCommand;
}

/**
 * The outcome of one `anchor.command` (layer 5): the anchor created or removed, or why the command was
 * rejected (a bad field, no 6-DoF pose yet, an unknown id). A rejected command changes nothing.
 */
export type AnchorResultEvent = {
  /** The tick that took the command. */
  readonly tNs: RuntimeNs;
  /** The command's `requestId` (`""` when the payload had none). */
  readonly requestId: string;
  /** The command's `kind`, `unknown` when it had no valid one. */
  readonly kind: AnchorCommand['kind'] | 'unknown';
} & (
  | {
      readonly ok: true;
      readonly anchorId: string;
      /** The anchor's world position, m (for `create-at-pixel`, where the ray was cut). */
      readonly p_world_m: readonly [number, number, number];
    }
  | { readonly ok: false; readonly reason: string }
);

export interface Detection {
  readonly classId: number;
  readonly label: string;
  /** objectness × class probability, 0–1. */
  readonly score: number;
  /** `[x1, y1, x2, y2]` in source-image pixels. */
  readonly boxPx: readonly [number, number, number, number];
}

export interface ObjectsDetectedEvent {
  readonly deviceId: string;
  readonly frameSeq: number;
  /** Capture time of the frame the detections belong to. */
  readonly tNs: RuntimeNs;
  readonly model: string;
  readonly objects: readonly Detection[];
}

export type PowerProfile = 'full' | 'balanced' | 'saver' | 'critical';

export interface ResourcesChangedEvent {
  readonly tNs: RuntimeNs;
  readonly profile: PowerProfile;
  readonly previous: PowerProfile | null;
  readonly reason: string;
  readonly tempC?: number;
  readonly batteryPercent?: number;
}

/** The HUD scene as data (layer 7): what the HUD page draws. */
export interface HudScene {
  readonly tNs: RuntimeNs;
  readonly world?: {
    readonly deviceId: string;
    readonly frameSeq: number;
    readonly widthPx: number;
    readonly heightPx: number;
  };
  readonly detections?: { readonly frameSeq: number; readonly objects: readonly Detection[] };
  readonly attitude?: { readonly rollDeg: number; readonly pitchDeg: number; readonly yawDeg: number };
  readonly thermal?: { readonly tempC: number; readonly zone: string };
  readonly battery?: { readonly percent?: number; readonly voltageV?: number; readonly charging?: boolean };
  readonly profile?: PowerProfile;
  readonly micLevelDbfs?: number;
  /** Layout elements and widgets chosen by the policy, in z order (layer 7, `src/layers/interface/policy.ts`). */
  readonly layout?: HudLayout;
  /** AR tabs with their world points; the page projects them with the newest pose (late latching). */
  readonly tabs?: readonly HudTab[];
}

/** Topic name → payload type. */
export interface TopicMap {
  'camera.frame': CameraFrameEvent;
  'imu.samples': ImuSamplesEvent;
  'audio.chunk': AudioChunkEvent;
  'thermal.reading': ThermalReadingEvent;
  'power.state': PowerStateEvent;
  'device.state': DeviceStateEvent;
  'device.sample_skipped': SampleSkippedEvent;
  'device.clock': DeviceClockEvent;
  'pose.updated': PoseEvent;
  'tracking.state': TrackingStateEvent;
  'objects.tracked': ObjectsTrackedEvent;
  'hands.detected': HandsDetectedEvent;
  'gesture.detected': GestureEvent;
  'anchors.updated': AnchorsUpdatedEvent;
  'anchor.command': AnchorCommandEvent;
  'anchor.result': AnchorResultEvent;
  'objects.detected': ObjectsDetectedEvent;
  'resources.changed': ResourcesChangedEvent;
  'ui.hud': HudScene;
  'ui.notify': UiNotifyEvent;
  'ui.tab': UiTabEvent;
  'ui.input': UiInputEvent;
  'runtime.stats': RuntimeStatsEvent;
  'voice.say': VoiceSayEvent;
  'voice.state': VoiceStateEvent;
}

export type TopicName = keyof TopicMap;

/** A topic's delivery settings and its event-log form. */
export interface TopicSpec<P> {
  readonly priority: Priority;
  readonly policy: DeliveryPolicy<P>;
  /** The JSON-able form written to the event log (defaults to the payload, typed arrays as arrays). */
  readonly toLog?: (payload: P) => unknown;
}

export type TopicSpecs = { readonly [K in TopicName]: TopicSpec<TopicMap[K]> };

const byDevice = (p: { deviceId: string }): string => p.deviceId;

/**
 * Settings per topic. High-rate sensor streams keep the latest (frames) or a bounded queue that drops
 * the oldest (IMU, audio: a consumer wants every sample but must not fall arbitrarily behind); state
 * changes and commands are lossless.
 */
export const TOPICS: TopicSpecs = Object.freeze({
  'camera.frame': {
    priority: 'high',
    policy: { kind: 'latest', key: byDevice },
    toLog: (p) => ({
      deviceId: p.deviceId,
      role: p.role,
      tNs: p.tNs,
      seq: p.frame.seq,
      widthPx: p.frame.widthPx,
      heightPx: p.frame.heightPx,
      format: p.frame.format,
      bytes: p.frame.data.byteLength,
    }),
  },
  'imu.samples': { priority: 'high', policy: { kind: 'queue', capacity: 512 } },
  'audio.chunk': {
    priority: 'normal',
    policy: { kind: 'queue', capacity: 64 },
    toLog: (p) => ({ deviceId: p.deviceId, tNs: p.tNs, n: p.samples.length, rmsDbfs: p.rmsDbfs }),
  },
  'thermal.reading': { priority: 'normal', policy: { kind: 'latest', key: byDevice } },
  'power.state': { priority: 'normal', policy: { kind: 'latest', key: byDevice } },
  'device.state': { priority: 'critical', policy: { kind: 'lossless' } },
  'device.sample_skipped': { priority: 'normal', policy: { kind: 'lossless' } },
  'device.clock': { priority: 'low', policy: { kind: 'latest', key: byDevice } },
  'pose.updated': { priority: 'high', policy: { kind: 'latest', key: (p) => p.source } },
  'tracking.state': { priority: 'critical', policy: { kind: 'lossless' } },
  'objects.tracked': { priority: 'normal', policy: { kind: 'queue', capacity: 16 } },
  'hands.detected': { priority: 'normal', policy: { kind: 'latest', key: byDevice } },
  'gesture.detected': { priority: 'high', policy: { kind: 'lossless' } },
  'anchors.updated': { priority: 'normal', policy: { kind: 'latest' } },
  'anchor.command': { priority: 'normal', policy: { kind: 'lossless' } },
  'anchor.result': { priority: 'normal', policy: { kind: 'lossless' } },
  'objects.detected': { priority: 'normal', policy: { kind: 'queue', capacity: 16 } },
  'resources.changed': { priority: 'critical', policy: { kind: 'lossless' } },
  'ui.hud': { priority: 'low', policy: { kind: 'latest' } },
  'ui.notify': { priority: 'normal', policy: { kind: 'lossless' } },
  'ui.tab': { priority: 'normal', policy: { kind: 'lossless' } },
  'ui.input': { priority: 'high', policy: { kind: 'lossless' } },
  'runtime.stats': {
    priority: 'low',
    policy: { kind: 'latest' },
    // The log keeps what replays the same (virtual clock): counts and rates, not wall-time step figures.
    toLog: (p) => ({ ...p, clock: { ...p.clock, latenessP50Ms: null, latenessP99Ms: null }, layers: p.layers.map((l) => ({ name: l.name, rateHz: l.rateHz, stepsPerS: l.stepsPerS, budgetMs: l.budgetMs, errors: l.errors })) }),
  },
  'voice.say': { priority: 'high', policy: { kind: 'lossless' } },
  'voice.state': { priority: 'low', policy: { kind: 'latest' } },
} satisfies TopicSpecs);
