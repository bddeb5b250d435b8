/**
 * Device spec strings of serial devices: `serial:<path>[@baud]`, e.g. `serial:/dev/ttyUSB0@115200`,
 * `serial:/dev/ttyAMA0` (the driver's default baud rate applies). The same string is used in a session's
 * `path`, in `karana doctor` and in HIL variables such as `KARANA_HIL_IMU` (docs/hil.md).
 */

/** A parsed `serial:` spec. */
export interface SerialSpec {
  /** Device node, e.g. `/dev/ttyUSB0`, `/dev/ttyAMA0`, `/dev/ttyTHS1`. */
  readonly path: string;
  /** Baud rate when the spec gives one. */
  readonly baudRate?: number;
}

/** Baud rates a Linux UART (termios `Bxxx` constants) can be set to; others are refused. */
export const STANDARD_BAUD_RATES: readonly number[] = Object.freeze([
  1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000,
  2000000, 3000000, 4000000,
]);

const EXPECTED = 'expected serial:<path>[@baud], e.g. serial:/dev/ttyUSB0@115200';

/**
 * Parses `serial:<path>[@baud]`.
 * @throws Error naming the spec and the expected form when it is malformed (no `serial:` prefix, a relative
 *   path, a baud rate that is not a standard positive integer).
 */
export function parseSerialSpec(spec: string): SerialSpec {
  if (!spec.startsWith('serial:')) throw new Error(`bad serial device spec ${JSON.stringify(spec)}: ${EXPECTED}`);
  const rest = spec.slice('serial:'.length);
  const at = rest.lastIndexOf('@');
  const path = at >= 0 ? rest.slice(0, at) : rest;
  if (!path.startsWith('/') || path.length < 2 || /\s/.test(path)) {
    throw new Error(`bad serial device spec ${JSON.stringify(spec)}: the path must be absolute; ${EXPECTED}`);
  }
  if (at < 0) return { path };
  const baudText = rest.slice(at + 1);
  const baudRate = /^\d+$/.test(baudText) ? Number(baudText) : Number.NaN;
  if (!STANDARD_BAUD_RATES.includes(baudRate)) {
    throw new Error(
      `bad serial device spec ${JSON.stringify(spec)}: baud rate ${JSON.stringify(baudText)} is not one of ${STANDARD_BAUD_RATES.join(', ')}; ${EXPECTED}`,
    );
  }
  return { path, baudRate };
}

/** `serial:<path>@<baud>`. */
export function formatSerialSpec(spec: SerialSpec): string {
  return spec.baudRate === undefined ? `serial:${spec.path}` : `serial:${spec.path}@${spec.baudRate}`;
}
