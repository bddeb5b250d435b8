/**
 * Layout composition of layer 7: the content state (`content.ts`) and the sensor part of the scene →
 * `HudScene.layout` and `HudScene.tabs`, through the policy (`policy.ts`). Pure.
 *
 * Regions and z-order by kind (`Z_ORDER`): horizon 0 and detections 5 (overlay), AR tabs 10 (world),
 * battery and thermal 20 (status), lists 30 (side), cards and text walls 40 (center; one shown, the others
 * queued and cycled by `next`), notifications 50 and toasts 60 (toasts region, newest on top).
 * Widget priorities: the horizon `normal`; detections `low` (first to go in `saver`); battery `normal`,
 * `high` below 15 %; thermal `low`, `high` from 75 °C (the thresholds the page colours red).
 */
import type { HudScene, PowerProfile } from '../../bus/topics.js';
import { currentCardId, type ContentState } from './content.js';
import { applyPolicy, LAYOUT_DEFAULTS, type Candidate, type LayoutSettings } from './policy.js';
import type { HudElement, HudHidden, HudLayout, HudLayoutKind, HudRegion, HudTab, HudWidgetKind, UiPriority } from './scene-types.js';

export const Z_ORDER: Readonly<Record<HudLayoutKind | HudWidgetKind | 'tab', number>> = Object.freeze({
  horizon: 0, detections: 5, tab: 10, battery: 20, thermal: 20, list: 30, card: 40, 'text-wall': 40, notification: 50, toast: 60,
});

const REGION: Readonly<Record<HudLayoutKind, HudRegion>> = Object.freeze({ card: 'center', 'text-wall': 'center', list: 'side', notification: 'toasts', toast: 'toasts' });

type Placed = HudElement & Candidate;

/** The built-in widgets for the sensor state in `scene`. */
function widgets(scene: HudScene): Placed[] {
  const out: Placed[] = [];
  const w = (kind: HudWidgetKind, region: HudRegion, priority: UiPriority): Placed => ({ id: `widget:${kind}`, kind, region, priority, z: Z_ORDER[kind], postedNs: 0 });
  if (scene.attitude !== undefined) out.push(w('horizon', 'overlay', 'normal'));
  if (scene.detections !== undefined) out.push(w('detections', 'overlay', 'low'));
  if (scene.battery?.percent !== undefined) out.push(w('battery', 'status', scene.battery.percent < 15 ? 'high' : 'normal'));
  if (scene.thermal !== undefined) out.push(w('thermal', 'status', scene.thermal.tempC >= 75 ? 'high' : 'low'));
  return out;
}

/**
 * Layout and tabs for `content` over the sensor `scene`, under `profile` (the newest `resources.changed`).
 * Only the card at `cardIndex` is a candidate in `center`; tabs whose anchor is not (or no longer) listed by
 * `anchors.updated` are hidden with reason `no-anchor`.
 */
export function composeLayout(content: ContentState, scene: HudScene, profile: PowerProfile | undefined, settings: LayoutSettings = LAYOUT_DEFAULTS): { layout: HudLayout; tabs: HudTab[] } {
  const shownCard = currentCardId(content);
  const candidates: Placed[] = widgets(scene);
  let queuedCards = 0;
  for (const e of content.elements.values()) {
    const region = REGION[e.kind];
    if (region === 'center' && e.id !== shownCard) {
      queuedCards += 1;
      continue;
    }
    candidates.push({
      id: e.id, kind: e.kind, region, priority: e.priority, z: Z_ORDER[e.kind], postedNs: e.postedNs, title: e.title,
      ...(e.body === undefined ? {} : { body: e.body }), ...(e.items === undefined ? {} : { items: e.items }),
      ...(e.expiresNs === undefined ? {} : { expiresNs: e.expiresNs }), ...(e.source === undefined ? {} : { source: e.source }),
    });
  }
  const unanchored: HudHidden[] = [];
  const tabCandidates: Array<HudTab & Candidate> = [];
  for (const t of content.tabs.values()) {
    const p = t.anchorId !== undefined ? content.anchors.get(t.anchorId) : t.p_world_m;
    if (p === undefined) {
      unanchored.push({ id: t.id, reason: 'no-anchor' });
      continue;
    }
    tabCandidates.push({
      id: t.id, title: t.title, priority: t.priority, z: Z_ORDER.tab, region: 'world', postedNs: t.postedNs, p_world_m: p,
      ...(t.body === undefined ? {} : { body: t.body }), ...(t.anchorId === undefined ? {} : { anchorId: t.anchorId }),
      ...(t.expiresNs === undefined ? {} : { expiresNs: t.expiresNs }),
    });
  }
  const layout = applyPolicy(candidates, profile, settings);
  const tabs = applyPolicy(tabCandidates, profile, settings);
  const strip = <T extends Candidate>(c: T): Omit<T, 'postedNs'> => {
    const { postedNs: _posted, ...rest } = c;
    return rest;
  };
  return {
    layout: {
      elements: layout.shown.map((e) => strip(e) as HudElement),
      hidden: [...layout.hidden, ...tabs.hidden, ...unanchored],
      focusId: content.focusId,
      queuedCards,
    },
    tabs: tabs.shown.map((t) => {
      const { region: _region, ...rest } = strip(t);
      return rest;
    }),
  };
}
