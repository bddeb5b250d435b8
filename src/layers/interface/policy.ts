/**
 * The HUD's display policy: which candidate elements to show when space or power is short. Pure.
 *
 * 1. The power profile sets a priority floor (`LAYOUT_DEFAULTS.floor`: `full`/`balanced` show everything,
 *    `saver` drops `low`, `critical` keeps only `high` and `critical`); below it an element is hidden with
 *    reason `profile`. `critical` elements are never dropped.
 * 2. Each region holds at most `capacity[region]` elements: the highest priority first, then the highest z,
 *    then the newest (`postedNs`); the rest are hidden with reason `capacity`.
 * 3. What is shown is returned in draw order: z ascending, ties by id (stable, so the page does not flicker).
 *
 * The same rules decide AR tabs (region `world`). Sources followed: none beyond the text; the floors
 * mirror the resource coordinator's profiles (layer 9, `src/layers/services`).
 */
import type { PowerProfile } from '../../bus/topics.js';
import type { HudHidden, HudRegion, UiPriority } from './scene-types.js';

export interface LayoutSettings {
  /** Most elements shown per region. */
  readonly capacity: Readonly<Record<HudRegion, number>>;
  /** Lowest priority shown per power profile (no profile known: everything). */
  readonly floor: Readonly<Record<PowerProfile, UiPriority>>;
}

export const LAYOUT_DEFAULTS: LayoutSettings = Object.freeze({
  capacity: Object.freeze({ center: 1, toasts: 3, side: 1, status: 2, overlay: 2, world: 6 }),
  floor: Object.freeze({ full: 'low', balanced: 'low', saver: 'normal', critical: 'high' }),
});

/** Rank of a priority: higher is more important. */
export const PRIORITY_RANK: Readonly<Record<UiPriority, number>> = Object.freeze({ critical: 3, high: 2, normal: 1, low: 0 });

/** What the policy needs of an element. */
export interface Candidate {
  readonly id: string;
  readonly region: HudRegion;
  readonly priority: UiPriority;
  readonly z: number;
  /** When it was posted (newer wins a tie), runtime ns. */
  readonly postedNs: number;
}

export interface PolicyResult<C extends Candidate> {
  /** Shown, in draw order (z ascending, then id). */
  readonly shown: readonly C[];
  readonly hidden: readonly HudHidden[];
}

/** Applies the profile floor and the region capacities to `candidates` (see the module comment). */
export function applyPolicy<C extends Candidate>(candidates: readonly C[], profile: PowerProfile | undefined, settings: LayoutSettings = LAYOUT_DEFAULTS): PolicyResult<C> {
  const hidden: HudHidden[] = [];
  const floor = profile === undefined ? 0 : PRIORITY_RANK[settings.floor[profile]];
  const byRegion = new Map<HudRegion, C[]>();
  for (const c of candidates) {
    if (c.priority !== 'critical' && PRIORITY_RANK[c.priority] < floor) {
      hidden.push({ id: c.id, reason: 'profile' });
      continue;
    }
    const list = byRegion.get(c.region) ?? [];
    list.push(c);
    byRegion.set(c.region, list);
  }
  const shown: C[] = [];
  for (const [region, list] of byRegion) {
    list.sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || b.z - a.z || b.postedNs - a.postedNs || (a.id < b.id ? -1 : 1));
    const cap = Math.max(0, settings.capacity[region]);
    shown.push(...list.slice(0, cap));
    for (const c of list.slice(cap)) hidden.push({ id: c.id, reason: 'capacity' });
  }
  shown.sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { shown, hidden };
}
