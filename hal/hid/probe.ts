/**
 * `karana doctor` for USB HID glasses: a table of known devices (Monado `target_lists.c` style), a probe that
 * enumerates with node-hid, matches the table, and tries to open each matched hidraw node (EACCES = a
 * permission problem, fixed by {@link UDEV_RULES_XREAL}), and the udev rules text.
 */
import type { HidBackend } from './hid-transport.js';
import { nodeHidBackend } from './hid-transport.js';
import { XREAL_IMU_INTERFACE, XREAL_MCU_INTERFACE, XREAL_PIDS, XREAL_VID } from './xreal-protocol.js';
import { formatHidSpec } from './spec.js';

export interface HidTableEntry {
  readonly vendorId: number;
  readonly productId: number;
  readonly name: string;
  /** USB interface number → role. */
  readonly interfaces: Readonly<Record<number, string>>;
  readonly driver: string;
}

const XREAL_INTERFACES = Object.freeze({ [XREAL_IMU_INTERFACE]: 'imu (sensor reports ~1 kHz, calibration)', [XREAL_MCU_INTERFACE]: 'mcu (display mode, brightness, buttons)' });

/** Known HID glasses (PIDs verified against XRLinuxDriver `device_pid_*` and ar-drivers-rs). */
export const HID_DEVICE_TABLE: readonly HidTableEntry[] = Object.freeze([
  { vendorId: XREAL_VID, productId: XREAL_PIDS.air, name: 'XREAL Air', interfaces: XREAL_INTERFACES, driver: 'xreal-air' },
  { vendorId: XREAL_VID, productId: XREAL_PIDS.air2, name: 'XREAL Air 2', interfaces: XREAL_INTERFACES, driver: 'xreal-air' },
  { vendorId: XREAL_VID, productId: XREAL_PIDS.air2Pro, name: 'XREAL Air 2 Pro', interfaces: XREAL_INTERFACES, driver: 'xreal-air' },
]);

export interface HidProbe {
  readonly name: string;
  readonly driver: string;
  readonly spec: string;
  readonly interface: number;
  readonly role: string;
  readonly path?: string;
  /** `ok`, `permission` (EACCES/EPERM: install the udev rule), or `error` with the message. */
  readonly access: 'ok' | 'permission' | 'error';
  readonly error?: string;
}

/** Enumerates HID devices, keeps those in {@link HID_DEVICE_TABLE}, and tries to open each interface. */
export async function probeHid(backend: HidBackend = nodeHidBackend): Promise<HidProbe[]> {
  const found = await backend.devices();
  const out: HidProbe[] = [];
  for (const d of found) {
    const entry = HID_DEVICE_TABLE.find((e) => e.vendorId === d.vendorId && e.productId === d.productId);
    const role = entry?.interfaces[d.interface];
    if (entry === undefined || role === undefined) continue;
    const base = { name: entry.name, driver: entry.driver, spec: formatHidSpec({ vendorId: d.vendorId, productId: d.productId, ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}) }), interface: d.interface, role, ...(d.path !== undefined ? { path: d.path } : {}) };
    if (d.path === undefined) {
      out.push({ ...base, access: 'error', error: 'no hidraw path' });
      continue;
    }
    try {
      const h = await backend.open(d.path);
      await h.close();
      out.push({ ...base, access: 'ok' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      out.push({ ...base, access: /EACCES|EPERM|permission|cannot open/i.test(message) ? 'permission' : 'error', error: message });
    }
  }
  return out;
}

/**
 * udev rules giving the logged-in user access to the glasses' hidraw nodes (systemd-logind `uaccess`), for
 * `/etc/udev/rules.d/70-xreal.rules`; then `sudo udevadm control --reload && sudo udevadm trigger`, re-plug.
 */
export const UDEV_RULES_XREAL = [
  '# XREAL Air / Air 2 / Air 2 Pro: IMU (interface 3) and MCU (interface 4) hidraw nodes for the seat user',
  ...HID_DEVICE_TABLE.map((e) => `KERNEL=="hidraw*", SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${e.vendorId.toString(16).padStart(4, '0')}", ATTRS{idProduct}=="${e.productId.toString(16).padStart(4, '0')}", MODE="0660", TAG+="uaccess"`),
  '',
].join('\n');
