/**
 * Layer 9, services: the resource coordinator. Takes thermal and battery readings and holds the power
 * profile (full, balanced, saver, critical), publishing `resources.changed` when it changes.
 * Steps at 1 Hz: thermal zones and fuel gauges change over seconds, and a slow check cannot itself
 * oscillate with the loads it governs.
 */
import type { Emit } from '../../bus/bus.js';
import type { PowerProfile, PowerStateEvent } from '../../bus/topics.js';
import type { Layer } from '../../tick/types.js';
import { DEFAULT_THRESHOLDS, decideProfile, type ProfileGrades, type ProfileThresholds } from './power-profile.js';

export interface ServicesState {
  readonly profile: PowerProfile | null;
  readonly grades: ProfileGrades;
  readonly reason: string;
  /** Hottest zone's latest reading, °C. */
  readonly tempByZone: Readonly<Record<string, number>>;
  readonly battery?: Omit<PowerStateEvent, 'deviceId' | 'tNs'>;
  /** Profile changes so far. */
  readonly changes: number;
}

export interface ServicesLayerOptions {
  readonly thresholds?: ProfileThresholds;
  readonly rateHz?: number;
}

export function servicesLayer(options: ServicesLayerOptions = {}): Layer<ServicesState> {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  return {
    name: 'services',
    rateHz: options.rateHz ?? 1,
    budgetMs: 1,
    subscribes: ['thermal.reading', 'power.state'],
    init: () => ({ profile: null, grades: { thermal: 0, battery: 0 }, reason: '', tempByZone: {}, changes: 0 }),
    step: (state, inputs, ctx) => {
      let tempByZone = state.tempByZone;
      let battery = state.battery;
      for (const e of inputs.events) {
        if (e.topic === 'thermal.reading') {
          const p = e.payload;
          tempByZone = { ...tempByZone, [p.zone]: p.tempC };
        } else if (e.topic === 'power.state') {
          const { deviceId: _d, tNs: _t, ...reading } = e.payload;
          battery = reading;
        }
      }
      const temps = Object.values(tempByZone);
      const tempC = temps.length > 0 ? Math.max(...temps) : undefined;
      if (tempC === undefined && battery === undefined) return { state: { ...state, tempByZone } };
      const decision = decideProfile(
        { tempC, batteryPercent: battery?.batteryPercent, charging: battery?.charging },
        state.grades,
        thresholds,
      );
      const next: ServicesState = { ...state, tempByZone, battery, grades: decision.grades, reason: decision.reason, profile: decision.profile };
      if (decision.profile === state.profile) return { state: next };
      const event: Emit = {
        topic: 'resources.changed',
        payload: {
          tNs: ctx.tNs,
          profile: decision.profile,
          previous: state.profile,
          reason: decision.reason,
          ...(tempC === undefined ? {} : { tempC }),
          ...(battery?.batteryPercent === undefined ? {} : { batteryPercent: battery.batteryPercent }),
        },
      };
      return { state: { ...next, changes: state.changes + 1 }, events: [event] };
    },
  };
}
