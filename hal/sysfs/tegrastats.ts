/**
 * Temperatures from a `tegrastats` line (NVIDIA Jetson Linux Developer Guide, "tegrastats Utility"):
 * `… AO@30.5C GPU@31.5C Tdiode@36.5C PMIC@50C AUX@30.5C CPU@32C thermal@31.55C Tboard@31C`, each
 * `<sensor>@<°C>C`. tegrastats reads them from the thermal zones; the sysfs emulator replays them as zones
 * named `<sensor>-therm`, as Jetson kernels name most of theirs. Anything else on the line is ignored.
 */

/** Sensor name → °C, in line order; an empty map for a line without temperatures. Never throws. */
export function parseTegrastatsTemps(line: string): Map<string, number> {
  const temps = new Map<string, number>();
  for (const m of line.matchAll(/(?:^|\s)([A-Za-z][\w-]*)@(-?\d{1,3}(?:\.\d+)?)C(?=\s|$)/g)) {
    const value = Number(m[2]);
    if (Number.isFinite(value)) temps.set(m[1] as string, value);
  }
  return temps;
}
