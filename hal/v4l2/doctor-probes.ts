/**
 * The probes of this module's devices in the shape `karana doctor` takes (`src/doctor/types.ts`
 * `DeviceProbe`: `{name, probe(): Promise<{devices, checks?}>}`, matched structurally so the HAL does not
 * import the CLI): V4L2 nodes, ALSA capture devices, sysfs thermal zones and power supplies. Never throw.
 */
import { probeAlsa } from '../alsa/probe.js';
import { probeSysfs } from '../sysfs/probe.js';
import { probeVideoDevices } from './probe.js';

type Status = 'ok' | 'warn' | 'fail';

/** A found device, as `src/doctor/types.ts` `FoundDevice`. */
export interface DoctorDevice {
  readonly kind: 'camera' | 'audio' | 'thermal' | 'power';
  readonly spec: string;
  readonly name: string;
  readonly driver?: string;
  readonly status: Status;
  readonly problem?: string;
  readonly fix?: string;
}

export interface DoctorCheck {
  readonly name: string;
  readonly status: Status;
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorProbe {
  readonly name: string;
  probe(): Promise<{ readonly devices: readonly DoctorDevice[]; readonly checks?: readonly DoctorCheck[] }>;
}

/** V4L2 cameras (`/dev/video*`). */
export const V4L2_DOCTOR_PROBE: DoctorProbe = {
  name: 'v4l2',
  async probe() {
    const found = await probeVideoDevices();
    const devices = found
      .filter((d) => d.usable || d.fix === undefined || !d.fix.startsWith('nothing to do'))
      .map((d): DoctorDevice => ({
        kind: 'camera',
        spec: d.path,
        name: d.card !== undefined ? `${d.card} (${d.driver ?? '?'}, ${d.busInfo ?? '?'}): ${d.formats.map((f) => `${f.fourcc} ${f.sizes.slice(0, 3).join(' ')}`).join('; ')}` : d.path,
        ...(d.usable ? { driver: 'v4l2', status: 'ok' as const } : { status: 'warn' as const, problem: d.problem ?? 'not usable', ...(d.fix !== undefined ? { fix: d.fix } : {}) }),
      }));
    return { devices };
  },
};

/** ALSA capture devices. */
export const ALSA_DOCTOR_PROBE: DoctorProbe = {
  name: 'alsa',
  async probe() {
    const r = await probeAlsa();
    const devices = r.devices.map((d): DoctorDevice => ({ kind: 'audio', spec: d.spec, name: `${d.name} (card ${d.cardId})`, driver: 'alsa', status: 'ok' }));
    const checks: DoctorCheck[] = r.problems.map((p) => ({ name: 'ALSA capture', status: devices.length > 0 ? 'ok' : 'warn', detail: p, ...(devices.length === 0 ? { fix: 'plug in a USB microphone or enable an I²S microphone (docs/hal-audio-thermal-power.md)' } : {}) }));
    return { devices, checks };
  },
};

/** Thermal zones and power supplies under /sys. */
export const SYSFS_DOCTOR_PROBE: DoctorProbe = {
  name: 'sysfs',
  async probe() {
    const r = await probeSysfs();
    const devices: DoctorDevice[] = [
      ...r.zones.map((z): DoctorDevice => ({ kind: 'thermal', spec: z.spec, name: `${z.name} ${z.type}${z.tempC !== undefined ? ` ${z.tempC} °C` : ''}`, driver: 'sysfs-thermal', status: z.tempC !== undefined ? 'ok' : 'warn' })),
      ...r.supplies
        .filter((s) => s.type === 'Battery' || s.type === 'UPS')
        .map((s): DoctorDevice => ({ kind: 'power', spec: s.spec, name: `${s.name} ${s.type}${s.capacityPercent !== undefined ? ` ${s.capacityPercent} %` : ''}${s.status !== undefined ? ` ${s.status}` : ''}`, driver: 'sysfs-power', status: 'ok' })),
    ];
    return { devices, checks: r.problems.map((p) => ({ name: 'sysfs', status: 'warn' as const, detail: p })) };
  },
};
