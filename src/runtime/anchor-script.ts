/**
 * Anchor commands scheduled on the runtime clock (`karana run --anchor-at`, `--anchor-pixel`): each is
 * published on `anchor.command` when the first tracking-camera frame stamped at or after its time is
 * delivered on the bus — inside the same flush, so layer 5 takes the command together with that frame, a
 * pixel refers to that frame, and a `--speed 0` replay stays byte-identical.
 */
import type { Subscription } from 'rxjs';
import type { Bus } from '../bus/bus.js';
import type { AnchorCommand } from '../bus/topics.js';

export interface ScriptedAnchorCommand {
  /** Runtime time, ns: sent with the first tracking frame captured at or after it. */
  readonly atNs: number;
  readonly requestId: string;
  readonly command: AnchorCommand;
}

/** Publishes `commands` on `bus` at their times (see the module documentation); `close()` stops it. */
export class AnchorCommandScript {
  private readonly pending: ScriptedAnchorCommand[];
  private readonly sub: Subscription;

  constructor(bus: Bus, commands: readonly ScriptedAnchorCommand[]) {
    this.pending = [...commands].sort((a, b) => a.atNs - b.atNs);
    this.sub = bus.observe('camera.frame').subscribe((e) => {
      if (e.payload.role !== 'tracking') return;
      while (this.pending.length > 0 && (this.pending[0] as ScriptedAnchorCommand).atNs <= e.payload.tNs) {
        const c = this.pending.shift() as ScriptedAnchorCommand;
        bus.publish('anchor.command', { tNs: e.payload.tNs, requestId: c.requestId, command: c.command });
      }
    });
  }

  /** Commands not sent yet (their frame has not come). */
  get remaining(): number {
    return this.pending.length;
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

/** `want` (or any count listed) comma-separated finite numbers in `head` (a part of `text`, the flag's value named in errors). */
function numbers(flag: string, text: string, head: string, want: number | readonly number[], form: string): number[] {
  const parts = head.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const counts = typeof want === 'number' ? [want] : want;
  if (!counts.includes(parts.length) || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new Error(`${flag} "${text}": expected ${form}`);
  }
  return values;
}

function splitAt(flag: string, text: string, form: string, timeRequired: boolean): { head: string; atNs: number } {
  const at = text.lastIndexOf('@');
  if (at < 0) {
    if (timeRequired) throw new Error(`${flag} "${text}": expected ${form}`);
    return { head: text, atNs: 0 };
  }
  const s = Number(text.slice(at + 1));
  if (text.slice(at + 1).trim() === '' || !(s >= 0) || !Number.isFinite(s)) throw new Error(`${flag} "${text}": the time after "@" must be seconds ≥ 0, got "${text.slice(at + 1)}"`);
  return { head: text.slice(0, at), atNs: Math.round(s * 1e9) };
}

const AT_FORM = 'x,y,z[@tSeconds] (world frame, m; runtime s, default 0), e.g. 1.5,0,0.2@3';
const PIXEL_FORM = 'u,v[,depthM]@tSeconds (tracking-image px; m along the optical axis, default where the ray meets the scene; runtime s), e.g. 376,240,2.5@4 or 376,240@4';

/** `--anchor-at x,y,z[@t]`: create an anchor at a world position (m) with the first tracking frame at ≥ t s. @throws Error naming the flag and value */
export function parseAnchorAt(text: string, requestId: string): ScriptedAnchorCommand {
  const { head, atNs } = splitAt('--anchor-at', text, AT_FORM, false);
  const [x, y, z] = numbers('--anchor-at', text, head, 3, AT_FORM) as [number, number, number];
  return { atNs, requestId, command: { kind: 'create', p_world_m: [x, y, z], label: `--anchor-at ${text}` } };
}

/**
 * `--anchor-pixel u,v[,depthM]@t`: create an anchor on the view ray through pixel (u, v) of the tracking frame at
 * ≥ t s, at `depthM` along the optical axis or, without it, where the ray meets the scene (the VIO's landmarks).
 * @throws Error naming the flag and value
 */
export function parseAnchorPixel(text: string, requestId: string): ScriptedAnchorCommand {
  const { head, atNs } = splitAt('--anchor-pixel', text, PIXEL_FORM, true);
  const [u, v, depthM] = numbers('--anchor-pixel', text, head, [2, 3], PIXEL_FORM) as [number, number, number | undefined];
  return { atNs, requestId, command: { kind: 'create-at-pixel', pixel: [u, v], ...(depthM === undefined ? {} : { depthM }), label: `--anchor-pixel ${text}` } };
}

/** The scripted commands of `karana run`'s flags, request ids `cli-1`, `cli-2`, … in flag order (`--anchor-at` first). */
export function scriptFromFlags(anchorAt: readonly string[] = [], anchorPixel: readonly string[] = []): ScriptedAnchorCommand[] {
  let n = 0;
  return [...anchorAt.map((t) => parseAnchorAt(t, `cli-${++n}`)), ...anchorPixel.map((t) => parseAnchorPixel(t, `cli-${++n}`))];
}
