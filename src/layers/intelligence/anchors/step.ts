/**
 * Layer-5 adapter for world-locked anchors. In: the tracking camera's `camera.frame` (the cadence: one
 * `anchors.updated` per frame, stamped with the frame's capture time), `pose.updated` (the newest 6-DoF
 * pose of the configured source, `vio` by default), and anchor commands (create at a world pose, create
 * from a triangulation, remove). Out: `anchors.updated` with every anchor's pose in the current view frame
 * and its pixel in the tracking camera; when the store changes, a work request of kind
 * {@link ANCHORS_SAVE_WORK} that writes the file at the edge (`saveAnchorsWork`).
 *
 * Pure; never throws: a bad command is answered in `rejected` with the reason.
 */
import type { AnchorsUpdatedEvent, CameraFrameEvent, PoseEvent } from '../../../bus/topics.js';
import type { WorkRequest } from '../../../tick/types.js';
import { poseEventTransform } from './pose-source.js';
import { saveAnchors } from './persist.js';
import { createAnchor, removeAnchor, type AnchorSpec, type AnchorStore } from './store.js';
import { viewAnchors, type ViewCamera } from './view.js';

export const ANCHORS_SAVE_WORK = 'anchors.save';

export type AnchorCommand =
  | { readonly kind: 'create'; readonly spec: AnchorSpec }
  | { readonly kind: 'remove'; readonly id: string };

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
}

export function initialAnchors(store: AnchorStore): AnchorsState {
  return { store, cameraId: null, pose: null, saves: 0 };
}

export interface AnchorsStepOutput {
  readonly state: AnchorsState;
  readonly updates: AnchorsUpdatedEvent[];
  readonly requests: WorkRequest[];
  readonly rejected: readonly { readonly command: AnchorCommand; readonly reason: string }[];
}

/** One step: frames, poses and commands since the last step, tick time `nowNs`. */
export function stepAnchors(
  state: AnchorsState,
  frames: readonly CameraFrameEvent[],
  poses: readonly PoseEvent[],
  commands: readonly AnchorCommand[],
  nowNs: number,
  settings: AnchorSettings,
): AnchorsStepOutput {
  const source = settings.poseSource ?? 'vio';
  let pose = state.pose;
  for (const p of poses) if (p.source === source && p.p_world_body_m !== undefined && (pose === null || p.tNs >= pose.tNs)) pose = p;
  let store = state.store;
  const rejected: { command: AnchorCommand; reason: string }[] = [];
  for (const command of commands) {
    if (command.kind === 'remove') {
      const r = removeAnchor(store, command.id);
      if (r.removed) store = r.store;
      else rejected.push({ command, reason: `no anchor "${command.id}"` });
      continue;
    }
    try {
      store = createAnchor(store, command.spec, nowNs).store;
    } catch (err) {
      rejected.push({ command, reason: (err as Error).message });
    }
  }
  let cameraId = state.cameraId ?? settings.cameraId ?? null;
  const updates: AnchorsUpdatedEvent[] = [];
  const T_world_body = pose === null ? undefined : poseEventTransform(pose);
  for (const f of frames) {
    if (cameraId === null && f.role === 'tracking') cameraId = f.deviceId;
    if (f.deviceId !== cameraId) continue;
    updates.push({ tNs: f.tNs, anchors: viewAnchors(store.anchors, T_world_body, settings.view) });
  }
  const requests: WorkRequest[] = [];
  let saves = state.saves;
  if (store !== state.store && settings.file !== undefined) {
    saves += 1;
    requests.push({ kind: ANCHORS_SAVE_WORK, id: `anchors-save-${saves}`, payload: { file: settings.file, store } satisfies SavePayload });
  }
  return { state: { store, cameraId, pose, saves }, updates, requests, rejected };
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
