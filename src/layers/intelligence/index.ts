/**
 * Layer 5, intelligence (perception): orientation from the IMU (`pose.updated`) and object detection on
 * world-camera frames (`objects.detected`). Steps at 200 Hz, the rate of a typical tracking IMU, so the
 * pose follows every batch; inference runs as edge work and never blocks a step.
 */
import type { Emit } from '../../bus/bus.js';
import type { CameraFrameEvent, ImuSamplesEvent } from '../../bus/topics.js';
import type { Layer } from '../../tick/types.js';
import { INITIAL_DETECTION, stepDetection, type DetectionState } from './detection.js';
import { INITIAL_ORIENTATION, stepOrientation, type OrientationFilter, type OrientationState } from './orientation.js';

export { DETECT_WORK, type DetectOutput } from './detection.js';
export type { AhrsState, OrientationFilter } from './orientation.js';

export interface IntelligenceState {
  readonly orientation: OrientationState;
  readonly detection: DetectionState;
}

export interface IntelligenceLayerOptions {
  readonly filter: OrientationFilter;
  readonly rateHz?: number;
  /** Run detection on world frames (off when no detector is loaded). */
  readonly detect: boolean;
}

export function intelligenceLayer(options: IntelligenceLayerOptions): Layer<IntelligenceState> {
  return {
    name: 'intelligence',
    rateHz: options.rateHz ?? 200,
    budgetMs: 2,
    subscribes: options.detect ? ['imu.samples', 'camera.frame'] : ['imu.samples'],
    init: () => ({ orientation: INITIAL_ORIENTATION, detection: INITIAL_DETECTION }),
    step: (state, inputs, ctx) => {
      const imu: ImuSamplesEvent[] = [];
      const frames: CameraFrameEvent[] = [];
      for (const e of inputs.events) {
        if (e.topic === 'imu.samples') imu.push(e.payload);
        else if (e.topic === 'camera.frame') frames.push(e.payload);
      }
      const orientation = stepOrientation(state.orientation, imu, options.filter);
      const detection = stepDetection(state.detection, frames, inputs.results, { nowNs: ctx.tNs });
      const events: Emit[] = [];
      if (orientation.pose !== null) events.push({ topic: 'pose.updated', payload: orientation.pose });
      for (const d of detection.detected) events.push({ topic: 'objects.detected', payload: d });
      for (const t of detection.tracked) events.push({ topic: 'objects.tracked', payload: t });
      return {
        state: { orientation: orientation.state, detection: detection.state },
        events,
        requests: detection.requests,
      };
    },
  };
}
