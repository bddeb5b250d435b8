/**
 * Spoken alerts (pure): device down / back, tracking lost / recovered, power profile to saver / critical, battery
 * at ≤ 10 % (once, again only after it rose above 15 %), each said once per change with its priority; and none for
 * the bundled sample session, whose devices stay up, whose VIO never loses tracking and whose profile only goes
 * full → balanced (the run is replayed through the runtime and every event fed to the step).
 */
import { describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import type { AnyEnvelope } from '../../src/bus/bus.js';
import type { TopicMap, TopicName } from '../../src/bus/topics.js';
import { INITIAL_VOICE_ALERT_STATE, VOICE_ALERT_TOPICS, voiceAlerts, type VoiceAlertState } from '../../src/layers/interface/voice/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';

let seq = 0;
const env = <K extends TopicName>(topic: K, payload: TopicMap[K]): AnyEnvelope => ({ topic, seq: seq++, publishedNs: 0, payload }) as AnyEnvelope;

function feed(events: readonly AnyEnvelope[]): { state: VoiceAlertState; said: string[] } {
  let state = INITIAL_VOICE_ALERT_STATE;
  const said: string[] = [];
  for (const e of events) {
    const out = voiceAlerts(state, e);
    state = out.state;
    said.push(...out.says.map((s) => `${s.priority}:${s.id}:${s.text}`));
  }
  return { state, said };
}

describe('voice alerts', () => {
  it('says device, tracking, power and battery changes once each, with their priorities', () => {
    const { said, state } = feed([
      env('device.state', { deviceId: 'cam0', kind: 'camera', tNs: 1, state: 'open' }),
      env('device.state', { deviceId: 'cam0', kind: 'camera', tNs: 2, state: 'disconnected', message: 'EIO' }),
      env('device.state', { deviceId: 'cam0', kind: 'camera', tNs: 3, state: 'reconnecting' }),
      env('device.state', { deviceId: 'cam0', kind: 'camera', tNs: 4, state: 'open' }),
      env('device.state', { deviceId: 'imu_left', kind: 'imu', tNs: 5, state: 'failed' }),
      env('tracking.state', { tNs: 6, source: 'vio', state: 'initializing' }),
      env('tracking.state', { tNs: 7, source: 'vio', state: 'lost', reason: 'too few features' }),
      env('tracking.state', { tNs: 8, source: 'vio', state: 'lost' }),
      env('tracking.state', { tNs: 9, source: 'vio', state: 'tracking' }),
      env('resources.changed', { tNs: 10, profile: 'balanced', previous: 'full', reason: 'SoC 60 °C' }),
      env('resources.changed', { tNs: 11, profile: 'saver', previous: 'balanced', reason: 'SoC 75 °C' }),
      env('resources.changed', { tNs: 12, profile: 'critical', previous: 'saver', reason: 'battery 4 %' }),
      env('power.state', { deviceId: 'battery', tNs: 13, batteryPercent: 12 }),
      env('power.state', { deviceId: 'battery', tNs: 14, batteryPercent: 9.6 }),
      env('power.state', { deviceId: 'battery', tNs: 15, batteryPercent: 8 }),
      env('power.state', { deviceId: 'battery', tNs: 16, batteryPercent: 14, charging: true }),
      env('power.state', { deviceId: 'battery', tNs: 17, batteryPercent: 16 }),
      env('power.state', { deviceId: 'battery', tNs: 18, batteryPercent: 10 }),
    ]);
    expect(said).toEqual([
      'high:alert-1:Camera cam 0 disconnected.',
      'normal:alert-2:Camera cam 0 is back.',
      'critical:alert-3:IMU imu left failed.',
      'high:alert-4:Tracking lost.',
      'normal:alert-5:Tracking recovered.',
      'high:alert-6:Power saver on.',
      'critical:alert-7:Power critical. Only the display, voice and power stay on.',
      'critical:alert-8:Battery at 10 percent.',
      'critical:alert-9:Battery at 10 percent.',
    ]);
    expect(state).toMatchObject({ downDevices: ['imu_left'], trackingLost: false, profile: 'critical', batteryLowSaid: true, count: 9 });
  });

  it('says nothing for the sample session (devices up, tracking kept, full → balanced)', async () => {
    const session = await loadSession(sampleSessionPath());
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false });
    let state = INITIAL_VOICE_ALERT_STATE;
    const said: string[] = [];
    let seen = 0;
    runtime.bus.all$.subscribe((e) => {
      if (!(VOICE_ALERT_TOPICS as readonly string[]).includes(e.topic)) return;
      seen += 1;
      const out = voiceAlerts(state, e);
      state = out.state;
      said.push(...out.says.map((s) => s.text));
    });
    try {
      await runtime.run();
    } finally {
      await session.close();
    }
    expect(seen).toBeGreaterThan(10);
    expect(said).toEqual([]);
    expect(state.profile).toBe('balanced');
  }, 120_000);
});
