/**
 * I²C device specs, as written in a session's `path`, by `karana doctor` and in HIL variables such as
 * `KARANA_HIL_IMU=i2c:1:0x68`: `i2c:<bus>:<0xaddr>` — a Linux adapter number (`/dev/i2c-<bus>`) and a 7-bit
 * address in hex, 0x03–0x77 (the range `i2cdetect` scans; the others are reserved, NXP UM10204 "Reserved addresses" table).
 */
import { hex } from './bus.js';

export interface I2cSpec {
  readonly bus: number;
  readonly address: number;
}

const FORM = 'expected i2c:<bus>:<0xaddr>, e.g. i2c:1:0x68';
const PATTERN = /^i2c:(\d{1,3}):0x([0-9a-fA-F]{1,2})$/;

/** Parses `i2c:1:0x68`; throws an Error quoting the spec and the expected form when it is malformed. */
export function parseI2cSpec(spec: string): I2cSpec {
  const m = PATTERN.exec(spec.trim());
  if (m === null) throw new Error(`bad I²C device spec ${JSON.stringify(spec)}: ${FORM}`);
  const bus = Number(m[1]);
  const address = Number.parseInt(m[2] ?? '', 16);
  if (address < 0x03 || address > 0x77) throw new Error(`bad I²C device spec ${JSON.stringify(spec)}: address ${hex(address)} is reserved (use 0x03–0x77); ${FORM}`);
  return { bus, address };
}

/** `i2c:1:0x68`. */
export function formatI2cSpec(spec: I2cSpec): string {
  return `i2c:${spec.bus}:${hex(spec.address)}`;
}
