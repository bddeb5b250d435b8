/**
 * Layer 7, interface: composes the HUD scene (`ui.hud`) from perception and resource state: the world
 * frame with its detections, the attitude of the wearer's view (roll, pitch, heading), SoC temperature,
 * battery, power profile and microphone level. Steps at the display's refresh rate (30 Hz by default);
 * the HUD page draws the scene (see `src/hud/`).
 */
import type { HudScene } from '../../bus/topics.js';
import { multiply, viewAttitudeDeg, type Quat } from '../../math/quat.js';
import type { Layer } from '../../tick/types.js';

export interface InterfaceLayerOptions {
  /** Rotation from the view frame (x right, y down, z forward) to the IMU body frame. */
  readonly q_body_view: Quat;
  readonly rateHz?: number;
}

export interface InterfaceState {
  readonly scene: HudScene;
  readonly frames: number;
}

export function interfaceLayer(options: InterfaceLayerOptions): Layer<InterfaceState> {
  return {
    name: 'interface',
    rateHz: options.rateHz ?? 30,
    budgetMs: 1,
    subscribes: ['camera.frame', 'objects.detected', 'pose.updated', 'thermal.reading', 'power.state', 'resources.changed', 'audio.chunk'],
    init: () => ({ scene: { tNs: 0 }, frames: 0 }),
    step: (state, inputs, ctx) => {
      let scene: HudScene = { ...state.scene, tNs: ctx.tNs };
      for (const e of inputs.events) {
        switch (e.topic) {
          case 'camera.frame': {
            const p = e.payload;
            if (p.role === 'world') {
              scene = { ...scene, world: { deviceId: p.deviceId, frameSeq: p.frame.seq, widthPx: p.frame.widthPx, heightPx: p.frame.heightPx } };
            }
            break;
          }
          case 'objects.detected': {
            const p = e.payload;
            scene = { ...scene, detections: { frameSeq: p.frameSeq, objects: p.objects } };
            break;
          }
          case 'pose.updated': {
            const p = e.payload;
            const a = viewAttitudeDeg(multiply(p.q_world_body, options.q_body_view));
            scene = { ...scene, attitude: { rollDeg: round(a.rollDeg, 2), pitchDeg: round(a.pitchDeg, 2), yawDeg: round(a.yawDeg, 2) } };
            break;
          }
          case 'thermal.reading': {
            const p = e.payload;
            if (scene.thermal === undefined || p.zone === scene.thermal.zone || p.tempC > scene.thermal.tempC) {
              scene = { ...scene, thermal: { tempC: p.tempC, zone: p.zone } };
            }
            break;
          }
          case 'power.state': {
            const p = e.payload;
            scene = { ...scene, battery: { percent: p.batteryPercent, voltageV: p.voltageV, charging: p.charging } };
            break;
          }
          case 'resources.changed':
            scene = { ...scene, profile: (e.payload).profile };
            break;
          case 'audio.chunk':
            scene = { ...scene, micLevelDbfs: round((e.payload).rmsDbfs, 1) };
            break;
          default:
            break;
        }
      }
      return { state: { scene, frames: state.frames + 1 }, events: [{ topic: 'ui.hud', payload: scene }] };
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
