/**
 * A closed time window on a device's own clock, used by the replay drivers that can start and stop inside
 * a recording (the session loader derives it from the session's start and duration).
 */

/** `[fromNs, toNs]`, both inclusive, device clock, ns; an absent bound is open. */
export interface TimeWindow {
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
}

/** True when `tNs` lies before the window's start. */
export function isBeforeWindow(tNs: bigint, window: TimeWindow | undefined): boolean {
  return window?.fromNs !== undefined && tNs < window.fromNs;
}

/** True when `tNs` lies after the window's end. */
export function isAfterWindow(tNs: bigint, window: TimeWindow | undefined): boolean {
  return window?.toNs !== undefined && tNs > window.toNs;
}
