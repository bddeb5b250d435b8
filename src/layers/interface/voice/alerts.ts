/**
 * Spoken alerts from runtime events, as a pure step for layer 7: a device that goes away or comes back, VIO
 * tracking lost or recovered, the power profile dropping to saver or critical, the battery at or below 10 %.
 * Each becomes a `voice.say` with a priority (critical interrupts whatever is being said; docs/voice.md).
 * Said once per change: the state remembers what was last said so a repeated event is not said again
 * (battery: said at ≤ 10 %, said again only after it rose above 15 %).
 */
import type { DeviceKind } from '../../../../hal/types.js';
import type { AnyEnvelope } from '../../../bus/bus.js';
import type { PowerProfile } from '../../../bus/topics.js';
import type { VoiceSayEvent } from './types.js';

export interface VoiceAlertState {
  /** Devices said to be down (disconnected, reconnecting, failed). */
  readonly downDevices: readonly string[];
  readonly trackingLost: boolean;
  readonly profile: PowerProfile | null;
  readonly batteryLowSaid: boolean;
  /** Alerts issued so far (their ids are `alert-<n>`). */
  readonly count: number;
}

export const INITIAL_VOICE_ALERT_STATE: VoiceAlertState = Object.freeze({ downDevices: [], trackingLost: false, profile: null, batteryLowSaid: false, count: 0 });

/** The topics {@link voiceAlerts} reads. */
export const VOICE_ALERT_TOPICS = ['device.state', 'tracking.state', 'resources.changed', 'power.state'] as const;

export const BATTERY_LOW_PERCENT = 10;
const BATTERY_RESET_PERCENT = 15;

/** The state after `event` and the utterances it calls for (none for other topics). Never throws. */
export function voiceAlerts(state: VoiceAlertState, event: AnyEnvelope): { state: VoiceAlertState; says: VoiceSayEvent[] } {
  const says: VoiceSayEvent[] = [];
  let s = state;
  const say = (tNs: number, priority: VoiceSayEvent['priority'], text: string): void => {
    s = { ...s, count: s.count + 1 };
    says.push({ tNs, id: `alert-${s.count}`, text, priority });
  };
  switch (event.topic) {
    case 'device.state': {
      const p = event.payload;
      const down = s.downDevices.includes(p.deviceId);
      if ((p.state === 'disconnected' || p.state === 'failed') && !down) {
        s = { ...s, downDevices: [...s.downDevices, p.deviceId] };
        say(p.tNs, p.state === 'failed' ? 'critical' : 'high', `${kindWord(p.kind)} ${spoken(p.deviceId)} ${p.state === 'failed' ? 'failed' : 'disconnected'}.`);
      } else if (p.state === 'open' && down) {
        s = { ...s, downDevices: s.downDevices.filter((d) => d !== p.deviceId) };
        say(p.tNs, 'normal', `${kindWord(p.kind)} ${spoken(p.deviceId)} is back.`);
      }
      break;
    }
    case 'tracking.state': {
      const p = event.payload;
      if (p.state === 'lost' && !s.trackingLost) {
        s = { ...s, trackingLost: true };
        say(p.tNs, 'high', 'Tracking lost.');
      } else if (p.state === 'tracking' && s.trackingLost) {
        s = { ...s, trackingLost: false };
        say(p.tNs, 'normal', 'Tracking recovered.');
      }
      break;
    }
    case 'resources.changed': {
      const p = event.payload;
      const before = s.profile;
      s = { ...s, profile: p.profile };
      if (p.profile === before) break;
      if (p.profile === 'critical') say(p.tNs, 'critical', 'Power critical. Only the display, voice and power stay on.');
      else if (p.profile === 'saver') say(p.tNs, 'high', 'Power saver on.');
      break;
    }
    case 'power.state': {
      const p = event.payload;
      const pct = p.batteryPercent;
      if (pct === undefined || !Number.isFinite(pct) || p.charging === true) break;
      if (pct <= BATTERY_LOW_PERCENT && !s.batteryLowSaid) {
        s = { ...s, batteryLowSaid: true };
        say(p.tNs, 'critical', `Battery at ${Math.round(pct)} percent.`);
      } else if (pct > BATTERY_RESET_PERCENT && s.batteryLowSaid) {
        s = { ...s, batteryLowSaid: false };
      }
      break;
    }
    default:
      break;
  }
  return { state: s, says };
}

const KIND_WORDS: Readonly<Record<DeviceKind, string>> = Object.freeze({ camera: 'Camera', imu: 'IMU', audio: 'Microphone', thermal: 'Temperature sensor', power: 'Battery monitor' });

function kindWord(kind: DeviceKind): string {
  return KIND_WORDS[kind] ?? 'Device';
}

/** Device ids as words: `cam0` → `cam 0`, `imu_left` → `imu left`. */
function spoken(id: string): string {
  return id.replace(/[_-]+/g, ' ').replace(/([a-z])(\d)/gi, '$1 $2');
}
