/**
 * What `karana doctor` finds: system checks (tools, addons, permissions) and attached devices, each with the
 * driver that serves it and, for a problem, the fix.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One system check, e.g. "C addon loads", "real-time priority allowed". */
export interface SystemCheck {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found (a version, a path, a reason). */
  readonly detail: string;
  /** How to fix a `warn` / `fail`. */
  readonly fix?: string;
}

/** Device kinds as the doctor lists them (HAL kinds plus the buses they hang on). */
export type DoctorKind = 'camera' | 'imu' | 'glasses' | 'audio' | 'thermal' | 'power' | 'serial' | 'i2c-bus';

/** An attached device. */
export interface FoundDevice {
  readonly kind: DoctorKind;
  /** Device spec as session manifests and `KARANA_HIL_*` take it: `/dev/video0`, `i2c:1:0x68`, `hid:3318:0424`… */
  readonly spec: string;
  /** What it is: a card name, a chip, a product string. */
  readonly name: string;
  /** The driver of the HAL driver table that serves it, when there is one. */
  readonly driver?: string;
  readonly status: CheckStatus;
  /** A problem (permission denied, busy, ID mismatch), when status is not ok. */
  readonly problem?: string;
  readonly fix?: string;
}

/** A probe of one bus or device family; it never throws (a failure is a `fail` check of its own). */
export interface DeviceProbe {
  readonly name: string;
  probe(): Promise<{ readonly devices: readonly FoundDevice[]; readonly checks?: readonly SystemCheck[] }>;
}

export interface DoctorReport {
  readonly platform: string;
  readonly checks: readonly SystemCheck[];
  readonly devices: readonly FoundDevice[];
}
