import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideProfile, gradeWithHysteresis, type ProfileGrades } from '../../src/layers/services/power-profile.js';

describe('power profile', () => {
  it('grades temperature with hysteresis: up at the threshold, down only 3 °C below it', () => {
    const limits = [60, 70, 80] as const;
    expect(gradeWithHysteresis(59, 0, limits, 3, true)).toBe(0);
    expect(gradeWithHysteresis(60, 0, limits, 3, true)).toBe(1);
    expect(gradeWithHysteresis(58, 1, limits, 3, true)).toBe(1);
    expect(gradeWithHysteresis(56, 1, limits, 3, true)).toBe(0);
    expect(gradeWithHysteresis(85, 0, limits, 3, true)).toBe(3);
    expect(gradeWithHysteresis(78, 3, limits, 3, true)).toBe(3);
    expect(gradeWithHysteresis(76, 3, limits, 3, true)).toBe(2);
  });

  it('takes the worse of battery and thermal, and ignores the battery while charging', () => {
    const held: ProfileGrades = { thermal: 0, battery: 0 };
    expect(decideProfile({ tempC: 50, batteryPercent: 15 }, held)).toMatchObject({ profile: 'saver', reason: 'SoC 50 °C, battery 15 % (saver below 20 %)' });
    expect(decideProfile({ tempC: 72, batteryPercent: 80 }, held)).toMatchObject({ profile: 'saver', reason: 'SoC 72 °C (saver from 70 °C), battery 80 %' });
    expect(decideProfile({ tempC: 50, batteryPercent: 3, charging: true }, held).profile).toBe('full');
    expect(decideProfile({}, held)).toMatchObject({ profile: 'full', reason: 'no thermal or battery reading yet' });
  });

  it('does not flap on the real Raspberry Pi 4 stress trace (1 °C steps around the thresholds)', () => {
    // rpi4b_2_temp_bench.csv: time, usage %, SoC temperature °C (integer), frequency MHz, at 1 Hz for 5.8 h.
    const rows = readFileSync('../shared/data/traces/rpi4_thermal/rpi4b_2_temp_bench.csv', 'utf8').trim().split('\n').slice(1);
    const temps = rows.map((r) => Number(r.split(',')[2]));
    let held: ProfileGrades = { thermal: 0, battery: 0 };
    let profile = 'full';
    let changes = 0;
    let changesWithoutHysteresis = 0;
    let prevRaw = 0;
    for (const t of temps) {
      const d = decideProfile({ tempC: t }, held);
      if (d.profile !== profile) changes += 1;
      profile = d.profile;
      held = d.grades;
      const raw = gradeWithHysteresis(t, 0, [60, 70, 80], 0, true);
      if (raw !== prevRaw) changesWithoutHysteresis += 1;
      prevRaw = raw;
    }
    expect(Math.max(...temps)).toBeGreaterThan(70);
    expect(changesWithoutHysteresis).toBeGreaterThan(50);
    expect(changes).toBeLessThan(changesWithoutHysteresis / 10);
  });
});
