/**
 * Device spec strings of USB HID devices: `hid:<vid hex>:<pid hex>[:<serial>]`, e.g. `hid:3318:0424`,
 * `hid:3318:0432:0123456789` (as used in a session's `path`, `karana doctor` and `KARANA_HIL_IMU`).
 */
export interface HidSpec {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string;
}

const EXPECTED = 'expected hid:<vid hex>:<pid hex>[:<serial>], e.g. hid:3318:0424';

/** @throws Error naming the spec and the expected form when it is malformed. */
export function parseHidSpec(spec: string): HidSpec {
  const m = /^hid:([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})(?::([^\s:]+))?$/.exec(spec);
  if (m === null) throw new Error(`bad HID device spec ${JSON.stringify(spec)}: ${EXPECTED}`);
  const [, vid, pid, serial] = m;
  return { vendorId: parseInt(vid as string, 16), productId: parseInt(pid as string, 16), ...(serial !== undefined ? { serialNumber: serial } : {}) };
}

/** `hid:3318:0424[:serial]`. */
export function formatHidSpec(spec: HidSpec): string {
  const hex = (v: number): string => v.toString(16).padStart(4, '0');
  return `hid:${hex(spec.vendorId)}:${hex(spec.productId)}${spec.serialNumber !== undefined ? `:${spec.serialNumber}` : ''}`;
}
