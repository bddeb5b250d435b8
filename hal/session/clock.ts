/**
 * Session time for each device: ns since the session start, from the device's own clock.
 *   absolute recordings (EuRoC, UNIX ns):  t_session = t_device − startNs + offsetS·1e9
 *   relative recordings (WAV, video, CSV): t_session = t_device + offsetS·1e9
 * and the inverse, used to hand windowed drivers the session span on their own clock.
 */
import type { DeviceClock } from '../drivers.js';
import type { TimeWindow } from '../mock/time-window.js';
import type { ToSessionNs } from './types.js';

/** `offsetS` as integer ns. */
export function offsetNs(offsetS: number): bigint {
  return BigInt(Math.round(offsetS * 1e9));
}

/** The device-clock time that is session time 0. */
function zeroOnDevice(clock: DeviceClock, startNs: bigint, offsetS: number): bigint {
  return (clock === 'absolute' ? startNs : 0n) - offsetNs(offsetS);
}

/** Maps the device clock of a recording with `clock` to session time (see the module documentation). */
export function sessionClock(clock: DeviceClock, startNs: bigint, offsetS: number): ToSessionNs {
  const zero = zeroOnDevice(clock, startNs, offsetS);
  return (deviceTimeNs: bigint) => Number(deviceTimeNs - zero);
}

/** The session span `[0, durationNs]` on the device clock (open-ended without a duration). */
export function deviceWindow(clock: DeviceClock, startNs: bigint, offsetS: number, durationNs: bigint | undefined): TimeWindow {
  const zero = zeroOnDevice(clock, startNs, offsetS);
  return durationNs === undefined ? { fromNs: zero } : { fromNs: zero, toNs: zero + durationNs };
}
