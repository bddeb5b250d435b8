/**
 * Layer 7's content state: what apps and services posted (`ui.notify`, `ui.tab`), anchor positions heard on
 * `anchors.updated`, and the effect of `ui.input` (gaze focus, dismiss, card cycling, pinch = select).
 * Pure: `stepContent(state, events, nowNs)` returns the new state; it never throws. A payload that does not
 * validate (zod) is counted in `rejected` with the reason naming the field (`ui.notify "title": …`).
 *
 * Lifetimes: an element with `ttlMs` goes at `tNs + ttlMs` (runtime clock); toasts default to 4 s and
 * notifications to 8 s, the other kinds stay until removed or dismissed.
 */
import { z } from 'zod';
import type { AnyEnvelope } from '../../bus/bus.js';
import type { HudLayoutKind, UiInputEvent, UiPriority } from './scene-types.js';

/** Default lifetimes per kind, ms (undefined: until dismissed). */
export const DEFAULT_TTL_MS: Readonly<Partial<Record<HudLayoutKind, number>>> = Object.freeze({ toast: 4000, notification: 8000 });

export interface PostedElement {
  readonly id: string;
  readonly kind: HudLayoutKind;
  readonly title: string;
  readonly body?: string;
  readonly items?: readonly string[];
  readonly priority: UiPriority;
  readonly postedNs: number;
  readonly expiresNs?: number;
  readonly source?: string;
}

export interface PostedTab {
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  readonly priority: UiPriority;
  readonly postedNs: number;
  readonly anchorId?: string;
  readonly p_world_m?: readonly [number, number, number];
  readonly expiresNs?: number;
}

export interface ContentState {
  /** By id, in posting order. */
  readonly elements: ReadonlyMap<string, PostedElement>;
  readonly tabs: ReadonlyMap<string, PostedTab>;
  /** Anchor id → world position, m (the newest `anchors.updated`). */
  readonly anchors: ReadonlyMap<string, readonly [number, number, number]>;
  /** Element under the gaze point, or null. */
  readonly focusId: string | null;
  /** Index of the card shown among the cards (cycled by `next` / `previous`). */
  readonly cardIndex: number;
  readonly rejected: number;
  readonly lastRejection: string | null;
}

export const INITIAL_CONTENT: ContentState = Object.freeze({ elements: new Map(), tabs: new Map(), anchors: new Map(), focusId: null, cardIndex: 0, rejected: 0, lastRejection: null });

const priority = z.enum(['critical', 'high', 'normal', 'low']).optional();
const text = (max: number) => z.string().max(max);
const common = { tNs: z.number().finite(), id: text(200).min(1), ttlMs: z.number().finite().positive().optional(), source: text(200).optional(), remove: z.boolean().optional() };
const notifySchema = z.object({ ...common, kind: z.enum(['card', 'toast', 'notification', 'list', 'text-wall']), title: text(500), body: text(20_000).optional(), items: z.array(text(500)).max(100).optional(), priority });
const removeSchema = z.object({ tNs: z.number().finite(), id: text(200).min(1), remove: z.literal(true) });
const vec3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const tabSchema = z.object({ ...common, title: text(500), body: text(5000).optional(), priority, anchorId: text(200).optional(), p_world_m: vec3.optional() }).refine((t) => t.anchorId !== undefined || t.p_world_m !== undefined, { message: 'needs "anchorId" or "p_world_m"' });

/** `topic "path": message` of the first zod issue. */
function reason(topic: string, error: z.ZodError): string {
  const issue = error.issues[0];
  return `${topic} "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`;
}

function reject(state: ContentState, why: string): ContentState {
  return { ...state, rejected: state.rejected + 1, lastRejection: why };
}

function expiry(tNs: number, ttlMs: number | undefined): number | undefined {
  return ttlMs === undefined ? undefined : tNs + ttlMs * 1e6;
}

function onNotify(state: ContentState, payload: unknown): ContentState {
  const removal = removeSchema.safeParse(payload);
  if (removal.success) return removeId(state, removal.data.id);
  const parsed = notifySchema.safeParse(payload);
  if (!parsed.success) return reject(state, reason('ui.notify', parsed.error));
  const p = parsed.data;
  const elements = new Map(state.elements);
  elements.delete(p.id); // a replacement moves to the end (newest)
  const ttl = p.ttlMs ?? DEFAULT_TTL_MS[p.kind];
  const expiresNs = expiry(p.tNs, ttl);
  elements.set(p.id, {
    id: p.id, kind: p.kind, title: p.title, priority: p.priority ?? 'normal', postedNs: p.tNs,
    ...(p.body === undefined ? {} : { body: p.body }), ...(p.items === undefined ? {} : { items: p.items }),
    ...(expiresNs === undefined ? {} : { expiresNs }), ...(p.source === undefined ? {} : { source: p.source }),
  });
  return { ...state, elements };
}

function onTab(state: ContentState, payload: unknown): ContentState {
  const removal = removeSchema.safeParse(payload);
  if (removal.success) return removeId(state, removal.data.id);
  const parsed = tabSchema.safeParse(payload);
  if (!parsed.success) return reject(state, reason('ui.tab', parsed.error));
  const p = parsed.data;
  const tabs = new Map(state.tabs);
  const expiresNs = expiry(p.tNs, p.ttlMs);
  tabs.set(p.id, {
    id: p.id, title: p.title, priority: p.priority ?? 'normal', postedNs: p.tNs,
    ...(p.body === undefined ? {} : { body: p.body }), ...(p.anchorId === undefined ? {} : { anchorId: p.anchorId }),
    ...(p.p_world_m === undefined ? {} : { p_world_m: p.p_world_m }), ...(expiresNs === undefined ? {} : { expiresNs }),
  });
  return { ...state, tabs };
}

