/**
 * `sysfs:<name>` specs: a thermal zone (its `type`, e.g. `sysfs:cpu-thermal`, or directory,
 * `sysfs:thermal_zone0`) or a power supply (`sysfs:BAT0`); an absolute path
 * (`sysfs:/sys/class/thermal/thermal_zone0`) names the folder directly and sets the sysfs root.
 */

export const SYSFS_SPEC_FORM = 'sysfs:<zone type | thermal_zoneN | supply name | /sys/class/…/<name>>, e.g. sysfs:cpu-thermal, sysfs:BAT0';

/** The zone or supply name and, for an absolute path, the sysfs root; throws showing the expected form. */
export function parseSysfsSpec(spec: string): { readonly name: string; readonly sysfsRoot?: string } {
  const m = /^sysfs:(.+)$/.exec(spec);
  const rest = m?.[1]?.trim() ?? '';
  const abs = /^(\/.*)\/class\/(?:thermal|power_supply)\/([^/]+)\/?$/.exec(rest);
  if (abs !== null) return { name: abs[2] as string, sysfsRoot: abs[1] === '' ? '/' : abs[1] };
  if (!/^[\w.:-]+$/.test(rest)) throw new Error(`bad sysfs spec ${JSON.stringify(spec)}: expected ${SYSFS_SPEC_FORM}`);
  return { name: rest };
}
