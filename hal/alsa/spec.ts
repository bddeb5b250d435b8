/**
 * `alsa:<device>` specs: the ALSA PCM name arecord's `-D` takes (alsa-lib "PCM naming conventions",
 * asoundrc(5)): `hw:<card>,<device>` (the hardware device, e.g. `alsa:hw:1,0`), `plughw:…` (with rate,
 * format and channel conversion), `hw:CARD=<id>,DEV=<n>` (by card name, stable across reboots), `dsnoop:…`
 * (shared capture), `default`, or a name defined in ~/.asoundrc.
 */

export const ALSA_SPEC_FORM = 'alsa:<device>, e.g. alsa:hw:1,0, alsa:plughw:CARD=Device,DEV=0, alsa:default';

/** The ALSA device name in `spec`; throws an Error showing the expected form. */
export function parseAlsaSpec(spec: string): string {
  const m = /^alsa:([A-Za-z_][\w-]*(?::[\w=,.-]+)?)$/.exec(spec);
  if (m === null) throw new Error(`bad audio spec ${JSON.stringify(spec)}: expected ${ALSA_SPEC_FORM}`);
  return m[1] as string;
}
