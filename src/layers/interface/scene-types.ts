/**
 * The HUD scene model of layer 7 (`docs/hud.md#the-scene-model`): content that apps and services post
 * (`ui.notify`: cards, toasts, notifications, lists, text walls; `ui.tab`: AR tabs attached to a world point
 * or an anchor), the input that stands in for gaze and pinch (`ui.input`), and the laid-out elements the
 * HUD page draws (`HudScene.layout`, `HudScene.tabs`). Every element has a region, a z-order (drawn from
 * low to high) and a priority (what stays when space or power is short: `policy.ts`).
 *
 * Clock: `tNs` on the runtime clock (ns). Frames: `p_world_m` in the world frame of the 6-DoF tracker
 * (the VIO's: its first body pose, gravity-aligned, z up), m.
 */
import type { RuntimeNs } from '../../bus/topics.js';

/** Highest first: `critical` is never dropped by the policy. */
export type UiPriority = 'critical' | 'high' | 'normal' | 'low';

/** Layout content kinds (`ui.notify`). */
export type HudLayoutKind = 'card' | 'toast' | 'notification' | 'list' | 'text-wall';

/** Built-in widgets layer 7 composes from sensor state. */
export type HudWidgetKind = 'horizon' | 'battery' | 'thermal' | 'detections';

/**
 * Screen regions, each with a capacity (`LAYOUT_DEFAULTS.capacity`): `center` (cards, text walls), `toasts`
 * (toasts and notifications, stacked top right), `side` (lists), `status` (battery, thermal), `overlay`
 * (horizon, detections: drawn over the whole view), `world` (AR tabs, drawn where their world point projects).
 */
export type HudRegion = 'center' | 'toasts' | 'side' | 'status' | 'overlay' | 'world';

/** `ui.notify`: post, replace (same `id`) or remove content. */
export interface UiNotifyEvent {
  /** When it was posted, runtime ns. */
  readonly tNs: RuntimeNs;
  /** Chosen by the poster; a later post with the same id replaces it. */
  readonly id: string;
  readonly kind: HudLayoutKind;
  readonly title: string;
  readonly body?: string;
  /** `list`: its rows. */
  readonly items?: readonly string[];
  /** Default `normal`. */
  readonly priority?: UiPriority;
  /** Lifetime from `tNs`, ms; default 4000 for toasts, 8000 for notifications, none (until dismissed) otherwise. */
  readonly ttlMs?: number;
  /** Who posted it (an app id, a service). */
  readonly source?: string;
  /** Remove the element `id` instead. */
  readonly remove?: boolean;
}

/** `ui.tab`: an AR tab attached to an anchor (`anchorId`, from `anchors.updated`) or to a world point. */
export interface UiTabEvent {
  readonly tNs: RuntimeNs;
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  readonly priority?: UiPriority;
  /** An anchor of layer 5; the tab shows while `anchors.updated` lists it. */
  readonly anchorId?: string;
  /** Or a fixed world point, m (world frame of the 6-DoF tracker). */
  readonly p_world_m?: readonly [number, number, number];
  readonly ttlMs?: number;
  readonly source?: string;
  readonly remove?: boolean;
}

/**
 * `ui.input`: gaze and pinch from the HUD page's mouse and keyboard (the laptop stand-in for eye tracking
 * and hand gestures, like Monado's qwerty driver) or from a real tracker. `atPx` is in display pixels
 * (the display profile's image); `targetId` is the element the page hit-tested at that point (null: none).
 */
export type UiInputEvent =
  | { readonly tNs: RuntimeNs; readonly source: string; readonly kind: 'gaze'; readonly atPx: readonly [number, number]; readonly targetId: string | null }
  | { readonly tNs: RuntimeNs; readonly source: string; readonly kind: 'pinch'; readonly phase: 'start' | 'end'; readonly atPx: readonly [number, number]; readonly targetId: string | null }
  | { readonly tNs: RuntimeNs; readonly source: string; readonly kind: 'key'; readonly action: HudKeyAction };

/** What a key does: dismiss the focused element, cycle the cards, select (= pinch on the gaze target). */
export type HudKeyAction = 'dismiss' | 'next' | 'previous' | 'select';

/** A laid-out layout element or widget, as the page draws it. */
export interface HudElement {
  readonly id: string;
  readonly kind: HudLayoutKind | HudWidgetKind;
  readonly region: HudRegion;
  readonly priority: UiPriority;
  /** Draw order: higher over lower. */
  readonly z: number;
  readonly title?: string;
  readonly body?: string;
  readonly items?: readonly string[];
  /** When it goes, runtime ns (absent: until dismissed). */
  readonly expiresNs?: number;
  readonly source?: string;
}

/** An AR tab to draw at the projection of its world point (the page projects it with the newest pose). */
export interface HudTab {
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  readonly priority: UiPriority;
  readonly z: number;
  /** World point, m (the anchor's position when `anchorId` is set). */
  readonly p_world_m: readonly [number, number, number];
  readonly anchorId?: string;
  readonly expiresNs?: number;
}

/** What the policy left out, and why (`profile`: below the power profile's floor; `capacity`: region full). */
export interface HudHidden {
  readonly id: string;
  readonly reason: 'profile' | 'capacity' | 'no-anchor';
}

/** `HudScene.layout`: the elements to draw (in z order), what was left out, the gaze focus, the card queue. */
export interface HudLayout {
  readonly elements: readonly HudElement[];
  readonly hidden: readonly HudHidden[];
  /** The element under the gaze point (highlighted), or null. */
  readonly focusId: string | null;
  /** Cards waiting behind the one shown (`next` / `previous` cycle them). */
  readonly queuedCards: number;
}