function removeId(state: ContentState, id: string): ContentState {
  if (!state.elements.has(id) && !state.tabs.has(id)) return state;
  const elements = new Map(state.elements);
  const tabs = new Map(state.tabs);
  elements.delete(id);
  tabs.delete(id);
  return { ...state, elements, tabs, focusId: state.focusId === id ? null : state.focusId };
}

/** Ids of the cards and text walls (the `center` region), in posting order. */
export function cardIds(state: ContentState): string[] {
  return [...state.elements.values()].filter((e) => e.kind === 'card' || e.kind === 'text-wall').map((e) => e.id);
}

/** The card shown: `cardIndex` modulo the number of cards, or null without cards. */
export function currentCardId(state: ContentState): string | null {
  const cards = cardIds(state);
  return cards.length === 0 ? null : (cards[((state.cardIndex % cards.length) + cards.length) % cards.length] as string);
}

/**
 * What dismiss acts on: the element under the gaze, else the card shown, else the newest toast or
 * notification. Tabs are dismissed only when gazed at.
 */
function dismissTarget(state: ContentState): string | null {
  if (state.focusId !== null && (state.elements.has(state.focusId) || state.tabs.has(state.focusId))) return state.focusId;
  const card = currentCardId(state);
  if (card !== null) return card;
  const transient = [...state.elements.values()].filter((e) => e.kind === 'toast' || e.kind === 'notification');
  return transient.at(-1)?.id ?? null;
}

const inputSchema = z.discriminatedUnion('kind', [
  z.object({ tNs: z.number().finite(), source: text(100), kind: z.literal('gaze'), atPx: z.tuple([z.number().finite(), z.number().finite()]), targetId: text(200).nullable() }),
  z.object({ tNs: z.number().finite(), source: text(100), kind: z.literal('pinch'), phase: z.enum(['start', 'end']), atPx: z.tuple([z.number().finite(), z.number().finite()]), targetId: text(200).nullable() }),
  z.object({ tNs: z.number().finite(), source: text(100), kind: z.literal('key'), action: z.enum(['dismiss', 'next', 'previous', 'select']) }),
]);

function onInput(state: ContentState, payload: unknown): ContentState {
  const parsed = inputSchema.safeParse(payload);
  if (!parsed.success) return reject(state, reason('ui.input', parsed.error));
  const p: UiInputEvent = parsed.data;
  switch (p.kind) {
    case 'gaze':
      return { ...state, focusId: p.targetId };
    case 'pinch': // a pinch on an element selects it: toasts and notifications are acknowledged (removed)
      return p.phase === 'start' && p.targetId !== null ? select(state, p.targetId) : state;
    case 'key':
      if (p.action === 'next') return { ...state, cardIndex: state.cardIndex + 1 };
      if (p.action === 'previous') return { ...state, cardIndex: state.cardIndex - 1 };
      if (p.action === 'select') return state.focusId === null ? state : select(state, state.focusId);
      {
        const target = dismissTarget(state);
        return target === null ? state : removeId(state, target);
      }
  }
}

/** Selecting a toast or notification acknowledges it (removes it); selecting a card brings it to the front. */
function select(state: ContentState, id: string): ContentState {
  const e = state.elements.get(id);
  if (e === undefined) return state;
  if (e.kind === 'toast' || e.kind === 'notification') return removeId(state, id);
  const index = cardIds(state).indexOf(id);
  return index < 0 ? state : { ...state, cardIndex: index };
}

/** Drops what expired at `nowNs`. */
function expire(state: ContentState, nowNs: number): ContentState {
  const live = <T extends { expiresNs?: number }>(m: ReadonlyMap<string, T>): Map<string, T> | null => {
    if (![...m.values()].some((v) => v.expiresNs !== undefined && v.expiresNs <= nowNs)) return null;
    return new Map([...m].filter(([, v]) => v.expiresNs === undefined || v.expiresNs > nowNs));
  };
  const elements = live(state.elements);
  const tabs = live(state.tabs);
  if (elements === null && tabs === null) return state;
  const next = { ...state, elements: elements ?? state.elements, tabs: tabs ?? state.tabs };
  return next.focusId !== null && !next.elements.has(next.focusId) && !next.tabs.has(next.focusId) ? { ...next, focusId: null } : next;
}

/** One step: the events since the last step (any topics; the content ones are used), then expiry at `nowNs`. */
export function stepContent(state: ContentState, events: readonly AnyEnvelope[], nowNs: number): ContentState {
  let s = state;
  for (const e of events) {
    if (e.topic === 'ui.notify') s = onNotify(s, e.payload);
    else if (e.topic === 'ui.tab') s = onTab(s, e.payload);
    else if (e.topic === 'ui.input') s = onInput(s, e.payload);
    else if (e.topic === 'anchors.updated') s = { ...s, anchors: new Map(e.payload.anchors.map((a) => [a.id, a.p_world_m] as const)) };
  }
  return expire(s, nowNs);
}
