/**
 * Layer-5 adapter for world-locked anchors, on the store. In: the tracking camera's `camera.frame` (the
 * cadence: one `anchors.updated` per frame, stamped with the frame's capture time), `pose.updated` (the newest
 * 6-DoF pose of the configured source, `vio` by default), and store commands (create at a world pose, remove;
 * the bus's `anchor.command` is resolved into these by `layer.ts`). Out: `anchors.updated` with every anchor's
 * pose in the current view frame and its pixel in the tracking camera — per frame while the store holds an
 * anchor, and once, empty, on the frame after the last one is removed; when the store changes, a work
 * request of kind {@link ANCHORS_SAVE_WORK} that writes the file at the edge (`saveAnchorsWork`).
 *
 * Pure; never throws: each command's outcome is in `outcomes` (a bad one also in `rejected`, with the reason).
 */
import type { AnchorsUpdatedEvent, CameraFrameEvent, PoseEvent } from '../../../bus/topics.js';
import type { WorkRequest } from '../../../tick/types.js';
import { poseEventTransform } from './pose-source.js';
import { saveAnchors } from './persist.js';
import { createAnchor, removeAnchor, type Anchor, type AnchorSpec, type AnchorStore } from './store.js';
import { viewAnchors, type ViewCamera } from './view.js';

export const ANCHORS_SAVE_WORK = 'anchors.save';

/** A command on the store (the bus's `AnchorCommand` resolved against the pose: `resolveAnchorCommand`). */
export type AnchorStoreCommand =
  | { readonly kind: 'create'; readonly spec: AnchorSpec }
  | { readonly kind: 'remove'; readonly id: string };

/** What became of one store command: the anchor created or removed, or why not. */
export type AnchorOutcome =
  | { readonly command: AnchorStoreCommand; readonly ok: true; readonly anchor: Anchor }
  | { readonly command: AnchorStoreCommand; readonly ok: false; readonly reason: string };

export interface AnchorSettings {
  readonly view: ViewCamera;
  /** Device id of the tracking camera; default: the first `tracking`-role camera heard from. */
  readonly cameraId?: string;
  /** Pose source followed. Default `vio`. */
  readonly poseSource?: PoseEvent['source'];
  /** Where anchors persist; none: not persisted. */
  readonly file?: string;
}

export interface AnchorsState {
  readonly store: AnchorStore;
  readonly cameraId: string | null;
  readonly pose: PoseEvent | null;
  /** Save requests issued (their ids). */
  readonly saves: number;
  /** The last `anchors.updated` carried an anchor (so an empty one is due once the store empties). */
  readonly shown: boolean;
}

export function initialAnchors(store: AnchorStore): AnchorsState {
  return { store, cameraId: null, pose: null, saves: 0, shown: false };
}

export interface AnchorsStepOutput {
  readonly state: AnchorsState;
  readonly updates: AnchorsUpdatedEvent[];
  readonly requests: WorkRequest[];
  readonly rejected: readonly { readonly command: AnchorStoreCommand; readonly reason: string }[];
  /** One per command, in order. */
  readonly outcomes: readonly AnchorOutcome[];
}

/** The newest 6-DoF pose of `source` among `current` and `poses` (the rule `stepAnchors` follows). */
export function newestPose(current: PoseEvent | null, poses: readonly PoseEvent[], source: PoseEvent['source']): PoseEvent | null {
  let pose = current;
  for (const p of poses) if (p.source === source && p.p_world_body_m !== undefined && (pose === null || p.tNs >= pose.tNs)) pose = p;
  return pose;
}

/** One step: frames, poses and commands since the last step, tick time `nowNs`. */
export function stepAnchors(
  state: AnchorsState,
  frames: readonly CameraFrameEvent[],
  poses: readonly PoseEvent[],
  commands: readonly AnchorStoreCommand[],
  nowNs: number,
  settings: AnchorSettings,
): AnchorsStepOutput {
  const pose = newestPose(state.pose, poses, settings.poseSource ?? 'vio');
  let store = state.store;
  const outcomes: AnchorOutcome[] = [];
  for (const command of commands) {
    if (command.kind === 'remove') {
      const anchor = store.anchors.find((a) => a.id === command.id);
      if (anchor === undefined) {
        outcomes.push({ command, ok: false, reason: `no anchor "${command.id}"` });
        continue;
      }
      store = removeAnchor(store, command.id).store;
      outcomes.push({ command, ok: true, anchor });
      continue;
    }
    try {
      const created = createAnchor(store, command.spec, nowNs);
      store = created.store;
      outcomes.push({ command, ok: true, anchor: created.anchor });
    } catch (err) {
      outcomes.push({ command, ok: false, reason: (err as Error).message });
    }
  }
  const rejected = outcomes.flatMap((o) => (o.ok ? [] : [{ command: o.command, reason: o.reason }]));
  let cameraId = state.cameraId ?? settings.cameraId ?? null;
  const updates: AnchorsUpdatedEvent[] = [];
  let shown = state.shown;
  const T_world_body = pose === null ? undefined : poseEventTransform(pose);
  for (const f of frames) {
    if (cameraId === null && f.role === 'tracking') cameraId = f.deviceId;
    if (f.deviceId !== cameraId) continue;
    if (store.anchors.length === 0 && !shown) continue;
    updates.push({ tNs: f.tNs, anchors: viewAnchors(store.anchors, T_world_body, settings.view) });
    shown = store.anchors.length > 0;
  }
  const requests: WorkRequest[] = [];
  let saves = state.saves;
  if (store !== state.store && settings.file !== undefined) {
    saves += 1;
    requests.push({ kind: ANCHORS_SAVE_WORK, id: `anchors-save-${saves}`, payload: { file: settings.file, store } satisfies SavePayload });
  }
  return { state: { store, cameraId, pose, saves, shown }, updates, requests, rejected, outcomes };
}

interface SavePayload {
  readonly file: string;
  readonly store: AnchorStore;
}

/** The work handler for {@link ANCHORS_SAVE_WORK}: writes the store atomically; rejects with `AnchorFileError`. */
export async function saveAnchorsWork(payload: unknown): Promise<unknown> {
  const p = payload as SavePayload;
  await saveAnchors(p.file, p.store);
  return { file: p.file, anchors: p.store.anchors.length };
}
