/**
 * Layer 7, interface: composes the HUD scene (`ui.hud`) from perception and resource state (the world
 * frame with its detections, the attitude of the wearer's view, SoC temperature, battery, power profile and
 * microphone level) and from the content apps and services post (`ui.notify` cards, toasts, notifications,
 * lists, text walls; `ui.tab` AR tabs on anchors or world points), steered by `ui.input` (gaze, pinch, keys).
 * The policy (`policy.ts`) chooses what shows when space or power is short. Spoken alerts (`voice.say`) for a
 * device going down or coming back, tracking lost or recovered, the power profile dropping to saver/critical and a
 * low battery (`voice/alerts.ts`; spoken by the voice out at the edge, docs/voice.md). Steps at 30 Hz by default;
 * the HUD page draws the scene at the display rate and projects the tabs with the newest pose (`src/hud/`).
 */
import type { Emit } from '../../bus/bus.js';
import type { HudScene, PowerProfile } from '../../bus/topics.js';
import { multiply, viewAttitudeDeg, type Quat } from '../../math/quat.js';
import type { Layer } from '../../tick/types.js';
import { composeLayout } from './compose.js';
import { INITIAL_CONTENT, stepContent, type ContentState } from './content.js';
import { LAYOUT_DEFAULTS, type LayoutSettings } from './policy.js';
import { INITIAL_VOICE_ALERT_STATE, VOICE_ALERT_TOPICS, voiceAlerts, type VoiceAlertState } from './voice/alerts.js';

export interface InterfaceLayerOptions {
  /** Rotation from the view frame (x right, y down, z forward) to the IMU body frame. */
  readonly q_body_view: Quat;
  readonly rateHz?: number;
  /** Region capacities and power-profile floors (default `LAYOUT_DEFAULTS`). */
  readonly layout?: LayoutSettings;
}

export interface InterfaceState {
  readonly scene: HudScene;
  readonly frames: number;
  readonly content: ContentState;
  readonly alerts: VoiceAlertState;
}

export function interfaceLayer(options: InterfaceLayerOptions): Layer<InterfaceState> {
  return {
    name: 'interface',
    rateHz: options.rateHz ?? 30,
    budgetMs: 1,
    subscribes: [...new Set([...(['camera.frame', 'objects.detected', 'pose.updated', 'thermal.reading', 'power.state', 'resources.changed', 'audio.chunk', 'anchors.updated', 'ui.notify', 'ui.tab', 'ui.input'] as const), ...VOICE_ALERT_TOPICS])],
    init: () => ({ scene: { tNs: 0 }, frames: 0, content: INITIAL_CONTENT, alerts: INITIAL_VOICE_ALERT_STATE }),
    step: (state, inputs, ctx) => {
      let scene: HudScene = { ...state.scene, tNs: ctx.tNs };
      const content = stepContent(state.content, inputs.events, ctx.tNs);
      let alerts = state.alerts;
      const says: Emit[] = [];
      for (const e of inputs.events) {
        const a = voiceAlerts(alerts, e);
        alerts = a.state;
        for (const payload of a.says) says.push({ topic: 'voice.say', payload });
      }
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
      const profile: PowerProfile | undefined = scene.profile;
      const { layout, tabs } = composeLayout(content, scene, profile, options.layout ?? LAYOUT_DEFAULTS);
      scene = { ...scene, layout, tabs };
      return { state: { scene, frames: state.frames + 1, content, alerts }, events: [{ topic: 'ui.hud', payload: scene }, ...says] };
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
