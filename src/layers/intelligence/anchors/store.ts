/**
 * The anchor store: world-locked anchors as immutable data (create at a world pose, remove, list).
 * An anchor is a pose in the gravity-aligned world frame of the 6-DoF tracker; it does not move when the
 * head does — each frame the runtime expresses it in the current view (`view.ts`).
 *
 * Ids are `anchor-<n>` from a counter kept in the store (and in the persisted file), so a replay gives
 * the same ids (the event log stays byte-identical) and a removed id is never reused.
 */
import type { Quat, Vec3 } from '../../../math/quat.js';

export interface Anchor {
  readonly id: string;
  /** Position in the world frame, m. */
  readonly p_world_m: Vec3;
  /** Orientation of the anchor frame in the world frame, Hamilton `[w, x, y, z]`. */
  readonly q_world_anchor: Quat;
  /** Runtime time it was created, ns (0 for anchors loaded from a file written by another run). */
  readonly createdNs: number;
  /** Free text for the app that placed it. */
  readonly label?: string;
}

export interface AnchorStore {
  readonly anchors: readonly Anchor[];
  /** Next id number. */
  readonly nextId: number;
}

export const EMPTY_ANCHOR_STORE: AnchorStore = Object.freeze({ anchors: [], nextId: 1 });

export interface AnchorSpec {
  readonly p_world_m: Vec3;
  /** Default identity (axes of the world). */
  readonly q_world_anchor?: Quat;
  readonly label?: string;
}

/**
 * A store with one more anchor; returns it too.
 * @throws Error when the position or orientation is not finite or the quaternion is not unit-length
 *   within 1e-6 (e.g. `anchor "p_world_m" must be 3 finite numbers, got [1,NaN,0]`).
 */
export function createAnchor(store: AnchorStore, spec: AnchorSpec, nowNs: number): { store: AnchorStore; anchor: Anchor } {
  const q = spec.q_world_anchor ?? [1, 0, 0, 0];
  if (spec.p_world_m.length !== 3 || !spec.p_world_m.every(Number.isFinite)) {
    throw new Error(`anchor "p_world_m" must be 3 finite numbers, got ${JSON.stringify(spec.p_world_m)}`);
  }
  if (q.length !== 4 || !q.every(Number.isFinite) || Math.abs(Math.hypot(...q) - 1) > 1e-6) {
    throw new Error(`anchor "q_world_anchor" must be a unit quaternion [w, x, y, z], got ${JSON.stringify(q)}`);
  }
  const anchor: Anchor = {
    id: `anchor-${store.nextId}`,
    p_world_m: [...spec.p_world_m] as unknown as Vec3,
    q_world_anchor: [...q] as unknown as Quat,
    createdNs: nowNs,
    ...(spec.label === undefined ? {} : { label: spec.label }),
  };
  return { store: { anchors: [...store.anchors, anchor], nextId: store.nextId + 1 }, anchor };
}

/** A store without anchor `id`; `removed` says whether it was there. */
export function removeAnchor(store: AnchorStore, id: string): { store: AnchorStore; removed: boolean } {
  const anchors = store.anchors.filter((a) => a.id !== id);
  return { store: anchors.length === store.anchors.length ? store : { ...store, anchors }, removed: anchors.length !== store.anchors.length };
}

export function listAnchors(store: AnchorStore): readonly Anchor[] {
  return store.anchors;
}
