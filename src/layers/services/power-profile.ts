/**
 * Power profile from SoC temperature and battery charge, with hysteresis.
 *
 * Each source is graded on its own (full < balanced < saver < critical) and the profile is the worse
 * of the two grades. A grade gets worse as soon as its threshold is crossed, and better only once the
 * reading is back past the threshold by the hysteresis margin, so a reading that wobbles around a
 * threshold (the 1 °C steps of a Pi's sensor, a sagging battery voltage) cannot make the profile flap.
 *
 * Thresholds and why (see docs/power-profiles.md):
 * - SoC temperature, °C — 60 / 70 / 80. The Raspberry Pi 4 and 5 firmware starts throttling the ARM cores
 *   at 80 °C (and throttles harder at 85 °C): at 80 °C we are `critical`, so we shed work ourselves before
 *   the firmware slows everything at once. 70 °C leaves ~10 °C of headroom, a few minutes of full load on
 *   a passively cooled board; 60 °C is where a cooled Pi idles in a warm room and where glasses' housings
 *   start to feel warm. Hysteresis 3 °C (three steps of the Pi's integer sensor).
 * - Battery, % — 50 / 20 / 5, ignored while charging. 20 % is where phones offer their low-power mode;
 *   below 5 % a Li-ion cell on a Pi UPS is near its 3.4 V cut-off and the runtime must keep only what is
 *   needed to save state and shut down cleanly. Hysteresis 3 percentage points (gauges jitter by 1–2 %).
 */
import type { PowerProfile } from '../../bus/topics.js';

export const PROFILES: readonly PowerProfile[] = Object.freeze(['full', 'balanced', 'saver', 'critical']);

export interface ProfileThresholds {
  /** SoC temperature at which balanced, saver and critical start, °C (ascending). */
  readonly tempC: readonly [number, number, number];
  readonly tempHysteresisC: number;
  /** Battery charge below which balanced, saver and critical start, % (descending). */
  readonly batteryPercent: readonly [number, number, number];
  readonly batteryHysteresisPercent: number;
}

export const DEFAULT_THRESHOLDS: ProfileThresholds = Object.freeze({
  tempC: [60, 70, 80] as const,
  tempHysteresisC: 3,
  batteryPercent: [50, 20, 5] as const,
  batteryHysteresisPercent: 3,
});

/** Grade of one source: 0 = full … 3 = critical. */
export type Grade = 0 | 1 | 2 | 3;

/**
 * Grade a reading with hysteresis. `limits` are where grades 1, 2, 3 start, in the direction in which the
 * reading gets worse (`worseWhenHigher`). From grade `current`, the new grade is the highest whose limit
 * is crossed; grades at or below `current` are left only when the reading is `margin` past their limit.
 */
export function gradeWithHysteresis(
  value: number,
  current: Grade,
  limits: readonly [number, number, number],
  margin: number,
  worseWhenHigher: boolean,
): Grade {
  const crossed = (limit: number, m: number): boolean => (worseWhenHigher ? value >= limit - m : value <= limit + m);
  let grade: Grade = 0;
  for (let g = 3; g >= 1; g -= 1) {
    const limit = limits[g - 1] as number;
    // Staying at (or above) a grade already held needs only the limit minus the margin.
    if (crossed(limit, g <= current ? margin : 0)) {
      grade = g as Grade;
      break;
    }
  }
  return grade;
}

export interface ProfileInputs {
  readonly tempC?: number;
  readonly batteryPercent?: number;
  readonly charging?: boolean;
}

export interface ProfileGrades {
  readonly thermal: Grade;
  readonly battery: Grade;
}

export interface ProfileDecision {
  readonly profile: PowerProfile;
  readonly grades: ProfileGrades;
  /** Why, in words, e.g. `SoC 71 °C ≥ 70 °C`. */
  readonly reason: string;
}

/** Decide the profile from the latest readings and the grades held so far. Never throws. */
export function decideProfile(
  inputs: ProfileInputs,
  held: ProfileGrades,
  thresholds: ProfileThresholds = DEFAULT_THRESHOLDS,
): ProfileDecision {
  const thermal =
    inputs.tempC === undefined || !Number.isFinite(inputs.tempC)
      ? 0
      : gradeWithHysteresis(inputs.tempC, held.thermal, thresholds.tempC, thresholds.tempHysteresisC, true);
  const battery =
    inputs.batteryPercent === undefined || !Number.isFinite(inputs.batteryPercent) || inputs.charging === true
      ? 0
      : gradeWithHysteresis(inputs.batteryPercent, held.battery, thresholds.batteryPercent, thresholds.batteryHysteresisPercent, false);
  const grade = Math.max(thermal, battery) as Grade;
  const profile = PROFILES[grade] as PowerProfile;
  return { profile, grades: { thermal, battery }, reason: explain(inputs, thermal, battery, thresholds) };
}

function explain(inputs: ProfileInputs, thermal: Grade, battery: Grade, t: ProfileThresholds): string {
  const parts: string[] = [];
  if (inputs.tempC !== undefined) {
    parts.push(thermal === 0 ? `SoC ${inputs.tempC} °C` : `SoC ${inputs.tempC} °C (${PROFILES[thermal]} from ${t.tempC[thermal - 1]} °C)`);
  }
  if (inputs.batteryPercent !== undefined) {
    const charging = inputs.charging === true ? ', charging' : '';
    parts.push(
      battery === 0
        ? `battery ${inputs.batteryPercent} %${charging}`
        : `battery ${inputs.batteryPercent} % (${PROFILES[battery]} below ${t.batteryPercent[battery - 1]} %)`,
    );
  }
  return parts.length > 0 ? parts.join(', ') : 'no thermal or battery reading yet';
}
