/**
 * Layer 5, intelligence (perception): orientation from the IMU (`pose.updated`, source `ahrs`), 6-DoF head
 * tracking by monocular VIO on the tracking camera (`pose.updated` source `vio`, `tracking.state`), the head pose
 * predicted to display time (`pose.updated` source `predicted`), and object detection with multi-object tracking
 * on world-camera frames (`objects.detected`, `objects.tracked`); hands and pinch/point gestures on world frames
 * (`hands.detected`, `gesture.detected`, opt-in); external 6-DoF tracking (`pose.updated` source `tracker`,
 * opt-in); world-locked anchors (`anchor.command` in, `anchor.result` and, per tracking frame, `anchors.updated`
 * out; opt-in, docs/anchors.md). Steps at 200 Hz, the rate of a typical tracking
 * IMU, so the pose follows every batch; the estimators and inference run as edge work and never block a step.
 */
import type { Emit } from '../../bus/bus.js';
import type { CameraFrameEvent, ImuSamplesEvent, PoseEvent, TopicName } from '../../bus/topics.js';
import type { Layer } from '../../tick/types.js';
import { initialAnchorsLayer, stepAnchorsLayer, type AnchorSettings, type AnchorsLayerState } from './anchors/index.js';
import { EMPTY_ANCHOR_STORE, type AnchorStore } from './anchors/store.js';
import { INITIAL_DETECTION, stepDetection, type DetectionState } from './detection.js';
import { INITIAL_HANDS, handsEmits, stepHands, type HandsState } from './hands/index.js';
import { INITIAL_ORIENTATION, stepOrientation, type OrientationFilter, type OrientationState } from './orientation.js';
import { INITIAL_PREDICTION, PREDICTION_DEFAULTS, stepPrediction, type PredictionSettings, type PredictionState } from './prediction/index.js';
import { INITIAL_VIO, stepVio, type VioStepState } from './vio/index.js';
import type { PoseSource } from './anchors/pose-source.js';
import { INITIAL_TRACKER, stepTracker, type TrackerState } from './tracker.js';

export { DETECT_WORK, type DetectOutput } from './detection.js';
export type { AhrsState, OrientationFilter } from './orientation.js';

export interface IntelligenceState {
  readonly orientation: OrientationState;
  readonly detection: DetectionState;
  readonly vio: VioStepState;
  readonly prediction: PredictionState;
  readonly tracker: TrackerState;
  readonly hands: HandsState;
  readonly anchors: AnchorsLayerState;
}

export interface IntelligenceLayerOptions {
  readonly filter: OrientationFilter;
  readonly rateHz?: number;
  /** Run detection on world frames (off when no detector is loaded). */
  readonly detect: boolean;
  /** Run the VIO on tracking frames (its work handlers must be registered: `createVioWorkHandlers`). */
  readonly vio?: boolean;
  /** Hands and gestures on world frames (the `HANDS_WORK` handler must be registered: `handsWorkHandler`). */
  readonly hands?: boolean;
  /** Predict the head pose to display time (default on, `PREDICTION_DEFAULTS`); false: off. */
  readonly prediction?: PredictionSettings | false;
  /**
   * World-locked anchors on the tracking camera, starting from `store` (e.g. `loadAnchors(file)`); with
   * `settings.file` every change asks for an `ANCHORS_SAVE_WORK` (register `createAnchorsSaveQueue().handler`).
   * Their pose is the VIO's (`settings.poseSource`, default `vio`), taken from this layer's own step.
   */
  readonly anchors?: { readonly settings: AnchorSettings; readonly store: AnchorStore };
  /** External 6-DoF tracking (`tracker.ts`): `pose.updated` source `tracker` at the IMU's rate; off when absent. */
  readonly tracker?: PoseSource;
}

export function intelligenceLayer(options: IntelligenceLayerOptions): Layer<IntelligenceState> {
  const vio = options.vio === true;
  const prediction = options.prediction === false ? null : (options.prediction ?? PREDICTION_DEFAULTS);
  const hands = options.hands === true;
  const anchors = options.anchors ?? null;
  const subscribes: TopicName[] = options.detect || vio || hands || anchors !== null ? ['imu.samples', 'camera.frame'] : ['imu.samples'];
  if (anchors !== null) subscribes.push('anchor.command');
  return {
    name: 'intelligence',
    rateHz: options.rateHz ?? 200,
    budgetMs: 2,
    subscribes,
    init: () => ({ orientation: INITIAL_ORIENTATION, detection: INITIAL_DETECTION, vio: INITIAL_VIO, prediction: INITIAL_PREDICTION, tracker: INITIAL_TRACKER, hands: INITIAL_HANDS, anchors: initialAnchorsLayer(anchors?.store ?? EMPTY_ANCHOR_STORE) }),
    step: (state, inputs, ctx) => {
      const imu: ImuSamplesEvent[] = [];
      const frames: CameraFrameEvent[] = [];
      const anchorCommands: unknown[] = [];
      for (const e of inputs.events) {
        if (e.topic === 'imu.samples') imu.push(e.payload);
        else if (e.topic === 'camera.frame') frames.push(e.payload);
        else if (e.topic === 'anchor.command') anchorCommands.push(e.payload);
      }
      const orientation = stepOrientation(state.orientation, imu, options.filter);
      const detection = stepDetection(state.detection, options.detect ? frames : [], inputs.results, { nowNs: ctx.tNs });
      const v = vio ? stepVio(state.vio, imu, frames, inputs.results) : null;
      const h = hands ? stepHands(state.hands, frames, inputs.results, ctx.tNs) : null;
      const tracked = options.tracker === undefined ? null : stepTracker(state.tracker, imu, options.tracker);
      const poses: PoseEvent[] = [...(orientation.pose === null ? [] : [orientation.pose]), ...(v?.poses ?? []), ...(tracked?.poses ?? [])];
      const predicted = prediction === null ? null : stepPrediction(state.prediction, imu, poses, ctx.tNs, prediction);
      const a = anchors === null ? null : stepAnchorsLayer(state.anchors, frames, predicted?.pose == null ? poses : [...poses, predicted.pose], anchorCommands, inputs.results, ctx.tNs, anchors.settings, v?.landmarks ?? null);
      const events: Emit[] = [];
      for (const p of poses) events.push({ topic: 'pose.updated', payload: p });
      if (predicted?.pose != null) events.push({ topic: 'pose.updated', payload: predicted.pose });
      for (const t of v?.trackingStates ?? []) events.push({ topic: 'tracking.state', payload: t });
      for (const d of detection.detected) events.push({ topic: 'objects.detected', payload: d });
      for (const t of detection.tracked) events.push({ topic: 'objects.tracked', payload: t });
      if (h !== null) events.push(...handsEmits(h));
      if (a !== null) events.push(...a.events);
      return {
        state: { orientation: orientation.state, detection: detection.state, vio: v?.state ?? state.vio, prediction: predicted?.state ?? state.prediction, tracker: tracked?.state ?? state.tracker, hands: h?.state ?? state.hands, anchors: a?.state ?? state.anchors },
        events,
        requests: [...detection.requests, ...(v?.requests ?? []), ...(h?.requests ?? []), ...(a?.requests ?? [])],
      };
    },
  };
}
